package dev.baozi.orchestrator.run;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces known secret values in text with {@code (redacted)}, longest first so no fragment
 * survives; each also as it reads inside a JSON string (quotes, backslashes and control
 * characters escaped), since plans and log lines are JSON.
 */
public final class Redactor {

    public static final String MARK = "(redacted)";
    private static final int MIN_LENGTH = 4;

    private final List<String> secrets;

    public Redactor(Collection<String> secrets) {
        this.secrets = secrets.stream()
                .filter(s -> s != null && s.length() >= MIN_LENGTH)
                .flatMap(s -> java.util.stream.Stream.of(s, jsonEscaped(s)))
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** {@code text} as it stands between the quotes of a JSON string. */
    static String jsonEscaped(String text) {
        return new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(text));
    }

    public String redact(String text) {
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, MARK);
            }
        }
        return out;
    }
}
