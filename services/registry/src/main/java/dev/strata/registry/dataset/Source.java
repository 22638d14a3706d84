package dev.strata.registry.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a dataset's data comes from: the {@code source} part of the load spec that ingest executes. Credentials are
 * never part of it, only {@code credentialsRef}, the name of a secret.
 *
 * @param kind           {@code http}, {@code s3}, {@code upload} or {@code jdbc}
 * @param url            http: the URL to fetch
 * @param bucket         s3, upload: the bucket
 * @param key            s3, upload: the object key
 * @param prefix         s3: every object under this prefix (instead of {@code key})
 * @param jdbcUrl        jdbc: the database to read, without credentials
 * @param table          jdbc: the table to read
 * @param cursorColumn   jdbc: the column an incremental load continues from; none for full loads
 * @param credentialsRef the name of the secret holding credentials for the source; optional
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Source(String kind, String url, String bucket, String key, String prefix, String jdbcUrl, String table,
        String cursorColumn, String credentialsRef) {
}
