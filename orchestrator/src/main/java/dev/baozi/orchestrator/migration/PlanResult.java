package dev.baozi.orchestrator.migration;

/** How the plan step ended: a plan to show for approval, or a refusal saying what is missing. */
public sealed interface PlanResult {

    record Planned(MigrationPlan plan) implements PlanResult {}

    record Refused(String message) implements PlanResult {}
}
