package dev.baozi.orchestrator.migration;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * How a step's work ended, as its {@link MigrationActions} method reports it. {@code details} go
 * on the migration's timeline ("backup": "local:backup/vzdump-qemu-101.vma.zst"); a {@code log} detail
 * (lines joined by newlines: a transfer task's log) shows on the migration page as the step's log,
 * and a {@code run} detail (a run id) links to that run. Refusals are
 * results, not errors: an exception from a step is a fault, and pauses the migration all the same.
 */
public sealed interface StepResult {

    /** The step is done; the migration goes on to the next one. */
    record Done(Map<String, String> details) implements StepResult {
        public Done {
            details = Map.copyOf(details);
        }
    }

    /** The step is done, and the migration holds until {@code until} (the old TTL passing); an approver may skip it. */
    record Wait(String why, OffsetDateTime until, Map<String, String> details) implements StepResult {
        public Wait {
            details = Map.copyOf(details);
        }
    }

    /**
     * The step is not done yet and is called again later ({@code why}: "run 42 awaits approval",
     * "transfer task UPID:… runs"); its method must take the repeat.
     */
    record Pending(String why, Map<String, String> details) implements StepResult {
        public Pending {
            details = Map.copyOf(details);
        }
    }

    /** The step cannot go on: {@code message} says what and where; the migration pauses until retried. */
    record Refused(String message) implements StepResult {}

    static Done done() {
        return new Done(Map.of());
    }
}
