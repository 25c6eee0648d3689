package dev.baozi.vars.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.vars.definition.GeneratorName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A generator's committed generation: which KV version of each file belongs to it, the validation
 * hash it was made for, and (so {@code check} can say why it is outdated) its definition's hash and
 * the digest of each dependency's generation it was made from. {@code highWater}: the highest
 * version of each file any generation ever committed, so a newer version is known to be
 * uncommitted even after a rollback. {@code replaces}: the manifest version this one superseded
 * (0: none), which is where a rollback goes.
 */
public record Manifest(String hash, String definitionHash, Map<GeneratorName, String> dependencies, Map<String, Long> files,
                       Map<String, Long> highWater, long replaces, Instant committedAt, Cause cause) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What made a generation. */
    public enum Cause { GENERATE, SET, ROLLBACK }

    public Manifest {
        dependencies = Map.copyOf(new TreeMap<>(dependencies));
        files = Map.copyOf(new TreeMap<>(files));
        highWater = Map.copyOf(new TreeMap<>(highWater));
    }

    /**
     * Identifies this generation: SHA-256 over the validation hash and every file's version. A
     * dependent's validation hash includes it, so regenerating, setting or rolling back a
     * generator makes its dependents outdated.
     */
    public String digest() {
        StringBuilder b = new StringBuilder(hash);
        new TreeMap<>(files).forEach((f, v) -> b.append(';').append(f).append('=').append(v));
        return sha256(b.toString());
    }

    ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("hash", hash);
        n.put("definition_hash", definitionHash);
        ObjectNode deps = n.putObject("dependencies");
        new TreeMap<>(dependencies).forEach((g, d) -> deps.put(g.value(), d));
        ObjectNode f = n.putObject("files");
        new TreeMap<>(files).forEach(f::put);
        ObjectNode h = n.putObject("high_water");
        new TreeMap<>(highWater).forEach(h::put);
        n.put("replaces", replaces);
        n.put("committed_at", committedAt.toString());
        n.put("cause", cause.name().toLowerCase());
        return n;
    }

    static Manifest fromJson(JsonNode n) {
        Map<GeneratorName, String> deps = new TreeMap<>();
        n.path("dependencies").properties().forEach(e -> deps.put(GeneratorName.of(e.getKey()), e.getValue().asText()));
        Map<String, Long> files = new TreeMap<>();
        n.path("files").properties().forEach(e -> files.put(e.getKey(), e.getValue().asLong()));
        Map<String, Long> high = new TreeMap<>();
        n.path("high_water").properties().forEach(e -> high.put(e.getKey(), e.getValue().asLong()));
        return new Manifest(n.path("hash").asText(), n.path("definition_hash").asText(), deps, files, high,
                n.path("replaces").asLong(), Instant.parse(n.path("committed_at").asText()),
                Cause.valueOf(n.path("cause").asText("generate").toUpperCase()));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
