package dev.baozi.orchestrator.migration;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Map;

/**
 * One entry of a migration's timeline: an attempt of a step (started, then ended with its outcome
 * and details), or a person's decision on it ({@code by}: who).
 */
public record StepRecord(long id, MigrationStep step, Outcome outcome, String by, OffsetDateTime startedAt,
        OffsetDateTime endedAt, Map<String, String> details) {

    /** How an entry ended. */
    public enum Outcome {
        /** Started and not ended: running now, or cut off by a crash until the orchestrator starts again. */
        RUNNING,
        DONE,
        WAITING,
        PENDING,
        REFUSED,
        /** The orchestrator stopped while the step ran; it runs again. */
        INTERRUPTED,
        /** A person's decisions. */
        APPROVED,
        SKIPPED,
        RETRIED,
        ROLLBACK;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Outcome fromWire(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }
}
