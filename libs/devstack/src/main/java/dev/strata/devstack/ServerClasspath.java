package dev.strata.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Classpaths of the servers that run as child JVMs (Kafka, S3Proxy). The build writes them as resources from the
 * {@code provided} dependencies of this module, so the jars come from the local Maven repository.
 */
final class ServerClasspath {

    private ServerClasspath() {
    }

    static String of(String server) {
        String resource = server + ".classpath";
        String classpath;
        try (InputStream in = ServerClasspath.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new DevStackException("the " + server + " classpath is missing from the dev-stack jar: rebuild"
                        + " it with ./mvnw -q install -DskipTests -pl libs/devstack");
            }
            classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new DevStackException("cannot read the " + server + " classpath: " + e.getMessage());
        }
        List<String> missing = Stream.of(classpath.split(java.io.File.pathSeparator))
                .filter(jar -> !Files.exists(Path.of(jar)))
                .toList();
        if (!missing.isEmpty()) {
            throw new DevStackException(server + " cannot start: " + missing.size() + " of its jars are missing from"
                    + " the local Maven repository (first: " + missing.get(0) + "); run ./mvnw -q install -DskipTests"
                    + " with network access to Maven Central to fetch them");
        }
        return classpath;
    }
}
