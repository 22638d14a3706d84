package dev.strata.netguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {

    private static final String KEY = "strata.test.allowed-hosts";
    private final AddressGuard guard = AddressGuard.of(List.of(), KEY);

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "127.1", "2130706433", "0x7f000001", "0177.0.0.1",
            "0x7f.0.0.1", "127.0.0.01", "127.0.0.1.", "localhost", "LOCALHOST", "localhost.", "[::1]", "::1",
            "[::127.0.0.1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]", "[64:ff9b::7f00:1]",
            "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::]", "[2002:a9fe:a9fe::1]", "[2001:0:7f00:1::]",
            "[2001:0:4136:e378:8000:63bf:f5ff:fffe]", "169.254.169.254", "[::ffff:169.254.169.254]", "[fe80::1]",
            "[fe80::1%25eth0]", "[fd00::1]", "[fc00::1]", "[fec0::1]", "[ff02::1]", "10.0.0.1", "172.16.0.1",
            "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.255", "198.18.0.1", "198.19.255.255",
            "0.0.0.0", "0", "[::]", "::", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1",
            "192.0.0.1", "[::ffff:10.0.0.1]", "[::10.0.0.1]", "[64:ff9b:1::1]"})
    void everyInternalSpellingIsRefused(String host) {
        var refused = assertThrows(AddressRefusedException.class, () -> guard.check(host));
        assertTrue(refused.reason() == AddressRefusedException.Reason.INTERNAL
                || refused.reason() == AddressRefusedException.Reason.MALFORMED, refused.reason().name());
        assertTrue(refused.getMessage().contains("'" + host + "'"), "names the host: " + refused.getMessage());
        if (refused.reason() == AddressRefusedException.Reason.INTERNAL) {
            assertTrue(refused.getMessage().endsWith("internal addresses are refused unless allow-listed in " + KEY),
                    refused.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "localhost",
            "[::1]", "[::127.0.0.1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]",
            "[64:ff9b::7f00:1]", "[2002:7f00:1::]", "169.254.169.254", "[fe80::1]", "[fd00::1]", "10.0.0.1",
            "172.16.0.1", "192.168.1.1", "100.64.0.1", "0.0.0.0", "[::]", "224.0.0.1", "255.255.255.255"})
    void everyInternalSpellingIsRefusedInAUrlToo(String host) {
        // java.net.URI itself does not read some spellings (127.1) as a host: refused while parsing then
        var refused = assertThrows(AddressRefusedException.class,
                () -> guard.check(Urls.http("http://" + host + ":8080/data.csv?token=secret", "source.url")));
        assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
        assertFalse(refused.getMessage().contains("8080"), "never about the port: " + refused.getMessage());
    }

    @Test
    void theMessageSaysWhyForAnEmbeddedAddress() {
        var refused = assertThrows(AddressRefusedException.class, () -> guard.check("[::127.0.0.1]"));
        assertEquals("host '[::127.0.0.1]' is the IPv4-compatible form of 127.0.0.1, a loopback address; internal "
                + "addresses are refused unless allow-listed in " + KEY, refused.getMessage());
        var octal = assertThrows(AddressRefusedException.class, () -> guard.check("0177.0.0.1"));
        assertEquals(AddressRefusedException.Reason.MALFORMED, octal.reason());
        assertTrue(octal.getMessage().contains("ambiguous IPv4 address"), octal.getMessage());
        var name = assertThrows(AddressRefusedException.class, () -> guard.check("localhost"));
        assertTrue(name.getMessage().startsWith("host 'localhost' resolves to "), name.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "[2606:2800:220:1:248:1893:25c8:1946]",
            "[::ffff:93.184.216.34]", "[64:ff9b::5db8:d822]", "[2002:5db8:d822::1]", "1.1.1.1", "172.32.0.1",
            "100.128.0.1", "198.20.0.1"})
    void publicAddressesPass(String host) {
        assertEquals(1, guard.check(host).size());
    }

    @Test
    void theAllowListTakesHostsAddressesAndRanges() {
        AddressGuard allowing = AddressGuard.of(List.of(" localhost ", "10.1.2.3", "192.168.0.0/16", "[fd00::]/8",
                ""), KEY);
        allowing.check("localhost");
        allowing.check("LOCALHOST.");
        allowing.check("10.1.2.3");
        allowing.check("192.168.77.1");
        allowing.check("[fd12::1]");
        assertThrows(AddressRefusedException.class, () -> allowing.check("10.1.2.4"));
        assertThrows(AddressRefusedException.class, () -> allowing.check("127.0.0.1"));
        assertThrows(AddressRefusedException.class, () -> allowing.check("[fe80::1]"));

        AddressGuard loopback = AddressGuard.of(List.of("127.0.0.1/32"), KEY);
        loopback.check("127.0.0.1");
        loopback.check("[::ffff:127.0.0.1]"); // the same address
        // a different address that only embeds it, and other spellings, stay refused
        assertThrows(AddressRefusedException.class, () -> loopback.check("[::127.0.0.1]"));
        assertThrows(AddressRefusedException.class, () -> loopback.check("[64:ff9b::7f00:1]"));
        assertThrows(AddressRefusedException.class, () -> loopback.check("127.1"));
        assertThrows(AddressRefusedException.class, () -> loopback.check("127.0.0.2"));
    }

    @Test
    void aBadAllowListEntryStopsTheStart() {
        var bad = assertThrows(IllegalArgumentException.class, () -> AddressGuard.of(List.of("10.0.0.0/33"), KEY));
        assertTrue(bad.getMessage().startsWith(KEY + ": '10.0.0.0/33' is not"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AddressGuard.of(List.of("host name/8"), KEY));
        assertThrows(IllegalArgumentException.class, () -> AddressGuard.of(List.of("not a host"), KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "[localhost]", "[::1", "exa mple.com", "-bad.example.com", "a..b",
            "[::1%eth0]", "ex%41mple.com"})
    void malformedHostsAreAClearRefusal(String host) {
        var refused = assertThrows(AddressRefusedException.class, () -> guard.check(host));
        assertEquals(AddressRefusedException.Reason.MALFORMED, refused.reason(), refused.getMessage());
    }

    @Test
    void anUnknownNameIsUnresolvedAndRetryable() {
        var refused = assertThrows(AddressRefusedException.class, () -> guard.check("nothing.invalid"));
        assertEquals(AddressRefusedException.Reason.UNRESOLVED, refused.reason());
        assertTrue(refused.retryable());
        assertEquals("host 'nothing.invalid' does not resolve", refused.getMessage());
    }
}
