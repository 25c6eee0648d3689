package dev.baozi.orchestrator.run;

/**
 * What an extension planned beside tofu for a run (octoDNS's plan of the DNS records, say), as
 * stored with the run: its {@code kind}, the JSON document its apply works from, how many
 * changes it makes, why approving it needs force ({@code forceReason}, null if it does not),
 * and whether the approval forced it.
 */
public record SidePlan(String kind, String document, int changes, String forceReason, boolean forced) {

    public boolean hasChanges() {
        return changes > 0;
    }

    public boolean needsForce() {
        return forceReason != null;
    }

    /** Where a side plan's apply goes relative to tofu's when the run creates or changes; a destroy reverses it. */
    public enum Order {
        BEFORE_TOFU, AFTER_TOFU;

        /** Whether the apply goes before tofu's in a run that destroys ({@code destroy}) or not. */
        public boolean beforeTofu(boolean destroy) {
            return (this == BEFORE_TOFU) != destroy;
        }
    }
}
