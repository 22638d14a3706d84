package dev.strata.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Strata source tree the launcher runs from: the services' built jars and the default data directory live in it.
 * Found from the location of the launcher's own jar ({@code <repo>/cli/target/strata-cli.jar}), or the system property
 * {@code strata.repo}.
 */
record Repo(Path root) {

    static Repo locate() {
        String configured = System.getProperty("strata.repo");
        if (configured != null && !configured.isBlank()) {
            return new Repo(Path.of(configured).toAbsolutePath().normalize());
        }
        try {
            // <repo>/cli/target/strata-cli.jar, or <repo>/cli/target/classes when run from the build
            Path code = Path.of(Repo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = code.getParent().getParent().getParent();
            if (Files.isDirectory(candidate.resolve("services"))) {
                return new Repo(candidate.toAbsolutePath().normalize());
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall back to the working directory below
        }
        return new Repo(Path.of("").toAbsolutePath());
    }

    Path defaultDataDir() {
        return root.resolve(".strata");
    }

    Path serviceDir(String service) {
        return root.resolve("services").resolve(service);
    }

    Path serviceJar(String service) {
        return serviceDir(service).resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
    }
}
