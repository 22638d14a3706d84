package dev.strata.registry.upload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses an upload before its body is read ({@link UploadService#admit}): the same 400, 403 and 404 as the raw-body
 * upload. Quarkus reads a multipart form whole, spooling its file parts to disk, before the resource method runs, but
 * after the request filters: without this filter an engineer of another namespace could have the service spool up to
 * {@code strata.registry.upload.max-size} only to be refused.
 */
@Provider
@UploadAdmission.BeforeBody
public class UploadAdmission implements ContainerRequestFilter {

    /** Marks the resource methods whose body is read before they run. */
    @NameBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface BeforeBody {
    }

    private final UploadService service;

    UploadAdmission(UploadService service) {
        this.service = service;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        UriInfo uri = request.getUriInfo();
        service.admit(uri.getPathParameters().getFirst("namespace"), uri.getPathParameters().getFirst("name"),
                uri.getQueryParameters().getFirst("filename"));
    }
}
