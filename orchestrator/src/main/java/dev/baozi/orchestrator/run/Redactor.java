package dev.baozi.orchestrator.run;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Replaces known secret values in text with {@code (redacted)}, longest first so no fragment survives. */
public final class Redactor {

    public static final String MARK = "(redacted)";
    private static final int MIN_LENGTH = 4;

    private final List<String> secrets;

    public Redactor(Collection<String> secrets) {
        this.secrets = secrets.stream()
                .filter(s -> s != null && s.length() >= MIN_LENGTH)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
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
