package dev.strata.auth.oidc;

import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.strata.auth.testing.Admin;
import dev.strata.auth.testing.AuthTestStack;
import dev.strata.auth.testing.Oidc;
import dev.strata.auth.testing.UsedSecrets;

/** A client with a secret (strata.auth.clients.<id>.secret) must send it to exchange codes and refresh. */
@QuarkusTest
@WithTestResource(value = AuthTestStack.class, initArgs = @ResourceArg(name = "components", value = "postgres,kafka"))
class ConfidentialClientTest {

    private static final String CLIENT = AuthTestStack.CONFIDENTIAL_CLIENT;
    private static final String REDIRECT = AuthTestStack.CONFIDENTIAL_REDIRECT;

    @Test
    void aConfidentialClientMustAuthenticateAtTheTokenEndpoint() {
        String secret = UsedSecrets.add(ConfigProvider.getConfig().getValue(AuthTestStack.CONFIDENTIAL_SECRET_KEY,
                String.class));
        String basic = "Basic " + UsedSecrets.add(Base64.getEncoder()
                .encodeToString((CLIENT + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        String username = Admin.unique("conf");
        String password = Admin.newPassword();
        Admin.createUser(username, password);

        Oidc.Code stolen = Oidc.authorize(CLIENT, REDIRECT, username, password);
        Oidc.exchange(CLIENT, REDIRECT, stolen.code(), stolen.verifier()).then().statusCode(401)
                .body("error", equalTo("invalid_client"));

        Oidc.Code code = Oidc.authorize(CLIENT, REDIRECT, username, password);
        Response exchanged = Oidc.form().header("Authorization", basic).formParam("grant_type", "authorization_code")
                .formParam("code", code.code()).formParam("redirect_uri", REDIRECT)
                .formParam("code_verifier", code.verifier()).post("/oauth2/token");
        exchanged.then().statusCode(200);
        Oidc.Tokens tokens = Oidc.tokens(exchanged);

        Oidc.refresh(CLIENT, tokens.refreshToken()).then().statusCode(401).body("error", equalTo("invalid_client"));
        Oidc.form().header("Authorization", basic).formParam("grant_type", "refresh_token")
                .formParam("refresh_token", tokens.refreshToken()).post("/oauth2/token").then().statusCode(200);
    }
}
