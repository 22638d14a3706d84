package dev.strata.registry.sql;

import java.io.IOException;
import java.io.InputStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import dev.strata.web.ProblemMappers;

/**
 * Reads the bodies of the SQL workspace, bounded: at most {@value #MAX_BODY_BYTES} bytes are read whatever the
 * request sends (the registry's HTTP body limit is set for uploads), JSON or YAML, unknown fields refused with the
 * field's name.
 */
@ApplicationScoped
public class SqlBodies {

    static final int MAX_BODY_BYTES = 1024 * 1024;
    public static final String YAML = "application/yaml";

    private final ObjectMapper json;
    private final ObjectMapper yaml;

    SqlBodies(ObjectMapper json) {
        this.json = json.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.yaml = new ObjectMapper(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                .findAndRegisterModules();
    }

    /** The body as {@code type}; YAML when {@code contentType} says so, else JSON. */
    public <T> T read(InputStream body, String contentType, Class<T> type) {
        if (body == null) {
            throw new SqlProblem(Status.BAD_REQUEST, "invalid-request", "Bad Request", "A body is required.");
        }
        byte[] bytes;
        try {
            bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new SqlProblem(Status.BAD_REQUEST, "invalid-request", "Bad Request", "The body could not be read.");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new SqlProblem(Status.REQUEST_ENTITY_TOO_LARGE, "too-large", "Content Too Large", "The body is "
                    + "larger than " + (MAX_BODY_BYTES / 1024) + " KB.");
        }
        if (bytes.length == 0) {
            throw new SqlProblem(Status.BAD_REQUEST, "invalid-request", "Bad Request", "A body is required.");
        }
        boolean isYaml = contentType != null && (contentType.startsWith(YAML) || contentType.startsWith("text/yaml")
                || contentType.startsWith("application/x-yaml"));
        try {
            return (isYaml ? yaml : json).readValue(bytes, type);
        } catch (UnrecognizedPropertyException e) {
            throw new jakarta.ws.rs.WebApplicationException(ProblemMappers.unknownField(e.getPropertyName(),
                    ProblemMappers.jsonPath(e.getPath().subList(0, Math.max(0, e.getPath().size() - 1))), e
                            .getKnownPropertyIds()));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new SqlProblem(Status.BAD_REQUEST, "invalid-request", "Bad Request", "The body is not the "
                    + (isYaml ? "YAML" : "JSON") + " this endpoint expects" + where + ": " + e.getOriginalMessage()
                            .replaceAll("\\p{Cntrl}", " ").lines().findFirst().orElse("")
                    + ".");
        } catch (IOException e) {
            throw new SqlProblem(Status.BAD_REQUEST, "invalid-request", "Bad Request", "The body could not be read.");
        }
    }

    /** {@code value} as YAML text. */
    public String yaml(Object value) {
        try {
            return yaml.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
