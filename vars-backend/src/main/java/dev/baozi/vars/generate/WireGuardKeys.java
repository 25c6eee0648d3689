package dev.baozi.vars.generate;

import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** WireGuard key pairs: an X25519 private key (clamped, as {@code wg genkey} makes it) and its public key, both base64. */
public final class WireGuardKeys {

    private WireGuardKeys() {}

    /** A private and public key in base64. */
    public record Pair(String privateKey, String publicKey) {
        @Override
        public String toString() {
            return "WireGuardKeys.Pair[publicKey=" + publicKey + ", privateKey=(hidden)]";
        }
    }

    public static Pair generate(SecureRandom random) {
        byte[] k = new byte[X25519.SCALAR_SIZE];
        random.nextBytes(k);
        clamp(k);
        return new Pair(Base64.getEncoder().encodeToString(k), Base64.getEncoder().encodeToString(publicKeyOf(k)));
    }

    /** The X25519 public key (u-coordinate of k·9, RFC 7748) of a 32-byte private key. */
    public static byte[] publicKeyOf(byte[] privateKey) {
        if (privateKey.length != X25519.SCALAR_SIZE) {
            throw new IllegalArgumentException("an X25519 private key has 32 bytes, not " + privateKey.length);
        }
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.scalarMultBase(privateKey, 0, pub, 0);
        return pub;
    }

    private static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
    }
}
