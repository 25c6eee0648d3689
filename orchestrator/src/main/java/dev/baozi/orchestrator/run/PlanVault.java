package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.openbao.Transit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps saved plan files encrypted at rest. Envelope encryption with OpenBao transit: a fresh
 * data key per plan from {@code datakey/plaintext/baozi-plans}, AES-256-GCM here, and only the
 * transit-wrapped data key stored beside the ciphertext. Opening needs OpenBao to unwrap it.
 */
public final class PlanVault implements SealedPlans {

    static final String KEY = "baozi-plans";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

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
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        try {
            RunFiles.writePrivate(sealed.getParent(), sealed.getFileName().toString(), aes(Cipher.ENCRYPT_MODE, dataKey, iv, plan));
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
                return aes(Cipher.DECRYPT_MODE, dataKey, Base64.getDecoder().decode(meta.path("iv").asText()),
                        Files.readAllBytes(sealed));
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

    private static byte[] aes(int mode, byte[] key, byte[] iv, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM on a plan file failed (tampered or wrong key?)", e);
        }
    }
}
