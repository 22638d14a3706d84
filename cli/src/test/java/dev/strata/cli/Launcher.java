package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The built launcher run as a user runs it, {@code java -jar strata-cli.jar <args>}, for the integration tests. */
final class Launcher {

    static final Path JAR = Path.of(System.getProperty("strata.cli.jar", "target/strata-cli.jar"));

    private Launcher() {
    }

    record Result(int exitCode, String output) {
    }

    static ProcessBuilder cli(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-Xmx128m", "-jar",
                JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code strata <args>} to its end, failing the test if it takes longer than {@code timeout}. */
    static Result run(Duration timeout, String... args) throws Exception {
        Process process = cli(args).redirectErrorStream(true).start();
        Output output = new Output(process, null);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("strata " + String.join(" ", args) + " did not finish within " + timeout.toSeconds() + " s:\n"
                    + output);
        }
        output.join();
        return new Result(process.exitValue(), output.toString());
    }

    /** Collects a process's output lines as they come, and copies them to a file for a failed build. */
    static final class Output {

        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Process process;
        private final Thread reader;
        private final PrintWriter copy;

        Output(Process process, Path copyTo) throws IOException {
            this.process = process;
            this.copy = copyTo == null ? null : new PrintWriter(Files.newBufferedWriter(copyTo), true);
            this.reader = new Thread(this::read, "output-of-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    if (copy != null) {
                        copy.println(line);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }

        /** Whether a line containing {@code text} appears in time; false at once if the process ends without it. */
        boolean await(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (contains(text)) {
                    return true;
                }
                if (!process.isAlive()) {
                    reader.join(2000);
                    return contains(text);
                }
                Thread.sleep(100);
            }
            return false;
        }

        private boolean contains(String text) {
            return lines.stream().anyMatch(line -> line.contains(text));
        }

        void join() throws InterruptedException {
            reader.join(5000);
        }

        void close() {
            if (copy != null) {
                copy.close();
            }
        }

        @Override
        public String toString() {
            return String.join("\n", lines);
        }
    }
}
