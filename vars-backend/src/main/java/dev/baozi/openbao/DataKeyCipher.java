package dev.baozi.openbao;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The local half of envelope encryption with {@link Transit}: AES-256-GCM under a data key, a
 * random 96-bit nonce per message, a 128-bit tag, and optional associated data (authenticated,
 * not encrypted). A ciphertext that does not match its key, nonce or associated data opens to
 * nothing; it never throws with key material in the message.
 */
public final class DataKeyCipher {

    /** Bytes of a GCM nonce (96 bits, the size GCM is built for). */
    public static final int NONCE_BYTES = 12;
    /** Bytes of the authentication tag appended to every ciphertext. */
    public static final int TAG_BYTES = 16;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DataKeyCipher() {}

    /** {@code raw} (a data key's plaintext, 32 bytes for AES-256) as a key; the caller may clear {@code raw} after. */
    public static SecretKey key(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("an AES-256 data key has 32 bytes, this one has " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }

    /** A fresh random nonce; never reuse one under the same key. */
    public static byte[] newNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** {@code plaintext} encrypted under {@code key} and {@code nonce}, followed by the tag over it and {@code aad}. */
    public static byte[] encrypt(SecretKey key, byte[] nonce, byte[] plaintext, byte[] aad) {
        return encrypt(key, nonce, plaintext, aad, new byte[0]);
    }

    /**
     * As {@link #encrypt(SecretKey, byte[], byte[], byte[])}, after {@code prefix} (e.g. a header)
     * in the same array, so a large state is not copied once more to put a header before it.
     */
    public static byte[] encrypt(SecretKey key, byte[] nonce, byte[] plaintext, byte[] aad, byte[] prefix) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            byte[] out = new byte[prefix.length + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, out, prefix.length);
            return written == out.length - prefix.length ? out : java.util.Arrays.copyOf(out, prefix.length + written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption is not available in this JVM (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * The plaintext of {@code ciphertext} (as {@link #encrypt} made it), or empty when it does not
     * match {@code key}, {@code nonce} or {@code aad}: tampered, truncated, or sealed under another key.
     */
    public static Optional<byte[]> decrypt(SecretKey key, byte[] nonce, byte[] ciphertext, byte[] aad) {
        return decrypt(key, nonce, ciphertext, 0, aad);
    }

    /** As above, for the ciphertext that starts at {@code offset} of {@code input} (after a header) and runs to its end. */
    public static Optional<byte[]> decrypt(SecretKey key, byte[] nonce, byte[] input, int offset, byte[] aad) {
        if (offset < 0 || input.length - offset < TAG_BYTES || nonce.length != NONCE_BYTES) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return Optional.of(cipher.doFinal(input, offset, input.length - offset));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption is not available in this JVM (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
