package dev.strata.ingest;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.strata.devstack.*;
import io.minio.*;

class RawCopyProbe {
    @TempDir
    Path tmp;

    @Test
    void probe() throws Exception {
        Path file = tmp.resolve("f.csv");
        byte[] line = "12345,67890,123.4567,2024-01-01T10:00:00Z,some text value here,abc,def,42,99.5,xyz\n".getBytes();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 112_000_000 / line.length; i++) {
                out.write(line);
            }
        }
        long size = Files.size(file);
        try (DevStack stack = DevStack.start(tmp.resolve("s"), EnumSet.of(Component.S3))) {
            S3Server s3 = stack.s3();
            try (MinioClient c = MinioClient.builder().endpoint(s3.endpoint()).region(S3Server.REGION)
                    .credentials(s3.accessKey(), s3.secretKey()).build()) {
                if (!c.bucketExists(BucketExistsArgs.builder().bucket("b").build())) {
                    c.makeBucket(MakeBucketArgs.builder().bucket("b").build());
                }
                Map<String, List<Double>> times = new TreeMap<>();
                for (int round = 0; round < 4; round++) {
                    for (String mode : List.of("stream8", "file8", "file64", "fileSingle", "fileSingleUnsigned", "file64Unsigned")) {
                        long t0 = System.nanoTime();
                        String key = "k/" + mode + round;
                        switch (mode) {
                            case "stream8" -> {
                                try (InputStream in = Files.newInputStream(file)) {
                                    c.putObject(PutObjectArgs.builder().bucket("b").object(key).stream(in, size, 8L << 20).build());
                                }
                            }
                            case "file8" -> c.uploadObject(UploadObjectArgs.builder().bucket("b").object(key).filename(file.toString(), 8L << 20).build());
                            case "file64" -> c.uploadObject(UploadObjectArgs.builder().bucket("b").object(key).filename(file.toString(), 64L << 20).build());
                            case "fileSingle" -> c.uploadObject(UploadObjectArgs.builder().bucket("b").object(key).filename(file.toString(), 5L << 30).build());
                            case "fileSingleUnsigned" -> c.uploadObject(UploadObjectArgs.builder().bucket("b").object(key).filename(file.toString(), 5L << 30)
                                    .headers(Map.of("x-amz-content-sha256", "UNSIGNED-PAYLOAD")).build());
                            case "file64Unsigned" -> c.uploadObject(UploadObjectArgs.builder().bucket("b").object(key).filename(file.toString(), 64L << 20)
                                    .headers(Map.of("x-amz-content-sha256", "UNSIGNED-PAYLOAD")).build());
                            default -> throw new IllegalStateException();
                        }
                        double s = (System.nanoTime() - t0) / 1e9;
                        if (round > 0) times.computeIfAbsent(mode, k -> new ArrayList<>()).add(s);
                        StatObjectResponse st = c.statObject(StatObjectArgs.builder().bucket("b").object(key).build());
                        if (st.size() != size) throw new AssertionError(mode + " size " + st.size());
                    }
                }
                times.forEach((k, v) -> { Collections.sort(v); System.out.printf("PROBE %s median %.3f s %s%n", k, v.get(v.size() / 2), v); });
            }
        }
    }
}
