package dev.strata.devstack;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

import redis.embedded.core.ExecutableProvider;

/** Redis from the binary that {@code embedded-redis} ships in its jar, with append-only persistence. */
public final class RedisServer extends ProcessServer {

    private final int port;

    RedisServer(StackDirectory dir) {
        super(dir, "redis", Duration.ofSeconds(30));
        this.port = dir.port("redis.port");
    }

    @Override
    public int port() {
        return port;
    }

    public String uri() {
        return "redis://" + Ports.LOOPBACK + ":" + port;
    }

    @Override
    protected String readyLine() {
        return "Ready to accept connections";
    }

    @Override
    protected List<String> command() {
        File binary;
        try {
            binary = ExecutableProvider.newJarResourceProvider(dir.data("bin").toFile()).get();
        } catch (IOException e) {
            throw new DevStackException("cannot unpack the Redis server binary: " + e.getMessage());
        }
        return List.of(binary.getAbsolutePath(), "--port", Integer.toString(port), "--bind", Ports.LOOPBACK,
                "--dir", dir.data(name()).toString(), "--appendonly", "yes", "--save", "", "--daemonize", "no",
                "--protected-mode", "yes");
    }
}
