package dev.strata.auth.user;

import java.util.List;
import java.util.Map;

/** The caller as its access token describes it. */
public record Me(String subject, String username, String kind, Map<String, String> namespaces, List<String> groups) {
}
