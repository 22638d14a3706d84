package dev.strata.auth.setting;

import java.util.List;

/** The body of {@code PUT .../settings/allowed-hosts}: the whole list (empty: none). */
public record AllowedHostsRequest(List<String> hosts) {
}
