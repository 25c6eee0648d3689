package dev.baozi.orchestrator.state;

import java.util.regex.Pattern;

/** A workspace name: {@code [a-z0-9][a-z0-9-_]{0,62}}, so it is safe in URLs, OpenBao paths and file names. */
public record WorkspaceName(String value) {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public WorkspaceName {
        if (!isValid(value)) {
            throw new IllegalArgumentException("invalid workspace name");
        }
    }

    public static boolean isValid(String raw) {
        return raw != null && VALID.matcher(raw).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
