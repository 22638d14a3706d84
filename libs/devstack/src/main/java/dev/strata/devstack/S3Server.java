package dev.strata.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An S3-compatible server (S3Proxy over a filesystem backend) as a child JVM. Access keys are generated once per data
 * directory.
 */
public final class S3Server extends ProcessServer {

    public static final String REGION = "us-east-1";

    private final int port;

    S3Server(StackDirectory dir) {
        super(dir, "s3", Duration.ofSeconds(60));
        this.port = dir.port("s3.port");
    }

    @Override
    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    public String accessKey() {
        return dir.value("s3.access-key", () -> "strata-" + dir.secret("s3.access-key.seed").substring(0, 12));
    }

    public String secretKey() {
        return dir.secret("s3.secret-key");
    }

    @Override
    protected List<String> command() {
        Path home = dir.data(name());
        Path buckets = home.resolve("buckets");
        Path config = home.resolve("s3proxy.properties");
        try {
            Files.createDirectories(buckets);
            Files.writeString(config, String.join("\n",
                    "s3proxy.endpoint=" + endpoint(),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + accessKey(),
                    "s3proxy.credential=" + secretKey(),
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + buckets,
                    "jclouds.identity=" + accessKey(),
                    "jclouds.credential=" + secretKey(),
                    "") + "\n");
        } catch (IOException e) {
            throw new DevStackException("cannot write the S3 configuration under " + home + ": " + e.getMessage());
        }
        return List.of(javaBinary(), "-Xms32m", "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", ServerClasspath.of("s3proxy"), "org.gaul.s3proxy.Main", "--properties", config.toString());
    }
}
