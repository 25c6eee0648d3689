package dev.baozi.vars.definition;

import java.util.regex.Pattern;

/**
 * One file a generator makes: its name, whether it is secret (never shown, never a tofu input)
 * and whether it is delivered to the deployment's machine (a CA's private key, say, is not).
 */
public record FileSpec(String name, boolean secret, boolean deploy) {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public FileSpec {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("file name " + GeneratorName.quoted(name) + " is not valid: use letters, "
                    + "digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters");
        }
    }

    public static FileSpec secret(String name) {
        return new FileSpec(name, true, true);
    }

    public static FileSpec open(String name) {
        return new FileSpec(name, false, true);
    }

    public static boolean isValidName(String name) {
        return name != null && VALID.matcher(name).matches() && !name.contains("..");
    }
}
