package dev.strata.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The user's named contexts (a platform URL each) and their sign-ins, in the user's config directory
 * ({@code $STRATA_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/strata}, else {@code ~/.config/strata}):
 * {@code contexts.properties} (URLs, the current context; no secrets) and {@code credentials.properties} (tokens;
 * owner-only, 0600, in an owner-only directory). Tokens are never printed.
 */
final class Contexts {

    static final String CONTEXTS_FILE = "contexts.properties";
    static final String CREDENTIALS_FILE = "credentials.properties";

    /** A context's sign-in: an API token (exchanged by the gateway), or the tokens of a browser or device login. */
    record Credentials(String apiToken, String accessToken, String refreshToken, long expiresAtEpochSecond) {

        static Credentials ofApiToken(String token) {
            return new Credentials(token, null, null, 0);
        }

        boolean isApiToken() { return apiToken != null; }
    }

    record Context(String name, String url, String user) {
    }

    private final Path dir;
    private final Properties contexts;
    private final Properties credentials;

    private Contexts(Path dir) {
        this.dir = dir;
        this.contexts = load(dir.resolve(CONTEXTS_FILE));
        this.credentials = load(dir.resolve(CREDENTIALS_FILE));
    }

    static Contexts load() {
        return new Contexts(configDir());
    }

    static Path configDir() {
        String property = System.getProperty("strata.config.dir");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String explicit = System.getenv("STRATA_CONFIG_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("strata");
    }

    Path dir() {
        return dir;
    }

    Optional<String> current() {
        return Optional.ofNullable(contexts.getProperty("current"));
    }

    List<Context> all() {
        List<Context> all = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (String key : contexts.stringPropertyNames()) {
            if (key.startsWith("context.") && key.endsWith(".url")) {
                names.add(key.substring("context.".length(), key.length() - ".url".length()));
            }
        }
        names.forEach(name -> all.add(get(name).orElseThrow()));
        return all;
    }

    Optional<Context> get(String name) {
        String url = contexts.getProperty("context." + name + ".url");
        return url == null
                ? Optional.empty()
                : Optional.of(new Context(name, url, contexts.getProperty("context." + name + ".user")));
    }

    Optional<Credentials> credentials(String name) {
        String prefix = "context." + name + ".";
        String apiToken = credentials.getProperty(prefix + "api-token");
        String access = credentials.getProperty(prefix + "access-token");
        if (apiToken == null && access == null) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(apiToken, access, credentials.getProperty(prefix + "refresh-token"),
                Long.parseLong(credentials.getProperty(prefix + "expires-at", "0"))));
    }

    void put(Context context, Credentials signIn) {
        validName(context.name());
        contexts.setProperty("context." + context.name() + ".url", context.url());
        if (context.user() != null) {
            contexts.setProperty("context." + context.name() + ".user", context.user());
        }
        setCredentials(context.name(), signIn);
    }

    void setCredentials(String name, Credentials signIn) {
        String prefix = "context." + name + ".";
        for (String key : List.of("api-token", "access-token", "refresh-token", "expires-at")) {
            credentials.remove(prefix + key);
        }
        if (signIn == null) {
            return;
        }
        if (signIn.apiToken() != null) {
            credentials.setProperty(prefix + "api-token", signIn.apiToken());
        }
        if (signIn.accessToken() != null) {
            credentials.setProperty(prefix + "access-token", signIn.accessToken());
            credentials.setProperty(prefix + "expires-at", Long.toString(signIn.expiresAtEpochSecond()));
        }
        if (signIn.refreshToken() != null) {
            credentials.setProperty(prefix + "refresh-token", signIn.refreshToken());
        }
    }

    void use(String name) {
        if (get(name).isEmpty()) {
            throw new StrataException(ExitCodes.USAGE, "there is no context '" + name + "'; strata context ls lists"
                    + " them, strata login URL --context " + name + " makes it", null);
        }
        contexts.setProperty("current", name);
    }

    static void validName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new StrataException(ExitCodes.USAGE, "context name '" + name + "' is not valid: use letters,"
                    + " digits, '.', '_' or '-' (at most 63)", null);
        }
    }

    /** Writes both files; the credentials owner-only from the moment they exist. */
    void save() {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                restrict(dir, "rwx------");
            }
            write(dir.resolve(CONTEXTS_FILE), contexts, "rw-r--r--", "strata contexts: URLs only, no secrets");
            write(dir.resolve(CREDENTIALS_FILE), credentials, "rw-------",
                    "strata sign-ins: secret, owner-only; strata logout removes one");
        } catch (IOException e) {
            throw new StrataException("cannot write " + dir + " (" + StrataException.reason(e)
                    + "): check the permissions of your config directory or set STRATA_CONFIG_DIR");
        }
    }

    private static void write(Path file, Properties properties, String permissions, String comment)
            throws IOException {
        StringWriter text = new StringWriter();
        properties.store(text, comment);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            // not a POSIX file system: the directory's own protection applies
        }
        Files.writeString(tmp, text.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        restrict(file, permissions);
    }

    private static void restrict(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException e) {
                throw new StrataException("cannot read " + file + " (" + StrataException.reason(e)
                        + "): check its permissions");
            }
        }
        return properties;
    }
}
