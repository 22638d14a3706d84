package dev.strata.auth.key;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.auth.access.CallerContext;
import dev.strata.auth.access.Roles;

@Path("/api/v1/keys")
@Tag(name = "Signing keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeyResource {

    private final SigningKeys keys;
    private final SigningKeyRepository repository;
    private final CallerContext callers;

    KeyResource(SigningKeys keys, SigningKeyRepository repository, CallerContext callers) {
        this.keys = keys;
        this.repository = repository;
        this.callers = callers;
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Every signing key, newest first (admin on '*')")
    public List<KeyView> list() {
        callers.caller().requireGlobalAdmin();
        return repository.all().stream().map(KeyView::of).toList();
    }

    @POST
    @Path("/rotate")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Activate a new signing key (admin on '*')", description = "New tokens are signed with the "
            + "new key at once; the old key stays in the JWKS until every token it signed has expired, so nothing "
            + "stops working. Other replicas pick the new key up within strata.auth.key-refresh-interval.")
    public KeyView rotate() {
        callers.caller().requireGlobalAdmin();
        String kid = keys.rotate();
        return repository.all().stream().filter(k -> k.kid().equals(kid)).map(KeyView::of).findFirst().orElseThrow();
    }
}
