package dev.baozi.orchestrator.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** What a person may do; each role includes the ones before it. */
public enum Role {
    /** Read workspaces, runs, plans and logs. */
    VIEWER,
    /** And create workspaces, queue and cancel runs. */
    OPERATOR,
    /** And approve or discard planned runs. */
    APPROVER,
    /** And manage users, tokens, locks and state versions. */
    ADMIN;

    public boolean includes(Role other) {
        return ordinal() >= other.ordinal();
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wire().equals(value)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("role must be one of viewer, operator, approver, admin; got '" + value + "'"));
    }
}
