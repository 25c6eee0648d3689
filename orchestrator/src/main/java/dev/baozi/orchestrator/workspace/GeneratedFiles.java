package dev.baozi.orchestrator.workspace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A workspace's generated OpenTofu directory (relative path → bytes) and the sha256 over all of
 * it; {@code secretFiles} (the values of sensitive inputs) belong in the same directory but are
 * neither shown nor hashed, and are written only into a run's private directory.
 */
public record GeneratedFiles(Map<String, byte[]> files, String sha256, String moduleSha256, Map<String, byte[]> secretFiles) {

    public GeneratedFiles {
        secretFiles = Map.copyOf(secretFiles);
    }

    /** sha256 over every file's path, length and content, in path order ({@code files} must be sorted). */
    static String hashOf(Map<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.forEach((path, content) -> {
                sha.update(path.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Long.toString(content.length).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(content);
            });
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
