package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.openbao.DataKeyCipher;
import dev.baozi.openbao.Transit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps saved plan files encrypted at rest. Envelope encryption with OpenBao transit: a fresh
 * data key per plan from {@code datakey/plaintext/baozi-plans}, AES-256-GCM here ({@link DataKeyCipher}), and only the
 * transit-wrapped data key stored beside the ciphertext. Opening needs OpenBao to unwrap it.
 */
public final class PlanVault implements SealedPlans {

    static final String KEY = "baozi-plans";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Transit transit;
    private final AtomicBoolean keyReady = new AtomicBoolean();

    public PlanVault(Transit transit) {
        this.transit = transit;
    }

    /** Encrypts {@code plan} into {@code sealed} (ciphertext) and {@code sealed}.key.json (wrapped key, IV). */
    public void seal(byte[] plan, Path sealed) {
        ensureKey();
        Transit.DataKey key = transit.dataKey(KEY, 256, "a plan file");
        byte[] dataKey = key.plaintext();
        byte[] iv = DataKeyCipher.newNonce();
        try {
            RunFiles.writePrivate(sealed.getParent(), sealed.getFileName().toString(),
                    DataKeyCipher.encrypt(DataKeyCipher.key(dataKey), iv, plan, new byte[0]));
            RunFiles.writePrivate(sealed.getParent(), keyFile(sealed).getFileName().toString(), JSON.createObjectNode()
                    .put("wrapped_key", key.wrapped())
                    .put("iv", Base64.getEncoder().encodeToString(iv))
                    .toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("writing the sealed plan " + sealed, e);
        } finally {
            java.util.Arrays.fill(dataKey, (byte) 0);
        }
    }

    public byte[] open(Path sealed) {
        try {
            JsonNode meta = JSON.readTree(Files.readString(keyFile(sealed)));
            byte[] dataKey = transit.unwrap(KEY, meta.path("wrapped_key").asText(), "a plan file");
            try {
                return DataKeyCipher.decrypt(DataKeyCipher.key(dataKey), Base64.getDecoder().decode(meta.path("iv").asText()),
                        Files.readAllBytes(sealed), new byte[0]).orElseThrow(() -> new IllegalStateException(
                                "opening the sealed plan " + sealed + ": it does not match its data key (tampered or wrong key?)"));
            } finally {
                java.util.Arrays.fill(dataKey, (byte) 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the sealed plan " + sealed, e);
        }
    }

    public static void delete(Path sealed) {
        try {
            Files.deleteIfExists(sealed);
            Files.deleteIfExists(keyFile(sealed));
        } catch (IOException e) {
            throw new UncheckedIOException("deleting the sealed plan " + sealed, e);
        }
    }

    public static boolean exists(Path sealed) {
        return Files.exists(sealed) && Files.exists(keyFile(sealed));
    }

    private static Path keyFile(Path sealed) {
        return sealed.resolveSibling(sealed.getFileName() + ".key.json");
    }

    private void ensureKey() {
        if (!keyReady.get()) {
            transit.createKey(KEY);
            keyReady.set(true);
        }
    }
}
