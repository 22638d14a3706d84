package dev.strata.ingest.source;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

import dev.strata.ingest.load.LoadException;

/**
 * Refuses source hosts in loopback, link-local, private, shared (CGNAT), unspecified and multicast ranges, so that a
 * load spec cannot make the worker read internal services (SSRF). Hosts or CIDR ranges in the allow-list pass. Every
 * address a name resolves to is checked.
 */
public final class UrlGuard {

    private final List<String> allowed;

    /** @param allowed host names, IP addresses or CIDR ranges that may be private (e.g. {@code 127.0.0.1/32}) */
    public UrlGuard(List<String> allowed) {
        this.allowed = allowed == null
                ? List.of()
                : allowed.stream().map(a -> a.strip().toLowerCase(Locale.ROOT))
                        .filter(a -> !a.isEmpty()).toList();
    }

    /** Throws {@link LoadException} when {@code host} is internal and not allow-listed. */
    public void check(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (allowed.contains(name)) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            throw LoadException.input("source host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (isInternal(address) && !isAllowed(address)) {
                throw LoadException.input("source host '" + host + "' resolves to " + address.getHostAddress()
                        + ", an internal address (loopback, link-local or private range); it is refused unless "
                        + "allow-listed in strata.ingest.allowed-hosts");
            }
        }
    }

    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 192 && second == 0
                    && (b[2] & 0xff) == 0) || first >= 240 || (first == 198 && (second == 18 || second == 19));
        }
        if (a instanceof Inet6Address) {
            // unique local fc00::/7; IPv4-mapped addresses are checked as IPv4
            if ((b[0] & 0xfe) == 0xfc) {
                return true;
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return isInternal(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean isAllowed(InetAddress address) {
        for (String entry : allowed) {
            if (entry.equals(address.getHostAddress()) || (entry.contains("/") && inCidr(address, entry))) {
                return true;
            }
        }
        return false;
    }

    private static boolean inCidr(InetAddress address, String cidr) {
        try {
            String[] parts = cidr.split("/", 2);
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            byte[] candidate = address.getAddress();
            if (network.length != candidate.length) {
                return false;
            }
            int bits = Integer.parseInt(parts[1]);
            for (int i = 0; i < network.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((network[i] & mask) != (candidate[i] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }
}
