package dev.strata.registry.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.S3Server;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.registry.testing.Await;
import dev.strata.registry.testing.Callers;

/** Uploads land in the real S3 server, byte for byte. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class UploadTest {

    /** A large form of which only the start is sent (see {@link #formAnsweredBeforeItsEnd}). */
    private static final long DECLARED_FILE_BYTES = 64L * 1024 * 1024;
    private static final int SENT_FILE_BYTES = 64 * 1024;
    private static final int ANSWER_TIMEOUT_MILLIS = 15_000;

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
                .body("key", matchesPattern("ns/files/uploads/orders/[0-9a-f-]{36}/orders-2026-11\\.csv"))
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

    @Test
    void aMultipartFormUploadLandsInTheLakeByteForByteUnderThePartsFilename() throws Exception {
        // curl -F file=@orders-2026-12.csv: 5 MiB and a bit, spooled to disk by Quarkus, then streamed to S3
        byte[] file = new byte[5 * 1024 * 1024 + 4321];
        new Random(7).nextBytes(file);
        List<Path> spooledBefore = spooledParts();
        JsonPath answer = given().auth().oauth2(Callers.token(stack, Map.of("files", "engineer")))
                .multiPart("file", "orders-2026-12.csv", file, "text/csv")
                .post("/api/v1/datasets/files/orders/uploads")
                .then().statusCode(201)
                .body("key", matchesPattern("ns/files/uploads/orders/[0-9a-f-]{36}/orders-2026-12\\.csv"))
                .body("bytes", equalTo(file.length))
                .body("source.kind", equalTo("upload"))
                .extract().jsonPath();
        String key = answer.getString("key");
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)),
                answer.getString("sha256"));
        try (MinioClient s3 = s3();
                InputStream stored = s3.getObject(GetObjectArgs.builder().bucket("strata-lake").object(key).build())) {
            assertArrayEquals(file, stored.readAllBytes());
        }
        // the spooled part is deleted before the answer, not left to the end of the request
        assertEquals(spooledBefore, spooledParts());
    }

    @Test
    void theQueryFilenameNamesAMultipartUploadWhenGiven() throws Exception {
        byte[] file = "id,amount\n1,9.5\n".getBytes(StandardCharsets.UTF_8);
        String key = given().auth().oauth2(Callers.token(stack, Map.of("files", "engineer")))
                .multiPart("file", "export (3).csv", file, "text/csv")
                .post("/api/v1/datasets/files/orders/uploads?filename=orders-2026-10.csv")
                .then().statusCode(201)
                .body("key", matchesPattern("ns/files/uploads/orders/[0-9a-f-]{36}/orders-2026-10\\.csv"))
                .extract().path("key");
        try (MinioClient s3 = s3();
                InputStream stored = s3.getObject(GetObjectArgs.builder().bucket("strata-lake").object(key).build())) {
            assertArrayEquals(file, stored.readAllBytes());
        }
    }

    @Test
    void aMultipartUploadNeedsExactlyOneFilePartNamedFile() {
        String token = Callers.token(stack, Map.of("files", "engineer"));
        List<Path> spooledBefore = spooledParts();
        // no file part at all: only a text field
        given().auth().oauth2(token).multiPart("description", "orders of November")
                .post("/api/v1/datasets/files/orders/uploads?filename=orders.csv").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("exactly one file part, named 'file'"))
                .body("detail", containsString("file parts: none"));
        // the file under another name
        given().auth().oauth2(token).multiPart("data", "orders.csv", "a,b\n".getBytes(), "text/csv")
                .post("/api/v1/datasets/files/orders/uploads").then()
                .statusCode(400).body("detail", containsString("file parts: 'data'"));
        // two files
        given().auth().oauth2(token).multiPart("file", "a.csv", "a\n".getBytes(), "text/csv")
                .multiPart("file", "b.csv", "b\n".getBytes(), "text/csv")
                .post("/api/v1/datasets/files/orders/uploads").then()
                .statusCode(400).body("detail", containsString("file parts: 'file', 'file'"));
        // an empty file part, and a part filename that is not a valid name
        given().auth().oauth2(token).multiPart("file", "empty.csv", new byte[0], "text/csv")
                .post("/api/v1/datasets/files/orders/uploads").then()
                .statusCode(400).body("detail", containsString("The upload is empty"));
        given().auth().oauth2(token).multiPart("file", "my orders.csv", "a\n".getBytes(), "text/csv")
                .post("/api/v1/datasets/files/orders/uploads").then()
                .statusCode(400).body("detail", containsString("the file part's filename"));
        // a viewer is refused; nothing refused stays on disk
        given().auth().oauth2(Callers.token(stack, Map.of("files", "viewer")))
                .multiPart("file", "orders.csv", "a\n".getBytes(), "text/csv")
                .post("/api/v1/datasets/files/orders/uploads").then().statusCode(403);
        Await.until("the refused forms' spooled parts are deleted", () -> spooledParts().equals(spooledBefore));
    }

    @Test
    void aFormUploadIntoANamespaceTheCallerMayNotWriteIsRefusedBeforeItsBodyIsRead() throws IOException {
        // engineers elsewhere pass the coarse role check: the namespace check alone refuses them
        String reader = Callers.token(stack, Map.of("files", "viewer", "elsewhere", "engineer"));
        String stranger = Callers.token(stack, Map.of("elsewhere", "engineer"));
        List<Path> spooledBefore = spooledParts();

        Answer refused = formAnsweredBeforeItsEnd(reader, "/api/v1/datasets/files/orders/uploads");
        assertEquals(403, refused.status());
        assertEquals("application/problem+json", refused.contentType());
        assertEquals("urn:strata:problem:forbidden", refused.body().getString("type"));
        assertEquals("This needs the engineer role in namespace 'files'.", refused.body().getString("detail"));
        // asked while the connection is still open: not one byte of the form was spooled
        assertEquals(spooledBefore, spooledParts());

        Answer hidden = formAnsweredBeforeItsEnd(stranger, "/api/v1/datasets/files/orders/uploads");
        assertEquals(404, hidden.status());
        assertEquals("urn:strata:problem:not-found", hidden.body().getString("type"));

        // so is a form whose dataset name or ?filename= is not valid, even from an engineer of the namespace
        String engineer = Callers.token(stack, Map.of("files", "engineer"));
        Answer badName = formAnsweredBeforeItsEnd(engineer, "/api/v1/datasets/files/Bad.Name/uploads");
        assertEquals(400, badName.status());
        assertTrue(badName.body().getString("detail").contains("Dataset name 'Bad.Name' is not valid"));
        Answer badFilename = formAnsweredBeforeItsEnd(engineer,
                "/api/v1/datasets/files/orders/uploads?filename=../../etc.csv");
        assertEquals(400, badFilename.status());
        assertTrue(badFilename.body().getString("detail").contains("?filename="));
        assertEquals(spooledBefore, spooledParts());
    }

    @Test
    void theOpenApiDocumentsBothForms() {
        JsonPath openapi = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        String post = "paths.'/api/v1/datasets/{namespace}/{name}/uploads'.post";
        assertEquals(Set.of("*/*", "multipart/form-data"), openapi.getMap(post + ".requestBody.content").keySet());
        assertEquals("#/components/schemas/UploadForm",
                openapi.getString(post + ".requestBody.content.'multipart/form-data'.schema.$ref"));
        assertEquals(List.of("file"), openapi.getList("components.schemas.UploadForm.required"));
        assertEquals(Set.of("file"), openapi.getMap("components.schemas.UploadForm.properties").keySet());
        assertEquals("binary", openapi.getString("components.schemas.UploadForm.properties.file.format"));
        assertTrue(openapi.getString(post + ".description").contains("curl -F file=@orders.csv"));
    }

    /**
     * Sends a form upload whose file part is declared {@value #DECLARED_FILE_BYTES} bytes long, stops after its first
     * {@value #SENT_FILE_BYTES} and waits for the answer with the rest unsent: a service that reads the form before it
     * checks the caller would answer only after the rest. Over a plain socket: RestAssured's client reads an answer
     * only once it has sent the whole body.
     */
    private static Answer formAnsweredBeforeItsEnd(String token, String path) throws IOException {
        String boundary = "strata-" + UUID.randomUUID();
        byte[] partHead = ("--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] formEnd = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        long length = partHead.length + DECLARED_FILE_BYTES + formEnd.length;
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(partHead);
            out.write(new byte[SENT_FILE_BYTES]);
            out.flush();
            try {
                return Answer.read(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                throw new AssertionError("No answer within " + ANSWER_TIMEOUT_MILLIS / 1000 + " s while all but "
                        + SENT_FILE_BYTES + " of the form's " + length + " bytes were unsent: the service waits "
                        + "for the form's body before it checks the caller's access.");
            }
        }
    }

    /** An HTTP/1.1 answer with a {@code Content-Length}, read off the socket. */
    private record Answer(int status, String contentType, JsonPath body) {

        static Answer read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new HashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1)
                        .trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "-1"));
            assertTrue(length >= 0, "the answer has a Content-Length: " + headers);
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return new Answer(status, headers.get("content-type"), JsonPath.from(body));
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("the connection closed in the middle of the answer's head");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }

    /** The files in the test's {@code quarkus.http.body.uploads-directory}. */
    private static List<Path> spooledParts() {
        try (Stream<Path> files = Files.list(Path.of("target", "uploads"))) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
