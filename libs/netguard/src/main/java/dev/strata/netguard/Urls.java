package dev.strata.netguard;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the URLs users give (HTTP sources, http tasks, webhooks, JDBC sources) into something the
 * {@link AddressGuard} can check, or refuses them with an {@link AddressRefusedException} whose message names the field
 * and what is wrong — never the URL itself, which may carry a token.
 */
public final class Urls {

    /**
     * PostgreSQL JDBC parameters that are refused: they override the host, port or database after the guard checked
     * them ({@code PGHOST}), read local files ({@code service}, {@code loggerFile}) or instantiate classes
     * ({@code socketFactory}, {@code sslfactory}, ...).
     */
    private static final Set<String> REFUSED_JDBC_PARAMETERS = Set.of("pghost", "pgport", "pgdbname", "service",
            "socketfactory", "socketfactoryarg", "sslfactory", "sslfactoryarg", "sslhostnameverifier",
            "sslpasswordcallback", "authenticationpluginclassname", "loggerfile", "loggerlevel");

    private Urls() {
    }

    /** One server of a JDBC URL; {@code port} is -1 when not given. */
    public record HostPort(String host, int port) {
    }

    /**
     * Parses an absolute http or https URL with a host.
     *
     * @param field what the URL is, for messages (e.g. {@code source.url})
     */
    public static URI http(String url, String field) {
        if (url == null || url.isBlank()) {
            throw malformed(field + " is required");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw malformed(field + " is not a valid URL: " + e.getReason() + " at character " + (e.getIndex() + 1));
        }
        return checkedHttp(uri, field);
    }

    /**
     * Where a redirect leads: {@code location} resolved against {@code from}; it must be an http(s) URL with a host.
     * The caller checks it with the guard before following it ({@link Redirects#send} does both).
     */
    public static URI redirect(URI from, String location) {
        URI target;
        try {
            target = from.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw malformed("the redirect from " + from.getHost() + " leads to an invalid URL");
        }
        return checkedHttp(target, "the redirect from " + from.getHost());
    }

    private static URI checkedHttp(URI uri, String field) {
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw malformed(field + " must be an http or https URL"
                    + (scheme == null ? "" : ", not " + scheme + ":"));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw malformed(field + (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()
                    ? " has no host"
                    : " has no valid host name (letters, digits, '-' and '.', or an IP address)"));
        }
        try {
            AddressGuard.parse(uri.getHost());
        } catch (AddressRefusedException e) {
            throw malformed(field + ": " + e.getMessage());
        }
        return uri;
    }

    /**
     * Every server of a PostgreSQL JDBC URL: {@code jdbc:postgresql://h1:5432,h2,[::1]:5433/db?...}.
     *
     * @param field what the URL is, for messages (e.g. {@code source.jdbcUrl})
     * @throws AddressRefusedException when it is not such a URL, a host is empty, a port is not a number from 1 to
     *                                 65535 or a parameter would change where it connects
     */
    public static List<HostPort> postgresHosts(String jdbcUrl, String field) {
        String prefix = "jdbc:postgresql://";
        if (jdbcUrl == null || !jdbcUrl.startsWith(prefix)) {
            throw malformed(field + " must be a PostgreSQL JDBC URL: jdbc:postgresql://host:port/database");
        }
        String rest = jdbcUrl.substring(prefix.length());
        int slash = rest.indexOf('/');
        int query = rest.indexOf('?');
        if (slash < 0 || (query >= 0 && query < slash)) {
            throw malformed(field + " has no database: jdbc:postgresql://host:port/database");
        }
        String servers = rest.substring(0, slash);
        if (servers.isEmpty()) {
            throw malformed(field + " has no host: jdbc:postgresql://host:port/database");
        }
        if (servers.contains("%") || servers.contains("@")) {
            throw malformed(field + ": the hosts must be written plainly (no '%' escapes, no user@)");
        }
        List<HostPort> hosts = new ArrayList<>();
        String[] parts = servers.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            hosts.add(server(parts[i], field + (parts.length > 1 ? " host " + (i + 1) : "")));
        }
        if (query >= 0) {
            for (String parameter : rest.substring(query + 1).split("&")) {
                String name = parameter.split("=", 2)[0].strip().toLowerCase(Locale.ROOT);
                if (REFUSED_JDBC_PARAMETERS.contains(name)) {
                    throw malformed(field + ": the parameter '" + parameter.split("=", 2)[0]
                            + "' is not accepted (it changes where or how the driver connects)");
                }
            }
        }
        return hosts;
    }

    private static HostPort server(String server, String field) {
        String host;
        String port = null;
        if (server.startsWith("[")) {
            int close = server.indexOf(']');
            if (close < 0) {
                throw malformed(field + ": '[' without ']' around an IPv6 address");
            }
            host = server.substring(0, close + 1);
            String after = server.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw malformed(field + ": expected ':port' after the IPv6 address");
                }
                port = after.substring(1);
            }
        } else {
            int colon = server.lastIndexOf(':');
            host = colon < 0 ? server : server.substring(0, colon);
            port = colon < 0 ? null : server.substring(colon + 1);
        }
        if (host.isBlank() || host.equals("[]")) {
            throw malformed(field + " is empty: every host of jdbc:postgresql://h1:port,h2:port/database needs a name");
        }
        try {
            AddressGuard.parse(host);
        } catch (AddressRefusedException e) {
            throw malformed(field + ": " + e.getMessage());
        }
        int number = -1;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = 0;
            }
            if (number < 1 || number > 65535) {
                throw malformed(field + ": the port must be a number from 1 to 65535");
            }
        }
        return new HostPort(host, number);
    }

    private static AddressRefusedException malformed(String message) {
        return new AddressRefusedException(AddressRefusedException.Reason.MALFORMED, message);
    }
}
