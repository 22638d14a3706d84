package dev.strata.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka in KRaft mode (broker and controller in one JVM), run from the Kafka jars in the local Maven
 * repository as a child JVM. The storage is formatted once; later starts reuse it.
 */
public final class KafkaServer extends ProcessServer {

    private final int port;
    private final int controllerPort;

    KafkaServer(StackDirectory dir) {
        super(dir, "kafka", Duration.ofSeconds(90));
        this.port = dir.port("kafka.port");
        this.controllerPort = dir.port("kafka.controller.port");
    }

    @Override
    public int port() {
        return port;
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    @Override
    protected String readyLine() {
        return "Kafka Server started";
    }

    @Override
    protected List<String> command() {
        Path home = dir.data(name());
        Path config = home.resolve("server.properties");
        Path logs = home.resolve("log");
        Path log4j = home.resolve("log4j2.properties");
        String classpath = ServerClasspath.of("kafka");
        try {
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@" + Ports.LOOPBACK + ":" + controllerPort,
                    "listeners=PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":"
                            + controllerPort,
                    "advertised.listeners=PLAINTEXT://" + Ports.LOOPBACK + ":" + port,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    "log.dirs=" + logs,
                    "num.partitions=3",
                    "auto.create.topics.enable=true",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=3",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "log.retention.hours=168",
                    "") + "\n");
            Files.writeString(log4j, String.join("\n",
                    "rootLogger.level=INFO",
                    "rootLogger.appenderRef.out.ref=out",
                    "appender.out.type=Console",
                    "appender.out.name=out",
                    "appender.out.layout.type=PatternLayout",
                    "appender.out.layout.pattern=%d{ISO8601} %-5p [%c{1}] %m%n",
                    "logger.kafka.name=kafka",
                    "logger.kafka.level=WARN",
                    "logger.server.name=kafka.server.KafkaRaftServer",
                    "logger.server.level=INFO",
                    "logger.apache.name=org.apache.kafka",
                    "logger.apache.level=WARN",
                    "") + "\n");
        } catch (IOException e) {
            throw new DevStackException("cannot write the Kafka configuration under " + home + ": " + e.getMessage());
        }
        List<String> jvm = new ArrayList<>(List.of(javaBinary(), "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4j.toUri(), "-cp", classpath));
        if (!Files.exists(logs.resolve("meta.properties"))) {
            format(jvm, config);
        }
        List<String> command = new ArrayList<>(jvm);
        command.add("kafka.Kafka");
        command.add(config.toString());
        return command;
    }

    private void format(List<String> jvm, Path config) {
        String clusterId = dir.value("kafka.cluster.id", KafkaServer::newClusterId);
        List<String> command = new ArrayList<>(jvm);
        command.addAll(
                List.of("kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId, "-c", config.toString(),
                        "--ignore-formatted"));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new DevStackException("formatting Kafka storage failed; see " + logFile());
            }
        } catch (IOException e) {
            throw new DevStackException("cannot run the Kafka storage tool: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevStackException("interrupted while formatting Kafka storage");
        }
    }

    /**
     * A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what Kafka's Uuid prints); like Kafka's
     * own, never starting with '-', which command-line parsers would take for an option.
     */
    static String newClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[16];
        String id;
        do {
            random.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }
}
