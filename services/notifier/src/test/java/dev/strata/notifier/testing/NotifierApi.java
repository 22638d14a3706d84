package dev.strata.notifier.testing;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** The notifier's REST API as a user calls it, with a bearer token. */
public final class NotifierApi {

    private final String token;

    public NotifierApi(String token) {
        this.token = token;
    }

    public UUID createChannel(String namespace, String name, String type, String settingsJson, Integer maxAttempts) {
        String body = "{\"namespace\":\"" + namespace + "\",\"name\":\"" + name + "\",\"type\":\"" + type
                + "\",\"settings\":" + settingsJson + (maxAttempts == null ? "" : ",\"maxAttempts\":" + maxAttempts)
                + "}";
        return UUID.fromString(given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/channels").then().statusCode(201).extract().path("id"));
    }

    public UUID subscribe(String namespace, UUID channelId, List<String> eventTypes, String pipelineId) {
        String body = "{\"namespace\":\"" + namespace + "\",\"channelId\":\"" + channelId + "\",\"eventTypes\":["
                + String.join(",", eventTypes.stream().map(t -> "\"" + t + "\"").toList()) + "]"
                + (pipelineId == null ? "" : ",\"pipelineId\":\"" + pipelineId + "\"") + "}";
        return UUID.fromString(given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/subscriptions").then().statusCode(201).extract().path("id"));
    }

    /** The deliveries of an event. */
    public List<Map<String, Object>> deliveriesOf(UUID eventId) {
        return given().auth().oauth2(token).queryParam("eventId", eventId).get("/api/v1/deliveries").then()
                .statusCode(200).extract().jsonPath().getList("$");
    }

    public JsonPath delivery(UUID id) {
        return given().auth().oauth2(token).get("/api/v1/deliveries/" + id).then().statusCode(200).extract()
                .jsonPath();
    }

    public String token() {
        return token;
    }
}
