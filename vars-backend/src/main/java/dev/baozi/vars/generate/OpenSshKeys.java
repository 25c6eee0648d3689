package dev.baozi.vars.generate;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * SSH key pairs written as OpenSSH writes them: the private key in the unencrypted
 * {@code openssh-key-v1} format ({@code -----BEGIN OPENSSH PRIVATE KEY-----}, PROTOCOL.key) and the
 * public key as an authorized_keys line.
 */
public final class OpenSshKeys {

    private static final String MAGIC = "openssh-key-v1\0";

    private OpenSshKeys() {}

    /** A private key file and its authorized_keys line (no trailing newline). */
    public record Pair(String privateKey, String authorizedKey) {
        @Override
        public String toString() {
            return "OpenSshKeys.Pair[authorizedKey=" + authorizedKey + ", privateKey=(hidden)]";
        }
    }

    public static Pair ed25519(SecureRandom random, String comment) {
        var key = new Ed25519PrivateKeyParameters(random);
        byte[] seed = key.getEncoded();
        byte[] pub = key.generatePublicKey().getEncoded();
        byte[] publicBlob = new Wire().string("ssh-ed25519").string(pub).bytes();
        byte[] both = new byte[64];
        System.arraycopy(seed, 0, both, 0, 32);
        System.arraycopy(pub, 0, both, 32, 32);
        Wire privateFields = new Wire().string("ssh-ed25519").string(pub).string(both);
        return pair(random, "ssh-ed25519", publicBlob, privateFields, comment);
    }

    public static Pair rsa(SecureRandom random, int bits, String comment) {
        RSAPrivateCrtKey k;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
            k = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("making a " + bits + "-bit RSA key", e);
        }
        byte[] publicBlob = new Wire().string("ssh-rsa").mpint(k.getPublicExponent()).mpint(k.getModulus()).bytes();
        // OpenSSH's order: n, e, d, iqmp (q⁻¹ mod p, which is the JDK's CRT coefficient), p, q.
        Wire privateFields = new Wire().string("ssh-rsa").mpint(k.getModulus()).mpint(k.getPublicExponent())
                .mpint(k.getPrivateExponent()).mpint(k.getCrtCoefficient()).mpint(k.getPrimeP()).mpint(k.getPrimeQ());
        return pair(random, "ssh-rsa", publicBlob, privateFields, comment);
    }

    private static Pair pair(SecureRandom random, String type, byte[] publicBlob, Wire privateFields, String comment) {
        int check = random.nextInt();
        Wire section = new Wire().uint32(check).uint32(check).raw(privateFields.bytes()).string(comment);
        for (int pad = 1; section.size() % 8 != 0; pad++) {
            section.raw(new byte[] {(byte) pad});
        }
        byte[] file = new Wire().raw(MAGIC.getBytes(StandardCharsets.US_ASCII))
                .string("none").string("none").string(new byte[0])
                .uint32(1).string(publicBlob).string(section.bytes()).bytes();
        String b64 = Base64.getEncoder().encodeToString(file);
        StringBuilder pem = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        for (int i = 0; i < b64.length(); i += 70) {
            pem.append(b64, i, Math.min(b64.length(), i + 70)).append('\n');
        }
        pem.append("-----END OPENSSH PRIVATE KEY-----\n");
        String line = type + " " + Base64.getEncoder().encodeToString(publicBlob) + (comment.isEmpty() ? "" : " " + comment);
        return new Pair(pem.toString(), line);
    }

    /** SSH wire encoding (RFC 4251): uint32, string, mpint. */
    private static final class Wire {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Wire uint32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Wire string(byte[] b) {
            uint32(b.length);
            out.writeBytes(b);
            return this;
        }

        Wire string(String s) {
            return string(s.getBytes(StandardCharsets.UTF_8));
        }

        Wire mpint(BigInteger v) {
            return string(v.signum() == 0 ? new byte[0] : v.toByteArray());
        }

        Wire raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
