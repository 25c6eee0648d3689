package dev.baozi.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The UI's static files: a fixed list, read once from the classpath, each with its content type
 * and an ETag from its SHA-256. Nothing outside the list is served, so no path can reach other
 * resources.
 */
public final class StaticAssets {

    /** One file as served. */
    public record Asset(String name, String contentType, byte[] bytes, String etag) {}

    private static final Map<String, String> TYPES = Map.of(
            "baozi.css", "text/css; charset=utf-8",
            "baozi.js", "text/javascript; charset=utf-8");

    private final Map<String, Asset> assets;

    public StaticAssets() {
        var loaded = new java.util.HashMap<String, Asset>();
        TYPES.forEach((name, type) -> {
            byte[] bytes = read(name);
            loaded.put(name, new Asset(name, type, bytes, "\"" + sha256(bytes).substring(0, 16) + "\""));
        });
        this.assets = Map.copyOf(loaded);
    }

    public Optional<Asset> get(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /** The bytes of every asset together: what a page costs on top of its HTML. */
    public long totalBytes() {
        return assets.values().stream().mapToLong(a -> a.bytes().length).sum();
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticAssets.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the ui module is missing its static file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the static file " + name, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
