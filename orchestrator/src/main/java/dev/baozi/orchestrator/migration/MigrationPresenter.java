package dev.baozi.orchestrator.migration;

import dev.baozi.orchestrator.web.UiSupport;
import dev.baozi.ui.view.MigrationView;
import dev.baozi.ui.view.Status;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the migration page shows of a plan and a timeline: the plan in words, and every step of the
 * sequence (forward, then the rollback steps once it rolls back) with its state, times and entries,
 * each entry's details and its log lines (a {@code log} detail, one line per line).
 */
final class MigrationPresenter {

    /** The detail whose value is a step's log, one line per line. */
    static final String LOG = "log";

    private MigrationPresenter() {}

    /** The plan as shown; {@code review} when it is what the migration waits on (its plan step, not yet approved). */
    static MigrationView.Plan plan(MigrationPlan plan, boolean review) {
        if (plan == null) {
            return null;
        }
        MigrationPlan.TargetVm vm = plan.targetVm();
        String targetVm = vm == null ? "—" : "VM " + vm.vmid() + " on node " + vm.node() + ", disk on " + vm.storage() + ", network on "
                + vm.bridge();
        String ttl = plan.ttl() == null ? "—" : "lowered from " + plan.ttl().current() + " s to " + plan.ttl().lowered()
                + " s before the cutover, restored after";
        return new MigrationView.Plan(plan.reservedAddress(), targetVm,
                plan.dnsChanges().stream().map(d -> new MigrationView.DnsChange(d.name(), d.type(), d.from(), d.to())).toList(), ttl,
                plan.backup(), "about " + duration(Duration.ofSeconds(plan.expectedDowntimeSeconds())),
                plan.findings().stream().map(f -> new MigrationView.Finding(f.check(), f.ok(), f.detail())).toList(), review);
    }

    /** The sequence of steps with what the timeline says of each. */
    static List<MigrationView.Step> steps(Migration m, List<StepRecord> timeline) {
        boolean back = m.step().isRollback() || m.status() == MigrationStatus.ROLLED_BACK
                || timeline.stream().anyMatch(e -> e.outcome() == StepRecord.Outcome.ROLLBACK);
        List<MigrationStep> sequence = new ArrayList<>(MigrationStep.FORWARD);
        if (back) {
            sequence.addAll(MigrationStep.ROLLBACK);
        }
        List<MigrationView.Step> steps = new ArrayList<>();
        for (MigrationStep step : sequence) {
            List<StepRecord> entries = timeline.stream().filter(e -> e.step() == step).toList();
            boolean current = step == m.step();
            boolean done = entries.stream().anyMatch(e -> e.outcome() == StepRecord.Outcome.DONE || e.outcome() == StepRecord.Outcome.WAITING);
            String state;
            Status status;
            if (current && !m.status().isFinal()) {
                state = "current";
                status = MigrationPagesController.status(m.status());
            } else if (done || current) {
                state = "done";
                status = new Status("m-done", "done");
            } else if (back && !step.isRollback() && !entries.isEmpty()) {
                state = "stopped";
                status = new Status("m-stopped", "rolled back from here");
            } else {
                state = back && !step.isRollback() ? "skipped" : "todo";
                status = null;
            }
            OffsetDateTime started = entries.stream().map(StepRecord::startedAt).filter(t -> t != null).min(OffsetDateTime::compareTo)
                    .orElse(null);
            OffsetDateTime ended = entries.stream().map(StepRecord::endedAt).filter(t -> t != null).max(OffsetDateTime::compareTo)
                    .orElse(null);
            steps.add(new MigrationView.Step(step.wire(), MigrationPagesController.stepLabel(step), state, status,
                    UiSupport.when(started), UiSupport.when(ended), entries.stream().map(MigrationPresenter::entry).toList()));
        }
        return steps;
    }

    private static MigrationView.Entry entry(StepRecord e) {
        List<MigrationView.Detail> details = new ArrayList<>();
        List<String> log = List.of();
        for (Map.Entry<String, String> d : new TreeMap<>(e.details() == null ? Map.<String, String>of() : e.details()).entrySet()) {
            if (d.getKey().equals(LOG)) {
                log = Arrays.stream(d.getValue().split("\\R")).toList();
            } else {
                details.add(new MigrationView.Detail(d.getKey(), d.getValue(),
                        d.getKey().equals("run") && d.getValue().matches("\\d{1,18}") ? "/runs/" + d.getValue() : null));
            }
        }
        return new MigrationView.Entry(outcome(e.outcome()), e.by(), UiSupport.when(e.startedAt()), UiSupport.when(e.endedAt()), details,
                log);
    }

    /** An entry's outcome in words. */
    static String outcome(StepRecord.Outcome outcome) {
        return switch (outcome) {
            case RUNNING -> "running";
            case DONE -> "done";
            case WAITING -> "done, waiting";
            case PENDING -> "not done yet, looked at again later";
            case REFUSED -> "refused";
            case INTERRUPTED -> "interrupted (the orchestrator stopped); runs again";
            case APPROVED -> "approved";
            case SKIPPED -> "wait skipped";
            case RETRIED -> "retry asked";
            case ROLLBACK -> "rollback asked";
        };
    }

    /** A duration as a person reads it: "2 d 3 h", "59 min 40 s", "12 s". */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 86_400) {
            return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
        }
        if (s >= 3600) {
            return s / 3600 + " h " + s % 3600 / 60 + " min";
        }
        if (s >= 60) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s + " s";
    }
}
