package dev.baozi.orchestrator.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes people's passwords with Argon2id (memory-hard, RFC 9106) and stores them as PHC strings:
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} with unpadded standard base64. A stored
 * string carries its own parameters, so raising them later still verifies old hashes;
 * {@link #needsRehash} says when one should be replaced.
 *
 * <p>Each hash takes {@code m} KiB of memory, so only a few run at once (the rest wait): a burst of
 * logins cannot take the heap.
 */
public final class PasswordHasher {

    /** What one hash costs: memory in KiB, passes, lanes, and the salt and hash sizes in bytes. */
    public record Parameters(int memoryKib, int iterations, int parallelism, int saltBytes, int hashBytes) {
        public Parameters {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("argon2 parallelism must be 1 to " + MAX_PARALLELISM + ", got " + parallelism);
            }
            if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("argon2 memory must be " + 8 * parallelism + " to " + MAX_MEMORY_KIB
                        + " KiB, got " + memoryKib);
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("argon2 iterations must be 1 to " + MAX_ITERATIONS + ", got " + iterations);
            }
            if (saltBytes < MIN_SALT_BYTES || saltBytes > MAX_SALT_BYTES) {
                throw new IllegalArgumentException("argon2 salt must be " + MIN_SALT_BYTES + " to " + MAX_SALT_BYTES
                        + " bytes, got " + saltBytes);
            }
            if (hashBytes < MIN_HASH_BYTES || hashBytes > MAX_HASH_BYTES) {
                throw new IllegalArgumentException("argon2 hash must be " + MIN_HASH_BYTES + " to " + MAX_HASH_BYTES
                        + " bytes, got " + hashBytes);
            }
        }

        /** OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane; 16-byte salt, 32-byte hash. */
        public static Parameters owaspMinimum() {
            return new Parameters(19_456, 2, 1, 16, 32);
        }
    }

    // Bounds on what a stored string may ask for, so a bad row cannot make a verify take the heap.
    private static final int MAX_MEMORY_KIB = 1 << 20;
    private static final int MAX_ITERATIONS = 64;
    private static final int MAX_PARALLELISM = 16;
    private static final int MIN_SALT_BYTES = 8;
    private static final int MAX_SALT_BYTES = 64;
    private static final int MIN_HASH_BYTES = 16;
    private static final int MAX_HASH_BYTES = 64;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=([1-9][0-9]{0,8}),t=([1-9][0-9]{0,8}),p=([1-9][0-9]{0,8})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Parameters parameters;
    private final Semaphore running;

    public PasswordHasher(Parameters parameters) {
        this.parameters = parameters;
        this.running = new Semaphore(Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4), true);
    }

    /** Argon2id with {@link Parameters#owaspMinimum()}. */
    public static PasswordHasher standard() {
        return new PasswordHasher(Parameters.owaspMinimum());
    }

    public Parameters parameters() {
        return parameters;
    }

    /** A PHC string for {@code password} with a fresh random salt. */
    public String hash(String password) {
        if (password == null) {
            throw new IllegalArgumentException("hashing a password: the password is missing");
        }
        byte[] salt = new byte[parameters.saltBytes()];
        RANDOM.nextBytes(salt);
        return hash(password, salt);
    }

    /** The PHC string for {@code password} with this salt (tests compare it with reference strings). */
    String hash(String password, byte[] salt) {
        byte[] hash = argon2id(password, salt, parameters.memoryKib(), parameters.iterations(), parameters.parallelism(),
                parameters.hashBytes());
        return "$argon2id$v=19$m=" + parameters.memoryKib() + ",t=" + parameters.iterations() + ",p=" + parameters.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * True when {@code password} hashes to {@code encoded} under the parameters written in it.
     * False for a wrong password and for anything that is not an Argon2id v19 PHC string this
     * class would accept; never throws for bad input.
     */
    public boolean verify(String password, String encoded) {
        if (password == null) {
            return false;
        }
        Optional<Decoded> decoded = decode(encoded);
        if (decoded.isEmpty()) {
            return false;
        }
        Decoded d = decoded.get();
        byte[] actual = argon2id(password, d.salt(), d.parameters().memoryKib(), d.parameters().iterations(),
                d.parameters().parallelism(), d.hash().length);
        return MessageDigest.isEqual(actual, d.hash());
    }

    /** True when {@code encoded} was made with other parameters than this hasher's (or cannot be read). */
    public boolean needsRehash(String encoded) {
        return decode(encoded).map(d -> !d.parameters().equals(parameters)).orElse(true);
    }

    private record Decoded(Parameters parameters, byte[] salt, byte[] hash) {}

    private static Optional<Decoded> decode(String encoded) {
        if (encoded == null || encoded.length() > 400) {
            return Optional.empty();
        }
        Matcher m = PHC.matcher(encoded);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            byte[] salt = B64_DECODE.decode(m.group(4));
            byte[] hash = B64_DECODE.decode(m.group(5));
            var parameters = new Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), salt.length, hash.length);
            return Optional.of(new Decoded(parameters, salt, hash));
        } catch (IllegalArgumentException e) {
            // bad base64 (e.g. a length no encoder produces), a number out of range, or a size
            // outside the bounds above: not a string this class accepts
            return Optional.empty();
        }
    }

    private byte[] argon2id(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        var params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[length];
        running.acquireUninterruptibly();
        try {
            var generator = new Argon2BytesGenerator();
            generator.init(params);
            generator.generateBytes(secret, out);
            return out;
        } finally {
            running.release();
            Arrays.fill(secret, (byte) 0);
            params.clear();
        }
    }
}
