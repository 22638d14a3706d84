package dev.strata.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The directory the dev stack owns: one data folder per server, {@code logs/}, {@code run/} (pid files) and
 * {@code stack.properties}, which remembers ports and generated credentials so that a restart finds its data again.
 */
public final class StackDirectory {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final Properties settings = new Properties();

    public StackDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root.resolve("logs"));
            Files.createDirectories(this.root.resolve("run"));
            Path file = settingsFile();
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    settings.load(in);
                }
            }
        } catch (IOException e) {
            throw new DevStackException("cannot use the data directory " + this.root + " (" + e.getMessage()
                    + "): check that it is writable or choose another one");
        }
    }

    public Path root() {
        return root;
    }

    public Path data(String server) {
        Path dir = root.resolve(server);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DevStackException("cannot create " + dir + ": " + e.getMessage());
        }
        return dir;
    }

    public Path log(String server) {
        return root.resolve("logs").resolve(server + ".log");
    }

    public Path pidFile(String server) {
        return root.resolve("run").resolve(server + ".pid");
    }

    /**
     * The port remembered for {@code key}, if it is still free, otherwise a new free port (remembered from now on).
     */
    public synchronized int port(String key) {
        String known = settings.getProperty(key);
        if (known != null) {
            int port = Integer.parseInt(known);
            if (Ports.isFree(port)) {
                return port;
            }
        }
        return remember(key, Ports::free);
    }

    /** A secret generated once for this directory (stored with owner-only permissions, never logged). */
    public synchronized String secret(String key) {
        return value(key, () -> {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        });
    }

    /** A 256-bit key generated once for this directory, base64 (for AES keys such as auth's key-encryption key). */
    public synchronized String key256(String key) {
        return value(key, () -> {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            return java.util.Base64.getEncoder().encodeToString(bytes);
        });
    }

    public synchronized String value(String key, Supplier<String> initial) {
        String known = settings.getProperty(key);
        if (known == null) {
            known = initial.get();
            settings.setProperty(key, known);
            save();
        }
        return known;
    }

    private int remember(String key, IntSupplier supplier) {
        int port = supplier.getAsInt();
        settings.setProperty(key, Integer.toString(port));
        save();
        return port;
    }

    private Path settingsFile() {
        return root.resolve("stack.properties");
    }

    private void save() {
        Path file = settingsFile();
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: nothing more to do
                }
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                settings.store(out, "Strata dev stack: ports and generated credentials. Do not commit.");
            }
        } catch (IOException e) {
            throw new DevStackException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
