package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Workspace;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An extension that plans beside tofu and applies exactly what it planned (the DNS records of a
 * deployment; later migration steps, app configuration, backups). A port of the run pipeline:
 * the run core knows a planner only by its {@link #kind()}.
 */
public interface SidePlanner {

    /** The plan a planner made: its document (JSON), its change count, and why it needs force (null if not). */
    record Planned(String document, int changes, String forceReason) {}

    /** Names the kind in storage, the API and the approval's force list: {@code dns}. */
    String kind();

    /** Names the step in sentences ("the DNS step failed"): {@code DNS}. */
    String label();

    /** Where its apply goes relative to tofu's when the run does not destroy. */
    SidePlan.Order order();

    /**
     * Plans beside tofu's plan of {@code run}, working in {@code dir}; empty when the workspace has
     * nothing of this kind. A refusal ({@link RunSteps.Refused}) ends the run errored.
     */
    Optional<Planned> plan(Run run, Workspace workspace, Supplied supplied, Path dir, Consumer<String> log) throws RunSteps.Refused;

    /** Applies {@code planned} as it was planned (and approved, {@code forced} or not); a refusal ends the run errored. */
    void apply(Run run, Workspace workspace, SidePlan planned, Path dir, Consumer<String> log) throws RunSteps.Refused;
}
