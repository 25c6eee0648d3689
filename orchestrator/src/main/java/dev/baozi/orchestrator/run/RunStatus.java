package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Set;

/** Where a run is, in HCP Terraform's words. */
public enum RunStatus {
    QUEUED, PLANNING, PLANNED, PLANNED_NO_CHANGES, APPROVED, APPLYING, APPLIED, DISCARDED, CANCELED, ERRORED;

    /** States that hold the workspace: no other run of it may start planning meanwhile. */
    public static final Set<RunStatus> HOLDING = Set.of(PLANNING, PLANNED, APPROVED, APPLYING);

    public boolean isFinal() {
        return switch (this) {
            case PLANNED_NO_CHANGES, APPLIED, DISCARDED, CANCELED, ERRORED -> true;
            default -> false;
        };
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
