package dev.strata.auth.audit;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Oidc;
import dev.strata.events.AuditRecorded;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.Topics;

/**
 * What the data plane reports ({@code AuditRecorded} on Kafka) lands in the one audit log once, and the admins of that
 * namespace, and only they, read it.
 */
@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class DataPlaneAuditTest {

    @Test
    void aReportedSqlStatementIsReadableByTheNamespaceAdminOnlyAndWrittenOnce() throws Exception {
        String a = Admin.unique("aud-a");
        String b = Admin.unique("aud-b");
        Admin.createNamespace(a);
        Admin.createNamespace(b);
        String adminOfA = Admin.unique("adm");
        String adminPassword = Admin.newPassword();
        String tokenA = Admin.userWithRole(adminOfA, adminPassword, a, "admin").accessToken();
        String engineer = Admin.unique("eng");
        String engineerToken = Admin.userWithRole(engineer, Admin.newPassword(), a, "engineer").accessToken();
        String adminOfB = Admin.unique("admb");
        String tokenB = Admin.userWithRole(adminOfB, Admin.newPassword(), b, "admin").accessToken();
        Instant before = Instant.now().minusSeconds(1);

        EventEnvelope<AuditRecorded> event = EventEnvelope.of("/strata/scheduler", a,
                new AuditRecorded("scheduler:nightly", "sql.executed", "run-1", a,
                        Map.of("sql", "delete from x where y", "updateCount", "3")));
        byte[] bytes = new EventCodec().encode(event);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            // delivered twice, as an outbox relay may after a crash
            producer.send(new ProducerRecord<>(Topics.AUDIT_EVENTS, a, bytes)).get();
            producer.send(new ProducerRecord<>(Topics.AUDIT_EVENTS, a, bytes)).get();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Oidc.bearer(tokenA).queryParam("namespace", a).queryParam("action", "sql.executed")
                .get("/api/v1/audit-events").jsonPath().getList("$").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Oidc.bearer(tokenA).queryParam("namespace", a).queryParam("action", "sql.executed")
                .queryParam("since", before.toString()).get("/api/v1/audit-events").then().statusCode(200)
                .body("$", hasSize(1))
                .body("[0].actor", equalTo("scheduler:nightly"))
                .body("[0].details.sql", equalTo("delete from x where y"))
                .body("[0].details.source", equalTo("/strata/scheduler"));
        // a second delivery is not a second entry
        Thread.sleep(1000);
        Oidc.bearer(tokenA).queryParam("namespace", a).queryParam("action", "sql.executed")
                .get("/api/v1/audit-events").then().statusCode(200).body("$", hasSize(1));

        // the admin of another namespace, an engineer of A, and A's admin without a namespace are refused
        Oidc.bearer(tokenB).queryParam("namespace", a).get("/api/v1/audit-events").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("admin role"));
        Oidc.bearer(tokenA).get("/api/v1/audit-events").then().statusCode(403)
                .contentType("application/problem+json");
        Oidc.bearer(engineerToken).queryParam("namespace", a).get("/api/v1/audit-events").then().statusCode(403);
        // B's admin sees nothing of A in B
        Oidc.bearer(tokenB).queryParam("namespace", b).queryParam("action", "sql.executed")
                .get("/api/v1/audit-events").then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void oneNamespaceRuleRefusesNamesThePlatformCannotMap() {
        for (String bad : new String[]{"sales_eu", "9lives", "trailing-", "double--dash",
                "a-namespace-name-longer-than-thirty"}) {
            Oidc.bearer(Admin.token()).contentType(ContentType.JSON).body(Map.of("name", bad))
                    .post("/api/v1/namespaces").then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("words joined by single '-'"));
        }
        String good = Admin.unique("sales-eu");
        Admin.createNamespace(good);
    }
}
