package dev.baozi.vars.store;

import java.util.regex.Pattern;

/** A deployment (one workspace's machine): a-z, 0-9, {@code -} and {@code _}, starting with a letter or digit, at most 63 characters. */
public record DeploymentName(String value) {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public DeploymentName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("deployment name " + (value == null ? "(none)" : "\"" + value + "\"")
                    + " is not valid: use a-z, 0-9, - and _, starting with a letter or digit, at most 63 characters");
        }
    }

    public static DeploymentName of(String value) {
        return new DeploymentName(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
