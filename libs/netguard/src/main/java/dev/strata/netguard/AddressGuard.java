package dev.strata.netguard;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one address guard against server-side request forgery: a host is resolved and refused when ANY of its addresses
 * is internal — loopback, unspecified, link-local, private, CGNAT, benchmarking, documentation, multicast, broadcast,
 * reserved, IPv6 unique-local, and the IPv6 forms that carry an internal IPv4 address (IPv4-mapped
 * {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16},
 * Teredo) — unless the operator allow-listed it by host name, address or CIDR range.
 * <p>
 * IPv4 literals must be four decimal numbers: {@code 127.1}, {@code 2130706433}, {@code 0x7f000001} and
 * {@code 0177.0.0.1} are refused as ambiguous (resolvers read them differently). Nothing is ever connected to, so a
 * refusal says nothing about which ports are open.
 * <p>
 * Redirects: callers never let an HTTP client follow them; {@link Redirects#send} re-checks every hop.
 */
public final class AddressGuard {

    private static final Pattern NUMERIC_LABEL = Pattern.compile("0[x][0-9a-f]*|[0-9]+");
    private static final Pattern CANONICAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Pattern NAME_LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private final Set<String> names;
    private final List<Cidr> ranges;
    private final String allowListKey;

    private AddressGuard(Set<String> names, List<Cidr> ranges, String allowListKey) {
        this.names = names;
        this.ranges = ranges;
        this.allowListKey = allowListKey;
    }

    /**
     * @param allowed      host names, IP addresses ({@code 10.1.2.3}, {@code [fd00::1]}) and CIDR ranges
     *                     ({@code 10.0.0.0/8}) that may be internal; blank entries are ignored
     * @param allowListKey the configuration key of the list, named in refusals
     * @throws IllegalArgumentException for an entry that is neither (so that a typo stops the service at start)
     */
    public static AddressGuard of(Collection<String> allowed, String allowListKey) {
        Set<String> names = new LinkedHashSet<>();
        List<Cidr> ranges = new ArrayList<>();
        for (String raw : allowed == null ? List.<String>of() : allowed) {
            String entry = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            try {
                int slash = entry.indexOf('/');
                if (slash >= 0) {
                    InetAddress network = literal(unbracket(entry.substring(0, slash)))
                            .orElseThrow(() -> new IllegalArgumentException("not an address"));
                    ranges.add(new Cidr(network.getAddress(), Integer.parseInt(entry.substring(slash + 1))));
                } else {
                    Optional<InetAddress> address = literal(unbracket(entry));
                    if (address.isPresent()) {
                        ranges.add(new Cidr(address.get().getAddress(), address.get().getAddress().length * 8));
                    } else {
                        names.add(hostName(entry, entry));
                    }
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(allowListKey + ": '" + raw + "' is not a host name, an IP "
                        + "address or a CIDR range (" + e.getMessage() + ")");
            }
        }
        return new AddressGuard(Set.copyOf(names), List.copyOf(ranges), allowListKey);
    }

    /** Checks the host of a URL (which must have one). */
    public List<InetAddress> check(URI uri) {
        if (uri == null || uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new AddressRefusedException(AddressRefusedException.Reason.MALFORMED, "the URL has no host");
        }
        return check(uri.getHost());
    }

    /** Checks every host of a PostgreSQL JDBC URL (see {@link Urls#postgresHosts}). */
    public void checkJdbc(String jdbcUrl, String field) {
        for (Urls.HostPort server : Urls.postgresHosts(jdbcUrl, field)) {
            check(server.host());
        }
    }

    /**
     * Resolves {@code host} (a name, a dotted IPv4 address, an IPv6 address with or without brackets) and answers its
     * addresses when none of them is internal or each internal one is allow-listed.
     *
     * @throws AddressRefusedException naming the host and why
     */
    public List<InetAddress> check(String host) {
        String shown = host == null ? "" : host.strip();
        Parsed parsed = parse(host);
        List<InetAddress> addresses;
        if (parsed.literal() != null) {
            addresses = List.of(parsed.literal());
        } else {
            if (names.contains(parsed.name())) {
                return List.of();
            }
            try {
                addresses = List.of(InetAddress.getAllByName(parsed.name()));
            } catch (UnknownHostException e) {
                throw new AddressRefusedException(AddressRefusedException.Reason.UNRESOLVED,
                        "host '" + shown + "' does not resolve");
            }
        }
        for (InetAddress address : addresses) {
            Optional<String> why = internal(address);
            if (why.isPresent() && !allowed(address)) {
                String what = parsed.literal() != null
                        ? "host '" + shown + "' is " + why.get()
                        : "host '" + shown + "' resolves to " + address.getHostAddress() + ", " + why.get();
                throw new AddressRefusedException(AddressRefusedException.Reason.INTERNAL, what
                        + "; internal addresses are refused unless allow-listed in " + allowListKey);
            }
        }
        return addresses;
    }

    /** A host as written: a normalised name to resolve, or the address it spells. */
    record Parsed(String name, InetAddress literal) {
    }

    /**
     * Reads a host without any lookup: brackets, a trailing root dot, IPv4 and IPv6 literals, host name syntax.
     *
     * @throws AddressRefusedException ({@code MALFORMED}) for an empty, ambiguous or invalid host
     */
    static Parsed parse(String host) {
        String shown = host == null ? "" : host.strip();
        if (shown.isEmpty()) {
            throw malformed("the host is empty");
        }
        String name = shown.toLowerCase(Locale.ROOT);
        boolean bracketed = name.startsWith("[");
        name = unbracket(name);
        if (!bracketed && name.endsWith(".") && !name.contains(":")) {
            name = name.substring(0, name.length() - 1); // the root label: "localhost." is "localhost"
        }
        Optional<InetAddress> literal;
        try {
            literal = literal(name);
        } catch (IllegalArgumentException e) {
            throw malformed("host '" + shown + "' " + e.getMessage());
        }
        if (literal.isPresent()) {
            return new Parsed(null, literal.get());
        }
        if (bracketed) {
            throw malformed("host '" + shown + "' is in brackets but is not an IPv6 address");
        }
        try {
            return new Parsed(hostName(name, shown), null);
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
    }

    private boolean allowed(InetAddress address) {
        byte[] bytes = address.getAddress();
        return ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    /**
     * Why {@code address} is internal ("a loopback address", "the IPv4-mapped form of 10.0.0.1, a private address
     * (10.0.0.0/8)"), or empty for a public address.
     */
    public static Optional<String> internal(InetAddress address) {
        byte[] b = address.getAddress();
        return Optional.ofNullable(b.length == 4 ? v4(b) : v6(b));
    }

    private static String v4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        if (a0 == 0) {
            return "an unspecified address (0.0.0.0/8)";
        }
        if (a0 == 127) {
            return "a loopback address";
        }
        if (a0 == 10) {
            return "a private address (10.0.0.0/8)";
        }
        if (a0 == 172 && (a1 & 0xf0) == 16) {
            return "a private address (172.16.0.0/12)";
        }
        if (a0 == 192 && a1 == 168) {
            return "a private address (192.168.0.0/16)";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "a shared carrier-grade NAT address (100.64.0.0/10)";
        }
        if (a0 == 169 && a1 == 254) {
            return "a link-local address (169.254.0.0/16, where cloud metadata services answer)";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return "a benchmarking address (198.18.0.0/15)";
        }
        if (a0 == 192 && a1 == 0 && a2 == 0) {
            return "an IETF protocol address (192.0.0.0/24)";
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return "a documentation address";
        }
        if ((a0 & 0xf0) == 224) {
            return "a multicast address";
        }
        if (a0 == 255 && a1 == 255 && a2 == 255 && (b[3] & 0xff) == 255) {
            return "the broadcast address";
        }
        if ((a0 & 0xf0) == 240) {
            return "a reserved address (240.0.0.0/4)";
        }
        return null;
    }

    private static String v6(byte[] b) {
        if (zero(b, 0, 16)) {
            return "the unspecified address (::)";
        }
        if (zero(b, 0, 15) && b[15] == 1) {
            return "the loopback address (::1)";
        }
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return embedded("IPv4-mapped", b, 12, false);
        }
        if (zero(b, 0, 12)) {
            return embedded("IPv4-compatible", b, 12, false);
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (w0 == 0x64 && w1 == 0xff9b && zero(b, 4, 12)) {
            return embedded("NAT64", b, 12, false);
        }
        if (w0 == 0x64 && w1 == 0xff9b) {
            return "a local-use NAT64 address (64:ff9b:1::/48)";
        }
        if (w0 == 0x2002) {
            return embedded("6to4", b, 2, false);
        }
        if (w0 == 0x2001 && w1 == 0) {
            String server = embedded("Teredo", b, 4, false);
            return server != null ? server : embedded("Teredo", b, 12, true);
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return "a documentation address (2001:db8::/32)";
        }
        if (w0 == 0x0100 && zero(b, 2, 8)) {
            return "a discard-only address (100::/64)";
        }
        if ((w0 & 0xfe00) == 0xfc00) {
            return "a unique local address (fc00::/7)";
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return "a link-local address (fe80::/10)";
        }
        if ((w0 & 0xffc0) == 0xfec0) {
            return "a site-local address (fec0::/10)";
        }
        if ((w0 & 0xff00) == 0xff00) {
            return "a multicast address (ff00::/8)";
        }
        return null;
    }

    private static String embedded(String form, byte[] b, int offset, boolean inverted) {
        byte[] v4 = new byte[4];
        for (int i = 0; i < 4; i++) {
            v4[i] = (byte) (inverted ? ~b[offset + i] : b[offset + i]);
        }
        String why = v4(v4);
        if (why == null) {
            return null;
        }
        return "the " + form + " form of " + (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "."
                + (v4[3] & 0xff) + ", " + why;
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") && host.length() > 2
                ? host.substring(1, host.length() - 1)
                : host;
    }

    /**
     * The address {@code host} spells without any lookup, or empty for a host name.
     *
     * @throws IllegalArgumentException for an ambiguous number or a broken IPv6 literal
     */
    static Optional<InetAddress> literal(String host) {
        try {
            if (host.contains(":")) {
                if (host.contains("%")) {
                    throw new IllegalArgumentException("has an IPv6 zone, which is not accepted");
                }
                if (!host.matches("[0-9a-f:.]+")) {
                    throw new IllegalArgumentException("is not a valid IPv6 address");
                }
                return Optional.of(InetAddress.getByName(host)); // a literal: no lookup
            }
            String[] labels = host.split("\\.", -1);
            boolean numeric = labels.length > 0;
            for (String label : labels) {
                numeric &= NUMERIC_LABEL.matcher(label).matches();
            }
            if (!numeric) {
                return Optional.empty();
            }
            byte[] bytes = new byte[4];
            if (labels.length != 4) {
                throw new IllegalArgumentException("is an ambiguous IPv4 address: write it as four decimal numbers "
                        + "(a.b.c.d)");
            }
            for (int i = 0; i < 4; i++) {
                if (!CANONICAL_OCTET.matcher(labels[i]).matches() || Integer.parseInt(labels[i]) > 255) {
                    throw new IllegalArgumentException("is an ambiguous IPv4 address: write it as four decimal "
                            + "numbers from 0 to 255 without leading zeros (a.b.c.d)");
                }
                bytes[i] = (byte) Integer.parseInt(labels[i]);
            }
            return Optional.of(Inet4Address.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("is not a valid IPv6 address");
        }
    }

    private static String hostName(String name, String shown) {
        if (name.length() > 253) {
            throw new IllegalArgumentException("host '" + shown + "' is longer than 253 characters");
        }
        for (String label : name.split("\\.", -1)) {
            if (!NAME_LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("host '" + shown + "' is not a valid host name (letters, digits, "
                        + "'-' and '.'; international names in their xn-- form)");
            }
        }
        return name;
    }

    private static AddressRefusedException malformed(String message) {
        return new AddressRefusedException(AddressRefusedException.Reason.MALFORMED, message);
    }

    private record Cidr(byte[] network, int bits) {
        Cidr {
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("the prefix length must be 0 to " + network.length * 8);
            }
        }

        boolean contains(byte[] candidate) {
            if (candidate.length != network.length) {
                return false;
            }
            int left = bits;
            for (int i = 0; i < network.length && left > 0; i++, left -= 8) {
                int mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
                if ((network[i] & mask) != (candidate[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
