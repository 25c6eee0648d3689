package dev.baozi.orchestrator.migration;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The steps of a migration, forward ({@link #FORWARD}) and back ({@link #ROLLBACK}), each with the
 * gate a person's decision puts on it.
 */
public enum MigrationStep {
    PLAN(Gate.APPROVE_RESULT),
    BACKUP(Gate.NONE),
    LOWER_TTL(Gate.NONE),
    CUTOVER(Gate.APPROVE_START),
    ADOPT(Gate.RUN),
    START_VERIFY(Gate.NONE),
    SWITCH_DNS(Gate.APPROVE_START),
    SOAK(Gate.NONE),
    DECOMMISSION(Gate.APPROVE_START),
    ROLLBACK_START_SOURCE(Gate.NONE),
    ROLLBACK_DNS(Gate.NONE),
    ROLLBACK_STATE(Gate.NONE),
    ROLLBACK_RELEASE_TARGET(Gate.NONE),
    ROLLBACK_TTL(Gate.NONE);

    /** What a person must decide about a step. */
    public enum Gate {
        /** Nothing: the step runs when the one before it is done. */
        NONE,
        /** The step runs, then waits for an approver to accept what it found (the plan). */
        APPROVE_RESULT,
        /** The step waits for an approver before it starts. */
        APPROVE_START,
        /** The step's work is a run, approved like any run (its own approval, by the run rules). */
        RUN
    }

    public static final List<MigrationStep> FORWARD = List.of(PLAN, BACKUP, LOWER_TTL, CUTOVER, ADOPT, START_VERIFY, SWITCH_DNS,
            SOAK, DECOMMISSION);
    public static final List<MigrationStep> ROLLBACK = List.of(ROLLBACK_START_SOURCE, ROLLBACK_DNS, ROLLBACK_STATE,
            ROLLBACK_RELEASE_TARGET, ROLLBACK_TTL);

    private final Gate gate;

    MigrationStep(Gate gate) {
        this.gate = gate;
    }

    public Gate gate() {
        return gate;
    }

    public boolean isRollback() {
        return ROLLBACK.contains(this);
    }

    /** The step after this one in its sequence; empty after the last. */
    public Optional<MigrationStep> next() {
        List<MigrationStep> sequence = isRollback() ? ROLLBACK : FORWARD;
        int at = sequence.indexOf(this);
        return at + 1 < sequence.size() ? Optional.of(sequence.get(at + 1)) : Optional.empty();
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MigrationStep fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** The step named {@code s} ("cutover"); empty for a name that is not a step. */
    public static Optional<MigrationStep> parse(String s) {
        return Arrays.stream(values()).filter(v -> v.wire().equals(s)).findFirst();
    }
}
