package dev.strata.notifier.channel;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.strata.netguard.AddressGuard;
import dev.strata.notifier.config.NotifierConfig;

/** The address guard of every channel, from {@code strata.notifier.allowed-hosts}. */
@ApplicationScoped
public class Guards {

    public static final String ALLOW_LIST_KEY = "strata.notifier.allowed-hosts";

    @Produces
    @Singleton
    AddressGuard guard(NotifierConfig config) {
        return AddressGuard.of(config.allowedHosts().orElse(List.of()), ALLOW_LIST_KEY);
    }
}
