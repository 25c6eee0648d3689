package dev.baozi.vars.definition;

import java.util.regex.Pattern;

/** A generator's name: lower-case letters, digits and {@code -}, starting with a letter or digit, at most 63 characters. */
public record GeneratorName(String value) implements Comparable<GeneratorName> {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public GeneratorName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("generator name " + quoted(value) + " is not valid: use a-z, 0-9 and -, "
                    + "starting with a letter or digit, at most 63 characters");
        }
    }

    public static GeneratorName of(String value) {
        return new GeneratorName(value);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    static String quoted(String value) {
        return value == null ? "(none)" : "\"" + value + "\"";
    }

    @Override
    public int compareTo(GeneratorName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
