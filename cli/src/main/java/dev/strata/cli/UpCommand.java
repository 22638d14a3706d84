package dev.strata.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.ManagedServer;
import dev.strata.devstack.Ports;
import dev.strata.devstack.S3Server;

@Command(name = "up", description = UpCommand.ABOUT)
final class UpCommand implements Callable<Integer> {

    static final String ABOUT = "Start the infrastructure and the services, and keep them running until Ctrl-C or"
            + " `strata down`.";
    static final int DEFAULT_GATEWAY_PORT = 8080;

    private static final String PORT_HELP = "Port of the gateway: a number, or auto for 8080 if it is free"
            + " and else any free port (default: auto).";
    private static final String TIMEOUT_HELP = "How long to wait until everything is ready, e.g. 90s or 5m"
            + " (default: 180s).";

    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption dataDir;

    @Option(names = "--gateway-port", paramLabel = "PORT|auto", converter = PortOrAuto.class, description = PORT_HELP)
    int gatewayPort = PortOrAuto.AUTO;

    @Option(names = "--json-logs", description = "Services log JSON lines instead of plain text.")
    boolean jsonLogs;

    @Option(names = "--timeout", paramLabel = "DURATION", description = TIMEOUT_HELP)
    Duration timeout = Duration.ofSeconds(180);

    /** Starts only some services, e.g. while others do not build yet. */
    @Option(names = "--services", hidden = true, defaultValue = "${env:STRATA_SERVICES}")
    String servicesList;

    @Override
    public Integer call() {
        long startNanos = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Repo repo = Repo.locate();
        List<String> names = Services.select(servicesList);
        Path root = dataDir.create(repo);

        // one launcher per data directory; the lock goes away with this process, however it ends
        LauncherLock lock = LauncherLock.acquire(root);
        int gateway;
        List<Path> jars;
        try {
            gateway = names.contains("gateway") ? chooseGatewayPort(gatewayPort) : 0;
            jars = serviceJars(repo, names);
        } catch (RuntimeException e) {
            lock.release();
            throw e;
        }

        Platform platform = new Platform(root, out, err);
        platform.recordStarting();
        Runtime.getRuntime().addShutdownHook(new Thread(platform::stop, "strata-shutdown"));
        try {
            out.println("Starting Strata: infrastructure (postgres, kafka, s3, redis), then "
                    + (names.size() == Services.ALL.size() ? "the seven services" : String.join(", ", names))
                    + ". Data: " + root);
            platform.startInfrastructure();
            out.println("  infrastructure ready after " + seconds(startNanos));

            List<ServiceProcess> services = plan(root, names, jars, gateway);
            platform.startServices(services, javaBinary(),
                    ServiceProcess.javaOpts(System.getenv("STRATA_SERVICE_JAVA_OPTS")), jsonLogs);
            platform.awaitReady(timeout, startNanos);
            printReady(out, platform, root, startNanos);
        } catch (RuntimeException e) {
            // say what went wrong first (unless Ctrl-C is the reason), then stop whatever did start
            if (!platform.isStopping()) {
                StrataCommand.printError(err, e, spec.commandLine());
            }
            platform.stop();
            lock.release();
            return 1;
        }
        platform.watch();
        return 0;
    }

    /** {@code auto} (0): 8080 if it is free, else any free port; a given port must be free. */
    static int chooseGatewayPort(int requested) {
        if (requested == PortOrAuto.AUTO) {
            return Ports.isFree(DEFAULT_GATEWAY_PORT) ? DEFAULT_GATEWAY_PORT : Ports.free();
        }
        if (!Ports.isFree(requested)) {
            throw new StrataException("port " + requested
                    + " is already in use; choose another with --gateway-port or stop what uses it");
        }
        return requested;
    }

    static List<Path> serviceJars(Repo repo, List<String> names) {
        List<Path> jars = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            Path jar = repo.serviceJar(name);
            if (!Files.isRegularFile(jar)) {
                missing.add(name);
            }
            jars.add(jar);
        }
        if (!missing.isEmpty()) {
            String list = String.join(", ", missing);
            throw new StrataException((missing.size() == 1 ? "service " + list + " is" : "services " + list + " are")
                    + " not built (no " + repo.root().relativize(repo.serviceJar(missing.get(0)))
                    + "): run ./mvnw -B -DskipTests install in " + repo.root()
                    + ", or start only the built services with STRATA_SERVICES=<name>,<name> ./strata up");
        }
        return jars;
    }

    private static List<ServiceProcess> plan(Path root, List<String> names, List<Path> jars, int gatewayPort) {
        Set<Integer> taken = new HashSet<>();
        taken.add(gatewayPort);
        List<ServiceProcess> services = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            int port = name.equals("gateway") ? gatewayPort : freePort(taken);
            services.add(new ServiceProcess(name, jars.get(i), port, root));
        }
        return services;
    }

    private static int freePort(Set<Integer> taken) {
        while (true) {
            int port = Ports.free();
            if (taken.add(port)) {
                return port;
            }
        }
    }

    private static void printReady(PrintWriter out, Platform platform, Path root, long startNanos) {
        out.println();
        out.println("Strata is ready in " + seconds(startNanos) + ".");
        platform.services().stream().filter(s -> s.name().equals("gateway")).findFirst()
                .ifPresentOrElse(g -> out.println("Gateway: " + g.url()),
                        () -> out.println("Gateway: not started (STRATA_SERVICES)"));
        out.println();
        out.println("Services:");
        for (ServiceProcess service : platform.services()) {
            out.printf("  %-10s %-24s %-38s pid %d%n", service.name(), service.url(), service.healthUrl(),
                    service.pid());
        }
        out.println("Infrastructure:");
        DevStack stack = platform.stack();
        for (ManagedServer server : stack.servers()) {
            out.printf("  %-10s %-60s pid %d%n", server.name(), endpoint(stack, server),
                    server.pid().orElse(0));
        }
        out.println("Logs: " + root.resolve("logs") + "/<name>.log");
        out.println("Sign in as '" + Platform.ADMIN_USERNAME + "': the password is " + Platform.ADMIN_PASSWORD_KEY
                + " in " + root.resolve("stack.properties") + " (owner-only; generated once, never printed).");
        out.println();
        out.println("Press Ctrl-C or run ./strata down to stop.");
        out.flush();
    }

    /** Where a server answers, without credentials (they are in stack.properties, readable by the owner only). */
    private static String endpoint(DevStack stack, ManagedServer server) {
        return switch (server.name()) {
            case "postgres" -> stack.postgres().jdbcUrl() + " (user " + stack.postgres().user() + ")";
            case "kafka" -> stack.kafka().bootstrapServers();
            case "s3" -> stack.s3().endpoint() + " (region " + S3Server.REGION + ")";
            case "redis" -> stack.redis().uri();
            default -> "127.0.0.1:" + server.port();
        };
    }

    static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    /** The java that runs this launcher runs the services too. */
    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .filter(c -> c.endsWith("java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
