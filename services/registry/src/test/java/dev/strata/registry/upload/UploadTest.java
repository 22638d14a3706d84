package dev.strata.registry.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.S3Server;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.registry.testing.Callers;

/** Uploads land in the real S3 server, byte for byte. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class UploadTest {

    @InjectDevStack
    DevStack stack;

    private MinioClient s3() {
        return MinioClient.builder().endpoint(stack.s3().endpoint()).region(S3Server.REGION)
                .credentials(stack.s3().accessKey(), stack.s3().secretKey()).build();
    }

    @Test
    void aMultiMegabyteUploadLandsInTheLakeByteForByte() throws Exception {
        // 12 MiB and a bit: two multipart parts of 8 MiB, the second one partial
        byte[] file = new byte[12 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(file);
        JsonPath answer = given().auth().oauth2(Callers.token(stack, Map.of("files", "engineer")))
                .contentType("text/csv")
                .body(new ByteArrayInputStream(file))
                .post("/api/v1/datasets/files/orders/uploads?filename=orders-2026-11.csv")
                .then().statusCode(201)
                .body("bucket", equalTo("strata-lake"))
                .body("key", matchesPattern("uploads/files/orders/[0-9a-f-]{36}/orders-2026-11\\.csv"))
                .body("bytes", equalTo(file.length))
                .body("source.kind", equalTo("upload"))
                .extract().jsonPath();
        String key = answer.getString("key");
        assertEquals("s3://strata-lake/" + key, answer.getString("location"));
        assertEquals(key, answer.getString("source.key"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)),
                answer.getString("sha256"));

        try (MinioClient s3 = s3();
                InputStream stored = s3.getObject(GetObjectArgs.builder().bucket("strata-lake").object(key).build())) {
            assertArrayEquals(file, stored.readAllBytes());
        }
    }

    @Test
    void theUploadAnsweredIsAValidSourceForTheDataset() {
        String token = Callers.token(stack, Map.of("files", "engineer"));
        String key = given().auth().oauth2(token).contentType("application/octet-stream").body("id\n1\n".getBytes())
                .post("/api/v1/datasets/files/customers/uploads?filename=customers.csv").then().statusCode(201)
                .extract().path("key");
        given().auth().oauth2(token).contentType("application/json").body("""
                {"namespace":"files","name":"customers","layer":"raw",
                 "source":{"kind":"upload","bucket":"strata-lake","key":"%s"},"format":{"type":"csv"}}
                """.formatted(key)).post("/api/v1/datasets").then().statusCode(201)
                .body("source.key", equalTo(key));
    }

    @Test
    void uploadsNeedTheEngineerRoleANameAndBytes() {
        given().auth().oauth2(Callers.token(stack, Map.of("files", "viewer"))).contentType("text/csv")
                .body("a,b\n".getBytes()).post("/api/v1/datasets/files/orders/uploads?filename=x.csv").then()
                .statusCode(403);
        given().auth().oauth2(Callers.token(stack, Map.of("files", "engineer"))).contentType("text/csv")
                .body("a,b\n".getBytes()).post("/api/v1/datasets/files/orders/uploads?filename=../../etc.csv").then()
                .statusCode(400).body("detail", containsString("?filename="));
        given().auth().oauth2(Callers.token(stack, Map.of("files", "engineer"))).contentType("text/csv")
                .body(new byte[0]).post("/api/v1/datasets/files/orders/uploads?filename=empty.csv").then()
                .statusCode(400).body("detail", containsString("The upload is empty"));
        given().auth().oauth2(Callers.token(stack, Map.of("files", "engineer"))).contentType("text/csv")
                .body("a".getBytes()).post("/api/v1/datasets/files/Bad.Name/uploads?filename=a.csv").then()
                .statusCode(400).body("detail", containsString("Dataset name 'Bad.Name' is not valid"));
    }
}
