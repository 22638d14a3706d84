package dev.strata.registry.upload;

import java.util.UUID;

import dev.strata.events.LoadSpec.Source;

/**
 * A file streamed into the lake.
 *
 * @param location {@code s3://<bucket>/<key>}
 * @param bytes    its size
 * @param sha256   the hex SHA-256 of its bytes, to check it end to end
 * @param source   the load-spec source that loads it: {@code {"kind":"upload","bucket":...,"key":...}}
 */
public record Upload(UUID uploadId, String bucket, String key, String location, long bytes, String sha256,
        Source source) {
}
