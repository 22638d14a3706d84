package dev.strata.auth.connection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.strata.auth.secret.SecretService;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.netguard.Urls;

/**
 * The kinds of connection and their fields: which are required, which are allowed, which name secrets. Checked when a
 * connection is saved; the hosts are checked against the address guard where the connection is used (the namespace's
 * allowed hosts may change in between).
 */
public enum ConnectionKind {
    /** An HTTP(S) API: base URL, and a header (default {@code Authorization}) whose value is a secret. */
    HTTP(List.of("baseUrl"), List.of("headerName", "headerSecret")),
    /** An S3-compatible bucket: endpoint (default AWS), bucket, region, access key and the secret key's secret. */
    S3(List.of("bucket", "accessKey", "secretKeySecret"), List.of("endpoint", "region")),
    /** A PostgreSQL database: JDBC URL, user, and the password's secret. */
    JDBC(List.of("url", "user"), List.of("passwordSecret")),
    /** A Slack incoming webhook: its URL is the secret. */
    SLACK(List.of("webhookUrlSecret"), List.of()),
    /** A webhook: URL, and the secret that signs each delivery. */
    WEBHOOK(List.of("url"), List.of("signingSecret")),
    /** An SMTP server: host, port, sender, user and the password's secret. */
    SMTP(List.of("host", "port", "from"), List.of("user", "passwordSecret"));

    /** The longest value of any text field. */
    public static final int MAX_FIELD = 2048;

    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    private static final Set<String> FORBIDDEN_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "upgrade", "expect", "te", "trailer", "proxy-authorization", "cookie");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,32}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>]{1,64}@[A-Za-z0-9.-]{1,253}");
    private static final Map<String, Function<ConnectionRequest, Object>> FIELDS = fields();

    private final List<String> required;
    private final List<String> optional;

    ConnectionKind(List<String> required, List<String> optional) {
        this.required = required;
        this.optional = optional;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public List<String> allowed() {
        List<String> all = new ArrayList<>(required);
        all.addAll(optional);
        return all;
    }

    public static Optional<ConnectionKind> parse(String value) {
        return Arrays.stream(values()).filter(k -> k.value().equals(value)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(ConnectionKind::value).toList());
    }

    /** Whether the field names a secret. */
    public static boolean isSecretRef(String field) {
        return field.endsWith("Secret");
    }

    /**
     * The connection's settings (the fields it sets, in order) or every problem found, each naming its field.
     */
    public Map<String, Object> settings(ConnectionRequest request, List<String> problems) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Map.Entry<String, Function<ConnectionRequest, Object>> field : FIELDS.entrySet()) {
            Object value = field.getValue().apply(request);
            if (value instanceof String s && s.isBlank()) {
                value = null;
            }
            boolean allowed = allowed().contains(field.getKey());
            if (value != null && !allowed) {
                problems.add("field '" + field.getKey() + "' is not a field of a " + value() + " connection; its "
                        + "fields are kind, " + String.join(", ", allowed()));
            } else if (value == null && required.contains(field.getKey())) {
                problems.add("field '" + field.getKey() + "' is required for a " + value() + " connection");
            } else if (value != null) {
                if (value instanceof String s && s.length() > MAX_FIELD) {
                    problems.add("field '" + field.getKey() + "' is " + s.length() + " characters, over the limit of "
                            + MAX_FIELD);
                } else {
                    check(field.getKey(), value, problems);
                    settings.put(field.getKey(), value instanceof String s ? s.strip() : value);
                }
            }
        }
        if (this == HTTP && settings.containsKey("headerName") && !settings.containsKey("headerSecret")) {
            problems.add("field 'headerSecret' is required when 'headerName' is set: the secret holding the "
                    + "header's value");
        }
        if (this == HTTP && settings.containsKey("headerSecret")) {
            settings.putIfAbsent("headerName", "Authorization");
        }
        return settings;
    }

    private void check(String field, Object value, List<String> problems) {
        String text = value instanceof String s ? s.strip() : null;
        try {
            switch (field) {
                case "baseUrl", "url", "endpoint" -> {
                    if (this == JDBC) {
                        Urls.postgresHosts(text, field);
                        if (text.toLowerCase(Locale.ROOT).contains("password=")) {
                            problems.add("field 'url' must not carry a password: name a secret in 'passwordSecret'");
                        }
                    } else if (Urls.http(text, field).getUserInfo() != null) {
                        problems.add("field '" + field + "' must not carry credentials: name a secret instead");
                    }
                }
                case "headerName" -> {
                    if (!HEADER.matcher(text).matches() || FORBIDDEN_HEADERS.contains(text.toLowerCase(Locale.ROOT))) {
                        problems.add("field 'headerName' must be an HTTP header name (letters, digits, '-'; not "
                                + "Host, Cookie, Content-Length or another hop-by-hop header), got '" + clip(text)
                                + "'");
                    }
                }
                case "bucket" -> {
                    if (!BUCKET.matcher(text).matches()) {
                        problems.add("field 'bucket' must be an S3 bucket name, got '" + clip(text) + "'");
                    }
                }
                case "region" -> {
                    if (!REGION.matcher(text).matches()) {
                        problems.add("field 'region' must be a region name such as eu-west-1, got '" + clip(text)
                                + "'");
                    }
                }
                case "host" -> {
                    if (!HOST.matcher(text).matches()) {
                        problems.add("field 'host' must be a host name or address, got '" + clip(text) + "'");
                    }
                }
                case "port" -> {
                    int port = (Integer) value;
                    if (port < 1 || port > 65535) {
                        problems.add("field 'port' must be 1 to 65535, got " + port);
                    }
                }
                case "from" -> {
                    if (!EMAIL.matcher(text).matches()) {
                        problems.add("field 'from' must be an e-mail address, got '" + clip(text) + "'");
                    }
                }
                case "accessKey", "user" -> {
                    if (text.length() > 256 || text.chars().anyMatch(Character::isISOControl)) {
                        problems.add("field '" + field + "' must be at most 256 printable characters");
                    }
                }
                default -> {
                    if (isSecretRef(field) && !SecretService.NAME.matcher(text).matches()) {
                        problems.add("field '" + field + "' must name a secret of this namespace (1 to 63 "
                                + "lower-case letters, digits, '.', '_', '-'), got '" + clip(text) + "'");
                    }
                }
            }
        } catch (AddressRefusedException e) {
            problems.add(e.getMessage());
        }
    }

    private static String clip(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    private static Map<String, Function<ConnectionRequest, Object>> fields() {
        Map<String, Function<ConnectionRequest, Object>> fields = new LinkedHashMap<>();
        fields.put("baseUrl", ConnectionRequest::baseUrl);
        fields.put("headerName", ConnectionRequest::headerName);
        fields.put("headerSecret", ConnectionRequest::headerSecret);
        fields.put("endpoint", ConnectionRequest::endpoint);
        fields.put("bucket", ConnectionRequest::bucket);
        fields.put("region", ConnectionRequest::region);
        fields.put("accessKey", ConnectionRequest::accessKey);
        fields.put("secretKeySecret", ConnectionRequest::secretKeySecret);
        fields.put("url", ConnectionRequest::url);
        fields.put("user", ConnectionRequest::user);
        fields.put("passwordSecret", ConnectionRequest::passwordSecret);
        fields.put("webhookUrlSecret", ConnectionRequest::webhookUrlSecret);
        fields.put("signingSecret", ConnectionRequest::signingSecret);
        fields.put("host", ConnectionRequest::host);
        fields.put("port", ConnectionRequest::port);
        fields.put("from", ConnectionRequest::from);
        return fields;
    }
}
