package dev.baozi.orchestrator.migration;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a migration stands on its current step. */
public enum MigrationStatus {
    /** The current step waits for an approver (before it starts, or to accept the plan it made). */
    AWAITING_APPROVAL,
    /** The current step is to run, or runs, or polls again at {@code wake_at} (a transfer, a run to apply). */
    RUNNING,
    /** The current step is done and the migration holds until {@code wake_at} (the old TTL, the soak); skippable. */
    WAITING,
    /** The current step was refused; {@code message} says what and where; retry runs it again. */
    PAUSED,
    /** Decommissioned: the deployment lives on the target alone. */
    COMPLETED,
    /** Every rollback step done: the deployment is back on its source. */
    ROLLED_BACK;

    public boolean isFinal() {
        return this == COMPLETED || this == ROLLED_BACK;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MigrationStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
