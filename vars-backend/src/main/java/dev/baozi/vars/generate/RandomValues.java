package dev.baozi.vars.generate;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Passwords from an alphabet and random tokens, drawn from a {@link SecureRandom} without bias. */
final class RandomValues {

    private RandomValues() {}

    static FileValue password(SecureRandom random, int length, String alphabet) {
        int[] symbols = alphabet.codePoints().toArray();
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.appendCodePoint(symbols[random.nextInt(symbols.length)]);
        }
        return FileValue.of(b.toString());
    }

    static FileValue hex(SecureRandom random, int bytes) {
        return FileValue.of(HexFormat.of().formatHex(bytes(random, bytes)));
    }

    static FileValue base64(SecureRandom random, int bytes) {
        return FileValue.of(Base64.getEncoder().encodeToString(bytes(random, bytes)));
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
