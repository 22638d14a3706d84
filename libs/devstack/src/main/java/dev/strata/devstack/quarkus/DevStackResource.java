package dev.strata.devstack.quarkus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.strata.devstack.Component;
import dev.strata.devstack.DevStack;

/**
 * Starts the real dev stack for a {@code @QuarkusTest} and hands its endpoints to the application as configuration.
 *
 * <pre>
 * &#64;WithTestResource(value = DevStackResource.class, initArgs = &#64;ResourceArg(name = "components", value = "postgres,kafka"))
 * </pre>
 *
 * Init arg: {@code components} (comma-separated; default all). A test gets the running stack in a field annotated
 * {@link InjectDevStack}.
 */
public class DevStackResource implements QuarkusTestResourceLifecycleManager {

    private DevStack stack;
    private String components;

    @Override
    public void init(Map<String, String> initArgs) {
        components = initArgs.getOrDefault("components", "");
    }

    @Override
    public Map<String, String> start() {
        Path root = Path.of("target", "devstack-" + UUID.randomUUID().toString().substring(0, 8));
        stack = DevStack.start(root, Component.parse(components));
        return stack.serviceConfig();
    }

    @Override
    public void stop() {
        if (stack != null) {
            stack.close();
            // a test's stack is disposable: do not let 50+ MB per run pile up under target/
            deleteRecursively(stack.root());
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: target/ is cleaned by the build anyway
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(stack, new TestInjector.AnnotatedAndMatchesType(InjectDevStack.class,
                DevStack.class));
    }
}
