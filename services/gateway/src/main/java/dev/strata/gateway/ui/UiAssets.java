package dev.strata.gateway.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.vertx.core.buffer.Buffer;

/**
 * The built web UI, read once from the class path ({@code webui/}, written there by the Maven build's {@code npm run
 * build}): every file with its gzip and brotli copies made at build time, listed in {@code webui/files.txt}.
 */
final class UiAssets {

    static final String ROOT = "webui/";
    static final String INDEX = "index.html";

    /** One file as served: its bytes, and the pre-compressed copies when the build made them. */
    record Asset(String contentType, Buffer identity, Buffer gzip, Buffer brotli) {
    }

    private final Map<String, Asset> files;

    private UiAssets(Map<String, Asset> files) {
        this.files = files;
    }

    static UiAssets load(ClassLoader loader) {
        byte[] list = read(loader, ROOT + "files.txt");
        if (list == null) {
            return new UiAssets(Map.of());
        }
        Map<String, Asset> files = new HashMap<>();
        for (String line : new String(list, StandardCharsets.UTF_8).split("\n")) {
            String name = line.strip();
            if (name.isEmpty()) {
                continue;
            }
            byte[] body = read(loader, ROOT + name);
            if (body == null) {
                continue;
            }
            files.put(name, new Asset(contentType(name), Buffer.buffer(body), buffer(read(loader, ROOT + name + ".gz")),
                    buffer(read(loader, ROOT + name + ".br"))));
        }
        return new UiAssets(Map.copyOf(files));
    }

    boolean built() {
        return files.containsKey(INDEX);
    }

    Optional<Asset> get(String name) {
        return Optional.ofNullable(files.get(name));
    }

    private static Buffer buffer(byte[] bytes) {
        return bytes == null ? null : Buffer.buffer(bytes);
    }

    private static byte[] read(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web UI's " + name, e);
        }
    }

    static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        return switch (dot < 0 ? "" : lower.substring(dot + 1)) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json", "map" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "woff2" -> "font/woff2";
            case "txt" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }
}
