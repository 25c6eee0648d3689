package dev.baozi.orchestrator.auth;

import java.util.Locale;

/**
 * What a person's password must be: 12 to 1024 characters, and not the user name (nor contain
 * it, for names of four characters or more; a shorter name would forbid too much). Length, not
 * composition rules, is what NIST SP 800-63B asks for.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 1024;
    private static final int MIN_NAME_TO_MATCH_INSIDE = 4;

    private PasswordPolicy() {}

    /** Why {@code password} is not acceptable for {@code userName}, as a sentence; null when it is. */
    public static String check(String userName, String password) {
        if (password == null || password.isEmpty()) {
            return "a password is required";
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            return "a password needs at least " + MIN_LENGTH + " characters";
        }
        if (length > MAX_LENGTH) {
            return "a password may have at most " + MAX_LENGTH + " characters";
        }
        if (userName != null && !userName.isBlank()) {
            String name = userName.strip().toLowerCase(Locale.ROOT);
            String lower = password.toLowerCase(Locale.ROOT);
            if (lower.equals(name) || (name.length() >= MIN_NAME_TO_MATCH_INSIDE && lower.contains(name))) {
                return "a password must not contain the user name";
            }
        }
        return null;
    }
}
