package dev.strata.registry.upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

import dev.strata.events.LoadSpec.Source;
import dev.strata.registry.RegistryMetrics;
import dev.strata.registry.config.RegistryConfig;
import dev.strata.registry.dataset.DatasetNames;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.warehouse.Namespaces;
import dev.strata.web.ProblemException;

/**
 * Streams an uploaded file to {@code s3://<lake>/ns/<namespace>/uploads/<dataset>/<uploadId>/<filename>} (under the
 * namespace's own lake prefix, {@link Namespaces#lakePrefix}, the only place a load of that namespace may read) in
 * multipart parts of {@code strata.registry.upload.part-size}: one part in memory at a time, whatever the file's size.
 */
@ApplicationScoped
public class UploadService {

    private static final Logger LOG = Logger.getLogger(UploadService.class);
    private static final Pattern FILENAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final MinioClient s3;
    private final RegistryConfig config;
    private final NamespaceAccess access;
    private final MeterRegistry meters;

    UploadService(MinioClient s3, RegistryConfig config, NamespaceAccess access, MeterRegistry meters) {
        this.s3 = s3;
        this.config = config;
        this.access = access;
        this.meters = meters;
    }

    /** A file sent as the request body: {@code contentLength} is null when the body is chunked. */
    public Upload upload(String namespace, String name, String filename, Long contentLength, InputStream body) {
        check(namespace, name, filename, contentLength);
        try {
            PushbackInputStream in = new PushbackInputStream(body, 1);
            int first = in.read();
            if (first < 0) {
                throw ProblemException.badRequest("The upload is empty: send the file's bytes as the request body.");
            }
            in.unread(first);
            return store(namespace, name, filename, in, -1L);
        } catch (IOException e) {
            throw interrupted(e);
        }
    }

    /**
     * A file already received whole, e.g. the file part of a multipart form that Quarkus wrote to its uploads
     * directory: streamed from disk with its size known. The caller owns (and deletes) the file.
     */
    public Upload upload(String namespace, String name, String filename, Path file) {
        try {
            long size = Files.size(file);
            check(namespace, name, filename, size);
            if (size == 0) {
                throw ProblemException.badRequest("The upload is empty: the form's file part has no bytes.");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return store(namespace, name, filename, in, size);
            }
        } catch (IOException e) {
            throw interrupted(e);
        }
    }

    /**
     * The checks that need no byte of the file, so that an upload is refused before its body is read: the dataset's
     * name (400), the caller's engineer role in its namespace (404 when it cannot read the namespace, else 403) and
     * {@code filename} unless it is null (a form may name its file in its part, which is not read yet).
     */
    public void admit(String namespace, String name, String filename) {
        DatasetNames.requireIdentity(namespace, name);
        access.require(namespace, Role.ENGINEER);
        if (filename != null && (!FILENAME.matcher(filename).matches() || filename.contains(".."))) {
            throw invalidFilename();
        }
    }

    private void check(String namespace, String name, String filename, Long size) {
        admit(namespace, name, filename);
        if (filename == null) {
            throw invalidFilename();
        }
        long max = config.upload().maxSize().asLongValue();
        if (size != null && size > max) {
            throw new ProblemException(Status.REQUEST_ENTITY_TOO_LARGE, "too-large", "The file has " + size
                    + " bytes; uploads take at most " + max + " bytes.");
        }
    }

    /** Streams {@code in} ({@code size} bytes, or -1 when unknown) to a new key of the lake. */
    private Upload store(String namespace, String name, String filename, InputStream in, long size) {
        UUID uploadId = UUID.randomUUID();
        String key = Namespaces.lakePrefix(namespace) + "uploads/" + name + "/" + uploadId + "/" + filename;
        String bucket = config.lakeBucket();
        MessageDigest sha256 = sha256();
        try {
            CountingInputStream counted = new CountingInputStream(new DigestInputStream(in, sha256));
            s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                    .stream(counted, size, config.upload().partSize().asLongValue())
                    .contentType("application/octet-stream").build());
            meters.counter(RegistryMetrics.UPLOAD_BYTES).increment(counted.count);
            LOG.infof("upload %s: %d bytes to s3://%s/%s", uploadId, counted.count, bucket, key);
            return new Upload(uploadId, bucket, key, "s3://" + bucket + "/" + key, counted.count, HexFormat.of()
                    .formatHex(sha256.digest()), Source.upload(bucket, key));
        } catch (Exception e) {
            LOG.errorf("upload %s to s3://%s/%s failed: %s", uploadId, bucket, key, e.getMessage());
            throw new ProblemException(Status.SERVICE_UNAVAILABLE, "lake-unavailable", "The lake (S3) did not take "
                    + "the file; nothing was stored, retry in a moment.");
        }
    }

    private static ProblemException invalidFilename() {
        return ProblemException.badRequest("Name the file with ?filename= (or, in a multipart form, the file part's "
                + "filename): 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit "
                + "(e.g. orders-2026-11.csv).");
    }

    private static ProblemException interrupted(IOException e) {
        return new ProblemException(Status.BAD_REQUEST, "upload-interrupted", "The upload was interrupted before its "
                + "end (" + e.getMessage() + "); nothing was stored, send it again.");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingInputStream extends FilterInputStream {

        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
