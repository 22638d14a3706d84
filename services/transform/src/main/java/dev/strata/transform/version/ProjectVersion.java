package dev.strata.transform.version;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A pushed version of a project: its archive in S3 and what it compiled to.
 *
 * @param id         version id (what a {@code TransformRequested} names, or {@code <project>@<version>})
 * @param namespace  the namespace it belongs to
 * @param project    the project name (from dbt_project.yml)
 * @param version    1, 2, ... per project
 * @param s3Key      where the archive is, in the projects bucket
 * @param sha256     of the archive
 * @param models     models and seeds in it
 * @param tests      tests in it
 * @param manifest   models (materialization, relation, refs, sources, tags) and tests
 * @param uploadedBy who pushed it
 * @param uploadedAt when
 */
public record ProjectVersion(UUID id, String namespace, String project, int version, String s3Key, String sha256,
        int models, int tests, JsonNode manifest, String uploadedBy, Instant uploadedAt) {
}
