package dev.baozi.orchestrator.run;

/** How many resources a plan creates, updates in place, destroys and replaces. */
public record PlanSummary(int adds, int changes, int destroys, int replaces) {
    public boolean hasChanges() {
        return adds + changes + destroys + replaces > 0;
    }

    /** Destroying or replacing anything needs an explicit confirmation on approval. */
    public boolean destructive() {
        return destroys + replaces > 0;
    }
}
