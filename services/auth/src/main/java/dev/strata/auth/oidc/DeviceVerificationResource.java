package dev.strata.auth.oidc;

import java.time.Clock;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.auth.audit.AuditLog;
import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.user.LoginResult;
import dev.strata.auth.user.LoginService;

/**
 * The verification page of the device grant (RFC 8628 §3.3): a person enters the user code shown by the device, signs
 * in (same checks and lockout as the sign-in page) and approves or denies the device's sign-in.
 */
@Path(DeviceVerificationResource.PATH)
@Tag(name = "OpenID Connect")
@PermitAll
public class DeviceVerificationResource {

    public static final String PATH = "/oauth2/device";

    private final DeviceAuthorizationRepository devices;
    private final LoginService login;
    private final HtmlPages pages;
    private final AuditLog audit;
    private final String lockedMessage;
    private final Clock clock = Clock.systemUTC();

    DeviceVerificationResource(DeviceAuthorizationRepository devices, LoginService login, HtmlPages pages,
            AuditLog audit, AuthConfig config) {
        this.devices = devices;
        this.login = login;
        this.pages = pages;
        this.audit = audit;
        this.lockedMessage = AuthorizeResource.lockedMessage(config);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Device sign-in page: enter the code the device shows, sign in, approve or deny")
    public Response page(@QueryParam("user_code") String userCode) {
        String code = DeviceCodes.normalize(userCode);
        return pages.device(code == null ? "" : DeviceCodes.display(code), "", null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Transactional
    @Operation(summary = "Approve or deny a device sign-in (form: user_code, username, password, action=approve|deny)")
    public Response decide(MultivaluedMap<String, String> form) {
        String typed = form.getFirst("user_code");
        String username = form.getFirst("username");
        String code = DeviceCodes.normalize(typed);
        DeviceAuthorization row = code == null ? null : devices.lockByUserCode(code).orElse(null);
        if (row == null || !DeviceAuthorization.PENDING.equals(row.status())
                || !row.expiresAt().isAfter(clock.instant())) {
            return pages.device(typed == null ? "" : typed, username, "This code is not valid or has expired: check"
                    + " it, or start the sign-in on the device again.");
        }
        LoginResult result = login.authenticate(username, form.getFirst("password"), row.clientId());
        return switch (result.outcome()) {
            case SUCCESS -> {
                boolean approve = !"deny".equals(form.getFirst("action"));
                devices.decide(row.deviceCodeHash(), approve
                        ? DeviceAuthorization.APPROVED
                        : DeviceAuthorization.DENIED, result.user().id());
                String actor = result.user().username();
                audit.recordAs(actor, approve ? "device_code.approved" : "device_code.denied", actor, null,
                        Map.of("client", row.clientId(), "session", row.familyId().toString()));
                yield approve
                        ? pages.message(200, "Device signed in", "The device is signed in as " + actor
                                + ". You can close this page and return to it.")
                        : pages.message(200, "Sign-in denied", "The device was not signed in.");
            }
            case LOCKED -> pages.device(DeviceCodes.display(code), username, lockedMessage);
            case DISABLED -> pages.device(DeviceCodes.display(code), username, AuthorizeResource.DISABLED);
            case INVALID -> pages.device(DeviceCodes.display(code), username, AuthorizeResource.BAD_CREDENTIALS);
        };
    }
}
