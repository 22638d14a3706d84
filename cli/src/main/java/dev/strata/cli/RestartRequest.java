package dev.strata.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code strata restart <service>} asks the running launcher through two files in its run directory: the command
 * writes {@code restart-<service>.request} (an id and a timeout), the launcher's watch loop picks it up, restarts the
 * service as its own child and answers in {@code restart-<service>.result} (the id, ok or failed, one sentence).
 */
record RestartRequest(Path runDir, String service, String id, Duration timeout) {

    private static final String PREFIX = "restart-";

    static Path requestFile(Path runDir, String service) {
        return runDir.resolve(PREFIX + service + ".request");
    }

    static Path resultFile(Path runDir, String service) {
        return runDir.resolve(PREFIX + service + ".result");
    }

    /** Written atomically, so the launcher never reads half of it. */
    void submit() {
        try {
            Files.deleteIfExists(resultFile(runDir, service));
            write(requestFile(runDir, service), id + "\n" + timeout.toSeconds() + "\n");
        } catch (IOException e) {
            throw new StrataException("cannot write to " + runDir + " (" + StrataException.reason(e)
                    + "): run strata restart as the user who ran strata up");
        }
    }

    /** The requests waiting in the run directory, each taken (deleted) as it is read. */
    static List<RestartRequest> pending(Path runDir) {
        List<RestartRequest> requests = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, PREFIX + "*.request")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String service = name.substring(PREFIX.length(), name.length() - ".request".length());
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                Files.deleteIfExists(file);
                if (lines.size() >= 2) {
                    requests.add(new RestartRequest(runDir, service, lines.get(0).strip(),
                            Duration.ofSeconds(Long.parseLong(lines.get(1).strip()))));
                }
            }
        } catch (IOException | RuntimeException e) {
            // a half-written or foreign file: the asking command times out and says so
        }
        return requests;
    }

    void answer(boolean ok, String sentence) {
        try {
            write(resultFile(runDir, service), id + "\n" + (ok ? "ok" : "failed") + "\n" + sentence + "\n");
        } catch (IOException e) {
            // the asking command times out and says so
        }
    }

    /** The launcher's answer to this request, once there is one: ok or not, and its sentence. */
    Optional<Result> result() {
        Path file = resultFile(runDir, service);
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 3 || !lines.get(0).equals(id)) {
                return Optional.empty();
            }
            Files.deleteIfExists(file);
            return Optional.of(new Result(lines.get(1).equals("ok"), lines.get(2)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    record Result(boolean ok, String sentence) {
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
