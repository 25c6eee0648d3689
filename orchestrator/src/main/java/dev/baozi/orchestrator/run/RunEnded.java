package dev.baozi.orchestrator.run;

/**
 * How a run ends: the status it ends in and why. A step that ends a run before its pipeline is
 * through throws it; it is handled in one place ({@link RunExecutor}).
 */
public final class RunEnded extends Exception {

    private final RunStatus status;
    private final String reason;
    private final String canceledBy;

    private RunEnded(RunStatus status, String reason, String canceledBy) {
        super(status.wire() + (reason == null ? "" : ": " + reason), null, false, false);
        this.status = status;
        this.reason = reason;
        this.canceledBy = canceledBy;
    }

    /** The run ends errored, {@code reason} saying what was happening. */
    public static RunEnded errored(String reason) {
        return new RunEnded(RunStatus.ERRORED, reason, null);
    }

    /** The run ends canceled: "interrupted at the request of olga", "killed". */
    public static RunEnded canceled(boolean killed, String by) {
        return new RunEnded(RunStatus.CANCELED, (killed ? "killed" : "interrupted") + (by == null ? "" : " at the request of " + by), by);
    }

    /** The plan found nothing to change: the run ends planned_no_changes. */
    public static RunEnded noChanges() {
        return new RunEnded(RunStatus.PLANNED_NO_CHANGES, null, null);
    }

    /** Every step of the apply did its job: the run ends applied. */
    public static RunEnded applied() {
        return new RunEnded(RunStatus.APPLIED, null, null);
    }

    public RunStatus status() {
        return status;
    }

    /** Why, in plain words; null when the run ended as it should (applied, or no changes). */
    public String reason() {
        return reason;
    }

    /** Who asked for the cancel (null if nobody did or the run was not canceled). */
    public String canceledBy() {
        return canceledBy;
    }

    /** What the run records as its error: the reason, "canceled: " first for a cancel. */
    String recorded() {
        return status == RunStatus.CANCELED ? "canceled: " + reason : reason;
    }
}
