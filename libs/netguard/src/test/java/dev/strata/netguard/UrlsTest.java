package dev.strata.netguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlsTest {

    private final AddressGuard guard = AddressGuard.of(List.of(), "strata.test.allowed-hosts");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://exa mple.com/x?token=s3cret | source.url is not a valid URL: Illegal character in authority",
            "http://[::1/x?token=s3cret | source.url is not a valid URL",
            "ftp://example.com/x?token=s3cret | source.url must be an http or https URL, not ftp:",
            "/relative?token=s3cret | source.url must be an http or https URL",
            "http:///x?token=s3cret | source.url has no host",
            "http://exa_mple.com:99999/x?token=s3cret | source.url has no valid host name",
            "http://0x7f000001/x?token=s3cret | source.url: host '0x7f000001' is an ambiguous IPv4 address",
            "http://[::1%25eth0]/x?token=s3cret | source.url: host '[::1%25eth0]' has an IPv6 zone"})
    void malformedHttpUrlsAreAClearRefusalWithoutTheUrl(String url, String message) {
        var refused = assertThrows(AddressRefusedException.class, () -> Urls.http(url, "source.url"));
        assertEquals(AddressRefusedException.Reason.MALFORMED, refused.reason());
        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
        assertFalse(refused.getMessage().contains("s3cret"), refused.getMessage());
    }

    @Test
    void aJdbcUrlWithSeveralHostsListsEveryOne() {
        assertEquals(List.of(new Urls.HostPort("h1", 5432), new Urls.HostPort("h2", -1),
                new Urls.HostPort("[2606:2800:220:1::1]", 5433)),
                Urls.postgresHosts("jdbc:postgresql://h1:5432,h2,[2606:2800:220:1::1]:5433/db?ssl=true",
                        "source.jdbcUrl"));
    }

    @Test
    void everyHostOfAJdbcUrlIsChecked() {
        guard.checkJdbc("jdbc:postgresql://93.184.216.34:5432,[2606:2800:220:1::1]/db", "source.jdbcUrl");
        var second = assertThrows(AddressRefusedException.class,
                () -> guard.checkJdbc("jdbc:postgresql://93.184.216.34:5432,127.0.0.1/db", "source.jdbcUrl"));
        assertEquals(AddressRefusedException.Reason.INTERNAL, second.reason());
        assertTrue(second.getMessage().startsWith("host '127.0.0.1' is a loopback address"), second.getMessage());
        var third = assertThrows(AddressRefusedException.class, () -> guard.checkJdbc(
                "jdbc:postgresql://93.184.216.34,93.184.216.35,[::ffff:10.0.0.1]:5432/db", "source.jdbcUrl"));
        assertEquals(AddressRefusedException.Reason.INTERNAL, third.reason());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:postgresql:///db | source.jdbcUrl has no host",
            "jdbc:postgresql://,h2/db | source.jdbcUrl host 1 is empty",
            "jdbc:postgresql://h1,/db | source.jdbcUrl host 2 is empty",
            "jdbc:postgresql://h1,,h3/db | source.jdbcUrl host 2 is empty",
            "jdbc:postgresql://:5432/db | source.jdbcUrl is empty",
            "jdbc:postgresql://h1:5432,:5432/db | source.jdbcUrl host 2 is empty",
            "jdbc:postgresql://h1:0/db | source.jdbcUrl: the port must be a number from 1 to 65535",
            "jdbc:postgresql://h1:x/db | source.jdbcUrl: the port must be a number from 1 to 65535",
            "jdbc:postgresql://[::1/db | source.jdbcUrl: '[' without ']'",
            "jdbc:postgresql:db | source.jdbcUrl must be a PostgreSQL JDBC URL",
            "jdbc:mysql://h1/db | source.jdbcUrl must be a PostgreSQL JDBC URL",
            "jdbc:postgresql://h1 | source.jdbcUrl has no database",
            "jdbc:postgresql://h1?ssl=true | source.jdbcUrl has no database",
            "jdbc:postgresql://93.184.216.34/db?PGHOST=127.0.0.1 | source.jdbcUrl: the parameter 'PGHOST' is not",
            "jdbc:postgresql://h1/db?socketFactory=x | source.jdbcUrl: the parameter 'socketFactory' is not",
            "jdbc:postgresql://%31%32%37.0.0.1/db | source.jdbcUrl: the hosts must be written plainly",
            "jdbc:postgresql://h1,2130706433/db | source.jdbcUrl host 2: host '2130706433' is an ambiguous"})
    void aBrokenJdbcUrlIsAClearRefusalNotACrash(String url, String message) {
        var refused = assertThrows(AddressRefusedException.class, () -> guard.checkJdbc(url, "source.jdbcUrl"));
        assertEquals(AddressRefusedException.Reason.MALFORMED, refused.reason());
        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
    }

    @Test
    void aRedirectMustBeHttpWithAHost() {
        URI from = URI.create("https://example.com/a/b");
        assertEquals(URI.create("https://example.com/a/c"), Urls.redirect(from, "c"));
        assertEquals(URI.create("http://other.example/x"), Urls.redirect(from, "http://other.example/x"));
        var file = assertThrows(AddressRefusedException.class, () -> Urls.redirect(from, "file:///etc/passwd"));
        assertTrue(file.getMessage().startsWith("the redirect from example.com must be an http or https URL"),
                file.getMessage());
        assertThrows(AddressRefusedException.class, () -> Urls.redirect(from, "http://[::1"));
    }
}
