package dev.strata.auth.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.restassured.path.json.JsonPath;

/** Reads a JWT's header and payload (no verification: what a curious user sees with jwt.io). */
public final class Jwts {

    private Jwts() {
    }

    public static JsonPath header(String jwt) {
        return part(jwt, 0);
    }

    public static JsonPath payload(String jwt) {
        return part(jwt, 1);
    }

    public static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(String segment) {
        return new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8);
    }

    private static JsonPath part(String jwt, int index) {
        return JsonPath.from(decode(jwt.split("\\.")[index]));
    }
}
