package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** What {@link Api} does without a platform: the tree it reads from an answer, a platform that is not there. */
class ApiTest {

    @Test
    void anAnswerIsReadIntoTheSameTreeAsTheObjectMappersWithoutOne() throws IOException {
        for (String json : new String[]{
                "[{\"id\":\"r1\",\"namespace\":\"sales\",\"pipelineId\":\"daily\",\"state\":\"failed\","
                        + "\"durationMs\":1234,\"params\":{\"day\":\"2026-12-07\",\"n\":[1,2.5,-3e2,true,false,null]}}]",
                "{\"big\":123456789012345678901234567890,\"long\":9007199254740993,\"int\":-7,\"double\":0.1}",
                "{\"a\":1,\"a\":2}", "[]", "{}", "\"text \\u00e9\\n\"", "42", "null", "[[[{\"deep\":[{}]}]]]",
                "{\"a\":1} trailing"}) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertEquals(Api.json().readTree(bytes), Api.parse(bytes), json);
            assertEquals(Api.json().readTree(bytes).getClass(), Api.parse(bytes).getClass(), json);
        }
        assertEquals("1.2.3", Api.parse("{\"v\":\"1.2.3\"}".getBytes(StandardCharsets.UTF_8)).path("v").asText());
    }

    @Test
    void whatIsNotJsonIsNoTree() {
        for (String text : new String[]{"", "<html>Bad gateway</html>", "{\"a\":", "[1,2", "{\"a\" 1}", "]"}) {
            assertTrue(Api.parse(text.getBytes(StandardCharsets.UTF_8)).isMissingNode(), text);
        }
        assertTrue(Api.parse(null).isMissingNode());
    }

    @Test
    void aPlatformThatIsNotThereIsExitCode3WithWhatToDo() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Api api = new Api("http://127.0.0.1:" + port + "/", "dev", null, Contexts.Credentials.ofApiToken("t"));
        StrataException e = assertThrows(StrataException.class, () -> api.get("/api/scheduler/v1/runs"));
        assertEquals(ExitCodes.UNREACHABLE, e.exitCode());
        assertEquals("cannot reach the Strata platform at http://127.0.0.1:" + port + " (connection refused): start"
                + " it with ./strata up, or check the URL of context 'dev' with strata context current",
                e.getMessage());
    }
}
