package dev.strata.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the Keycloak support that need no running Keycloak (ExternalIssuerTest in the registry runs one). */
class KeycloakServerTest {

    @TempDir
    Path temp;

    @Test
    void theDistributionIsUnzippedWithoutItsTopFolder() throws IOException {
        Path zip = zip(Map.of("keycloak-26.7.3/bin/kc.sh", "#!/bin/sh", "keycloak-26.7.3/version.txt", "26.7.3"));
        Path home = temp.resolve("dist");
        KeycloakServer.unzip(zip, home);
        assertEquals("#!/bin/sh", Files.readString(home.resolve("bin/kc.sh")));
        assertEquals("26.7.3", Files.readString(home.resolve("version.txt")));
    }

    @Test
    void anEntryOutsideTheTargetIsRefused() throws IOException {
        Path zip = zip(Map.of("keycloak/../../evil.sh", "rm -rf"));
        IOException e = assertThrows(IOException.class, () -> KeycloakServer.unzip(zip, temp.resolve("dist")));
        assertEquals("the entry keycloak/../../evil.sh points outside the target folder", e.getMessage());
        assertFalse(Files.exists(temp.resolve("evil.sh")));
    }

    @Test
    void adminRequestsAreValidJson() {
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("name", "sales:engineer");
        role.put("enabled", true);
        role.put("roles", List.of("a\"b", "c\\d\n\u0001"));
        assertEquals("{\"name\":\"sales:engineer\",\"enabled\":true,\"roles\":[\"a\\\"b\",\"c\\\\d\\n\\u0001\"]}",
                KeycloakAdmin.json(role));
    }

    private Path zip(Map<String, String> entries) throws IOException {
        Path zip = temp.resolve("dist.zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }
}
