package dev.strata.auth.setting;

import java.time.Instant;
import java.util.List;

/** The private hosts, addresses and CIDR ranges a namespace's loads and deliveries may reach. */
public record AllowedHosts(String namespace, List<String> hosts, Instant updatedAt, String updatedBy) {
}
