package dev.baozi.harness.sideplan;

import dev.baozi.orchestrator.run.Run;
import dev.baozi.orchestrator.run.RunSteps;
import dev.baozi.orchestrator.run.SideKind;
import dev.baozi.orchestrator.run.SidePlan;
import dev.baozi.orchestrator.run.SidePlanPresenter;
import dev.baozi.orchestrator.run.SidePlanner;
import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Workspace;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A second side plan kind, in test code only: "memo" writes a note about each run of a workspace
 * into a notebook (a list here), before tofu applies (after it on destroy). Its plans always need
 * force, so the approval's force list is exercised too.
 */
final class MemoKind implements SidePlanner, SidePlanPresenter {

    /** What the memo's applies wrote: each applied document, and whether it was forced. */
    record Written(long run, String document, boolean forced) {}

    final List<Written> notebook = new CopyOnWriteArrayList<>();

    /** The kind as the orchestrator's wiring takes it. */
    SideKind sideKind() {
        return new SideKind(this, this);
    }

    @Override
    public String kind() {
        return "memo";
    }

    @Override
    public String label() {
        return "memo";
    }

    @Override
    public SidePlan.Order order() {
        return SidePlan.Order.BEFORE_TOFU;
    }

    @Override
    public Optional<Planned> plan(Run run, Workspace workspace, Supplied supplied, Path dir, Consumer<String> log) {
        log.accept("planning a memo of run " + run.id());
        return Optional.of(new Planned("{\"note\":\"run " + run.id() + " of " + workspace.name() + "\"}", 1,
                "every memo is written by hand"));
    }

    @Override
    public void apply(Run run, Workspace workspace, SidePlan planned, Path dir, Consumer<String> log) throws RunSteps.Refused {
        log.accept("writing the memo of run " + run.id());
        notebook.add(new Written(run.id(), planned.document(), planned.forced()));
    }

    @Override
    public Table table(SidePlan plan) {
        String note = plan.document().replaceAll("^\\{\"note\":\"(.*)\"}$", "$1");
        return new Table("Memo", "No memo to write.", List.of("Change", "Note"), List.of(List.of("write", note)),
                List.of("Memos are kept in the test's notebook."), "Write this memo by hand");
    }
}
