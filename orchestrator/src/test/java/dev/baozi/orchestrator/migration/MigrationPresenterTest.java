package dev.baozi.orchestrator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.ui.view.MigrationView;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the migration page words a plan and lays out the steps of a timeline. */
class MigrationPresenterTest {

    private static final OffsetDateTime T = OffsetDateTime.of(2026, 12, 3, 20, 0, 0, 0, ZoneOffset.UTC);

    private static Migration at(MigrationStatus status, MigrationStep step) {
        return new Migration(1, 1, "shop", "sim-a", new MigrationTarget("sim-b", "10.1.0.0/24", "local-lvm", "vmbr0"), status, step, null,
                null, null, "user:olga", T, T, null, 3);
    }

    private static StepRecord entry(MigrationStep step, StepRecord.Outcome outcome, String by, Map<String, String> details) {
        return new StepRecord(0, step, outcome, by, T, T.plusSeconds(5), details);
    }

    private static MigrationView.Step step(List<MigrationView.Step> steps, String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void durations_read_in_the_two_largest_units() {
        assertThat(MigrationPresenter.duration(Duration.ofSeconds(12))).isEqualTo("12 s");
        assertThat(MigrationPresenter.duration(Duration.ofSeconds(95))).isEqualTo("1 min 35 s");
        assertThat(MigrationPresenter.duration(Duration.ofMinutes(125))).isEqualTo("2 h 5 min");
        assertThat(MigrationPresenter.duration(Duration.ofHours(71))).isEqualTo("2 d 23 h");
        assertThat(MigrationPresenter.duration(Duration.ofSeconds(-3))).isEqualTo("0 s");
    }

    @Test
    void a_running_migration_shows_done_current_and_coming_steps_with_a_log_detail_as_lines_and_a_run_as_a_link() {
        var timeline = List.of(
                entry(MigrationStep.PLAN, StepRecord.Outcome.DONE, null, Map.of("address", "10.1.0.7")),
                entry(MigrationStep.PLAN, StepRecord.Outcome.APPROVED, "user:abe", Map.of("comment", "fine")),
                entry(MigrationStep.BACKUP, StepRecord.Outcome.DONE, null, Map.of()),
                entry(MigrationStep.LOWER_TTL, StepRecord.Outcome.WAITING, null, Map.of()),
                entry(MigrationStep.CUTOVER, StepRecord.Outcome.DONE, null, Map.of("log", "one\ntwo\r\nthree", "task", "UPID:1")),
                entry(MigrationStep.ADOPT, StepRecord.Outcome.PENDING, null, Map.of("run", "12")));

        var steps = MigrationPresenter.steps(at(MigrationStatus.RUNNING, MigrationStep.ADOPT), timeline);

        assertThat(steps).extracting(MigrationView.Step::name).containsExactly("plan", "backup", "lower_ttl", "cutover", "adopt",
                "start_verify", "switch_dns", "soak", "decommission");
        assertThat(steps).extracting(MigrationView.Step::state).containsExactly("done", "done", "done", "done", "current", "todo", "todo",
                "todo", "todo");
        assertThat(step(steps, "adopt").status().label()).isEqualTo("running");
        assertThat(step(steps, "plan").entries()).extracting(MigrationView.Entry::outcome).containsExactly("done", "approved");
        var cutover = step(steps, "cutover").entries().getFirst();
        assertThat(cutover.log()).containsExactly("one", "two", "three");
        assertThat(cutover.details()).containsExactly(new MigrationView.Detail("task", "UPID:1", null));
        assertThat(step(steps, "adopt").entries().getFirst().details()).containsExactly(new MigrationView.Detail("run", "12", "/runs/12"));
        assertThat(step(steps, "adopt").startedAt()).isEqualTo("2026-12-03 20:00:00 UTC");
    }

    @Test
    void a_rolled_back_migration_shows_where_it_turned_back_and_forward_steps_it_never_reached() {
        var timeline = List.of(
                entry(MigrationStep.PLAN, StepRecord.Outcome.DONE, null, Map.of()),
                entry(MigrationStep.PLAN, StepRecord.Outcome.APPROVED, "user:abe", Map.of()),
                entry(MigrationStep.BACKUP, StepRecord.Outcome.REFUSED, null, Map.of("message", "no space on local")),
                entry(MigrationStep.BACKUP, StepRecord.Outcome.ROLLBACK, "user:abe", Map.of()),
                entry(MigrationStep.ROLLBACK_START_SOURCE, StepRecord.Outcome.DONE, null, Map.of()),
                entry(MigrationStep.ROLLBACK_DNS, StepRecord.Outcome.DONE, null, Map.of()),
                entry(MigrationStep.ROLLBACK_STATE, StepRecord.Outcome.DONE, null, Map.of()),
                entry(MigrationStep.ROLLBACK_RELEASE_TARGET, StepRecord.Outcome.DONE, null, Map.of()),
                entry(MigrationStep.ROLLBACK_TTL, StepRecord.Outcome.DONE, null, Map.of()));

        var steps = MigrationPresenter.steps(at(MigrationStatus.ROLLED_BACK, MigrationStep.ROLLBACK_TTL), timeline);

        assertThat(steps).hasSize(14);
        assertThat(step(steps, "plan").state()).isEqualTo("done");
        assertThat(step(steps, "backup").state()).isEqualTo("stopped");
        assertThat(step(steps, "backup").entries().getFirst().details()).containsExactly(
                new MigrationView.Detail("message", "no space on local", null));
        assertThat(step(steps, "cutover").state()).isEqualTo("skipped");
        assertThat(steps.subList(9, 14)).allMatch(s -> s.state().equals("done"));
    }

    @Test
    void a_plan_reads_as_sentences_and_knows_when_a_check_failed() {
        var plan = new MigrationPlan("10.1.0.7", new MigrationPlan.TargetVm("pve1", 101, "local-lvm", "vmbr0"), List.of(),
                new MigrationPlan.Ttl(3600, 60), "vzdump", 95, List.of(new MigrationPlan.Finding("storage", false,
                        "storage local-lvm on pve-b has 12 GiB free, the disk needs 32 GiB")));

        var shown = MigrationPresenter.plan(plan, true);

        assertThat(shown.targetVm()).isEqualTo("VM 101 on node pve1, disk on local-lvm, network on vmbr0");
        assertThat(shown.ttl()).isEqualTo("lowered from 3600 s to 60 s before the cutover, restored after");
        assertThat(shown.downtime()).isEqualTo("about 1 min 35 s");
        assertThat(shown.failed()).isTrue();
        assertThat(MigrationPresenter.plan(null, false)).isNull();
    }
}
