package dev.strata.notifier.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the {@link Receivers} for a {@code @QuarkusTest} and configures the notifier's secrets to point at them
 * ({@code strata.secrets.<name>}).
 */
public class ReceiversResource implements QuarkusTestResourceLifecycleManager {

    private Receivers receivers;

    @Override
    public Map<String, String> start() {
        receivers = new Receivers();
        Map<String, String> config = new LinkedHashMap<>();
        receivers.secrets().forEach((name, value) -> config.put("strata.secrets." + name, value));
        return config;
    }

    @Override
    public void stop() {
        if (receivers != null) {
            receivers.close();
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(receivers,
                new TestInjector.AnnotatedAndMatchesType(InjectReceivers.class, Receivers.class));
    }
}
