package dev.baozi.orchestrator.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.MovableClock;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The migration workflow's rules with a fake of the steps' work (no Proxmox, NetBox or DNS): the
 * order of the steps, who approves what, refusals and retries, rollback, and resuming after a crash
 * at every step boundary. One in-memory H2 holds the migrations; a movable clock stands in for waits.
 */
class MigrationPipelineTest {

    private static final MigrationTarget TARGET = new MigrationTarget("sim-b", "10.1.0.0/24", "local-lvm", "vmbr0");
    private static final Principal ALICE = new Principal.User(1, "alice", Role.OPERATOR);
    private static final Principal BOB = new Principal.User(2, "bob", Role.APPROVER);
    private static final MigrationSettings SETTINGS = new MigrationSettings(false, Duration.ofDays(7), Duration.ofSeconds(5));
    private static final List<String> FORWARD_CALLS = List.of("plan", "backup", "lower_ttl", "cutover", "adopt", "adopt",
            "start_verify", "switch_dns", "soak", "decommission");
    private static final List<String> ROLLBACK_CALLS = MigrationStep.ROLLBACK.stream().map(MigrationStep::wire).toList();

    private static Database database;
    private static AuditRepository audit;
    private static int workspaces;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private FakeMigrationActions fake;
    private MigrationRepository repository;
    private MigrationRunner runner;
    private MigrationService service;
    private Workspace workspace;

    @BeforeAll
    static void open() {
        database = Database.open(new BaoziConfig.Database("jdbc:h2:mem:migration-pipeline-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                "sa", ""));
        audit = new AuditRepository(database.dsl(), java.time.Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        audit.close();
        database.close();
    }

    @BeforeEach
    void workspace() {
        fake = new FakeMigrationActions(clock);
        repository = new MigrationRepository(database.dsl());
        runner = restart(fake);
        service = new MigrationService(repository, name -> name.startsWith("sim-"), audit, SETTINGS, () -> { }, clock);
        workspace = new WorkspaceRepository(database.dsl()).insert("move-" + ++workspaces, "deployment",
                new ObjectMapper().createObjectNode(), "1.12.6", "alice", OffsetDateTime.now(clock), "sim-a");
    }

    /** A new orchestrator's runner over the same database: what starts after a crash. */
    private MigrationRunner restart(MigrationActions actions) {
        return new MigrationRunner(new MigrationRepository(database.dsl()), actions, audit, SETTINGS, clock);
    }

    private Migration create() {
        var outcome = service.create(workspace, TARGET, ALICE);
        assertThat(outcome).isInstanceOf(MigrationService.CreateOutcome.Created.class);
        return ((MigrationService.CreateOutcome.Created) outcome).migration();
    }

    private Migration get(Migration m) {
        return repository.get(m.id()).orElseThrow();
    }

    private Migration done(MigrationService.Decision decision) {
        assertThat(decision).isInstanceOf(MigrationService.Decision.Done.class);
        return ((MigrationService.Decision.Done) decision).migration();
    }

    private Migration approve(Migration m, MigrationStep step) {
        return done(service.approve(m.id(), step, BOB, "looks right", step == MigrationStep.DECOMMISSION));
    }

    /**
     * Settles the runner and, while the migration is not where {@code stop} says, does what a person
     * and time would: approves the step it waits at, lets waits pass, applies the adopt run.
     * A crash restarts the runner, as a new orchestrator would.
     */
    private Migration drive(Migration m, java.util.function.Predicate<Migration> stop) {
        for (int i = 0; i < 60; i++) {
            try {
                runner.settle();
            } catch (FakeMigrationActions.Crash crash) {
                runner = restart(fake);
                runner.recover();
                continue;
            }
            Migration now = get(m);
            if (stop.test(now) || now.status().isFinal()) {
                return now;
            }
            switch (now.status()) {
                case AWAITING_APPROVAL -> approve(now, now.step());
                case WAITING -> clock.advance(Duration.between(OffsetDateTime.now(clock), now.wakeAt()).plusSeconds(1));
                case RUNNING -> {
                    fake.adoptRunApplied = true;
                    clock.advance(SETTINGS.poll());
                }
                case PAUSED -> throw new AssertionError("migration paused at " + now.step().wire() + ": " + now.message());
                default -> throw new AssertionError(now.status());
            }
        }
        throw new AssertionError("migration " + m.id() + " did not settle: " + get(m));
    }

    private Migration driveToEnd(Migration m) {
        return drive(m, x -> false);
    }

    private Migration driveTo(Migration m, MigrationStep step) {
        return drive(m, x -> x.step() == step);
    }

    private List<StepRecord.Outcome> outcomes(Migration m, MigrationStep step) {
        return repository.timeline(m.id()).stream().filter(r -> r.step() == step).map(StepRecord::outcome).toList();
    }

    @Test
    void a_migration_goes_through_its_steps_in_order_stopping_for_each_approval_and_wait() {
        Migration m = create();
        assertThat(m.status()).isEqualTo(MigrationStatus.RUNNING);
        assertThat(m.step()).isEqualTo(MigrationStep.PLAN);

        runner.settle();
        m = get(m);
        assertThat(m.status()).isEqualTo(MigrationStatus.AWAITING_APPROVAL);
        assertThat(m.step()).isEqualTo(MigrationStep.PLAN);
        assertThat(m.plan().reservedAddress()).isEqualTo("10.1.0.7");
        assertThat(m.plan().targetVm()).isEqualTo(new MigrationPlan.TargetVm("pve-b", 101, "local-lvm", "vmbr0"));
        assertThat(fake.calls).containsExactly("plan");

        approve(m, MigrationStep.PLAN);
        runner.settle();
        m = get(m);
        assertThat(m.status()).isEqualTo(MigrationStatus.WAITING);
        assertThat(m.step()).isEqualTo(MigrationStep.LOWER_TTL);
        assertThat(m.wakeAt()).isEqualTo(OffsetDateTime.now(clock).plusSeconds(3600));
        assertThat(m.message()).startsWith("the old TTL (3600 s) passes at ");
        assertThat(fake.world).containsEntry("backup", "local:backup/vzdump-qemu-100.vma.zst").containsEntry("ttl", "60");

        clock.advance(Duration.ofMinutes(59));
        runner.settle();
        assertThat(get(m).status()).as("the old TTL has not passed yet").isEqualTo(MigrationStatus.WAITING);
        clock.advance(Duration.ofMinutes(1));
        runner.settle();
        m = get(m);
        assertThat(m.status()).isEqualTo(MigrationStatus.AWAITING_APPROVAL);
        assertThat(m.step()).isEqualTo(MigrationStep.CUTOVER);
        assertThat(fake.world).containsEntry("vm", "a");

        approve(m, MigrationStep.CUTOVER);
        runner.settle();
        m = get(m);
        assertThat(m.status()).isEqualTo(MigrationStatus.RUNNING);
        assertThat(m.step()).isEqualTo(MigrationStep.ADOPT);
        assertThat(m.message()).isEqualTo("run 7 awaits approval");
        assertThat(m.wakeAt()).isEqualTo(OffsetDateTime.now(clock).plusSeconds(5));
        assertThat(fake.world).containsEntry("vm", "b");

        fake.adoptRunApplied = true;
        runner.settle();
        assertThat(get(m).step()).as("a pending step is called again after the poll interval, not at once").isEqualTo(MigrationStep.ADOPT);
        clock.advance(Duration.ofSeconds(5));
        runner.settle();
        m = get(m);
        assertThat(m.status()).isEqualTo(MigrationStatus.AWAITING_APPROVAL);
        assertThat(m.step()).isEqualTo(MigrationStep.SWITCH_DNS);

        approve(m, MigrationStep.SWITCH_DNS);
        runner.settle();
        m = get(m);
        assertThat(m.status()).isEqualTo(MigrationStatus.WAITING);
        assertThat(m.step()).isEqualTo(MigrationStep.SOAK);
        assertThat(m.wakeAt()).isEqualTo(OffsetDateTime.now(clock).plusDays(7));
        assertThat(fake.world).containsEntry("dns", "b").containsEntry("source", "stopped");

        clock.advance(Duration.ofDays(7));
        runner.settle();
        m = get(m);
        assertThat(m.status()).isEqualTo(MigrationStatus.AWAITING_APPROVAL);
        assertThat(m.step()).isEqualTo(MigrationStep.DECOMMISSION);

        approve(m, MigrationStep.DECOMMISSION);
        runner.settle();
        m = get(m);
        assertThat(m.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(m.finishedAt()).isNotNull();
        assertThat(fake.calls).containsExactlyElementsOf(FORWARD_CALLS);
        assertThat(fake.world).containsEntry("source", "gone").containsEntry("ttl", "3600").doesNotContainKey("backup");
        assertThat(repository.timeline(m.id())).filteredOn(r -> r.outcome() == StepRecord.Outcome.APPROVED)
                .extracting(r -> r.step().wire() + " by " + r.by())
                .containsExactly("plan by user:bob", "cutover by user:bob", "switch_dns by user:bob", "decommission by user:bob");
        assertThat(outcomes(m, MigrationStep.ADOPT)).containsExactly(StepRecord.Outcome.PENDING, StepRecord.Outcome.DONE);
    }

    @Test
    void the_person_who_asked_for_a_migration_may_not_approve_its_steps_or_its_rollback() {
        Migration m = create();
        runner.settle();
        Principal aliceAsApprover = new Principal.User(1, "alice", Role.APPROVER);

        var approval = service.approve(m.id(), MigrationStep.PLAN, aliceAsApprover, "", false);
        var rollback = service.rollback(m.id(), aliceAsApprover, "");

        assertThat(approval).isInstanceOf(MigrationService.Decision.Forbidden.class);
        assertThat(((MigrationService.Decision.Forbidden) approval).reason())
                .isEqualTo("migration " + m.id() + " was asked for by user:alice, who may not also approve its steps; ask another approver");
        assertThat(rollback).isInstanceOf(MigrationService.Decision.Forbidden.class);
        assertThat(get(m).status()).isEqualTo(MigrationStatus.AWAITING_APPROVAL);
        var selfApproving = new MigrationService(repository, name -> true, audit,
                new MigrationSettings(true, Duration.ofDays(7), Duration.ofSeconds(5)), () -> { }, clock);
        assertThat(selfApproving.approve(m.id(), MigrationStep.PLAN, aliceAsApprover, "", false))
                .as("with self-approval on, they may").isInstanceOf(MigrationService.Decision.Done.class);
    }

    @Test
    void a_step_is_approved_only_while_the_migration_waits_at_it() {
        Migration m = create();

        var beforePlan = service.approve(m.id(), MigrationStep.PLAN, BOB, "", false);
        runner.settle();
        var wrongStep = service.approve(m.id(), MigrationStep.CUTOVER, BOB, "", false);

        assertThat(beforePlan).isInstanceOf(MigrationService.Decision.WrongState.class);
        assertThat(((MigrationService.Decision.WrongState) beforePlan).reason())
                .isEqualTo("migration " + m.id() + " is running at plan; step plan is not awaiting approval");
        assertThat(((MigrationService.Decision.WrongState) wrongStep).reason())
                .isEqualTo("migration " + m.id() + " is awaiting_approval at plan; step cutover is not awaiting approval");
    }

    @Test
    void decommission_needs_confirm_destroy() {
        Migration m = driveTo(create(), MigrationStep.DECOMMISSION);
        assertThat(m.status()).isEqualTo(MigrationStatus.AWAITING_APPROVAL);

        var unconfirmed = service.approve(m.id(), MigrationStep.DECOMMISSION, BOB, "", false);

        assertThat(unconfirmed).isInstanceOf(MigrationService.Decision.NeedsConfirmation.class);
        assertThat(((MigrationService.Decision.NeedsConfirmation) unconfirmed).reason()).contains("destroys the VM of "
                + workspace.name() + " on sim-a").endsWith("approve with confirm_destroy: true if that is intended");
        assertThat(fake.calls).doesNotContain("decommission");
    }

    @Test
    void a_refused_step_pauses_the_migration_with_its_message_and_a_retry_runs_it_again() {
        fake.refuseOnce.put(MigrationStep.CUTOVER, "remote migrate to pve-b: storage local-lvm has 12 GiB free, the disk needs 32 GiB");
        Migration m = driveTo(create(), MigrationStep.CUTOVER);
        approve(m, MigrationStep.CUTOVER);
        runner.settle();
        m = get(m);

        assertThat(m.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(m.step()).isEqualTo(MigrationStep.CUTOVER);
        assertThat(m.message()).isEqualTo("remote migrate to pve-b: storage local-lvm has 12 GiB free, the disk needs 32 GiB");
        assertThat(fake.world).as("nothing moved").containsEntry("vm", "a");
        assertThat(runner.settle()).as("a paused migration stays paused").isZero();

        done(service.retry(m.id(), ALICE));
        m = driveToEnd(m);

        assertThat(m.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(outcomes(m, MigrationStep.CUTOVER)).containsExactly(StepRecord.Outcome.APPROVED, StepRecord.Outcome.REFUSED,
                StepRecord.Outcome.RETRIED, StepRecord.Outcome.DONE);
    }

    @Test
    void a_step_that_throws_pauses_the_migration_saying_what_failed_and_a_retry_runs_it_again() {
        fake.throwOnce.put(MigrationStep.BACKUP, "vzdump on pve-a: task UPID:pve-a:9 ended with 'storage full'");
        Migration m = create();
        runner.settle();
        approve(get(m), MigrationStep.PLAN);
        runner.settle();
        m = get(m);

        assertThat(m.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(m.message()).startsWith("the backup step failed: vzdump on pve-a: task UPID:pve-a:9 ended with 'storage full'");

        done(service.retry(m.id(), ALICE));
        assertThat(driveToEnd(m).status()).isEqualTo(MigrationStatus.COMPLETED);
    }

    @Test
    void a_plan_with_a_failed_capacity_check_pauses_naming_it_and_cannot_be_approved() {
        fake.findings = List.of(new MigrationPlan.Finding("storage", false, "local-lvm on pve-b has 12 GiB free, the disk needs 32 GiB"),
                new MigrationPlan.Finding("bridge", true, "vmbr0 exists on pve-b"));
        Migration m = create();
        runner.settle();
        m = get(m);

        assertThat(m.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(m.message()).isEqualTo("the target cannot take this deployment: storage: local-lvm on pve-b has 12 GiB free,"
                + " the disk needs 32 GiB");
        assertThat(m.plan().findings()).hasSize(2);
        assertThat(service.approve(m.id(), MigrationStep.PLAN, BOB, "", false)).isInstanceOf(MigrationService.Decision.WrongState.class);

        fake.findings = List.of(new MigrationPlan.Finding("storage", true, "local-lvm on pve-b has 80 GiB free"));
        done(service.retry(m.id(), ALICE));
        runner.settle();
        assertThat(get(m).status()).isEqualTo(MigrationStatus.AWAITING_APPROVAL);
    }

    @Test
    void an_approver_may_skip_the_wait_for_the_old_ttl_and_only_a_waiting_migration_has_one() {
        Migration m = create();
        assertThat(service.skipWait(m.id(), BOB, "")).isInstanceOf(MigrationService.Decision.WrongState.class);
        m = driveTo(m, MigrationStep.LOWER_TTL);
        runner.settle();
        assertThat(get(m).status()).isEqualTo(MigrationStatus.WAITING);

        done(service.skipWait(m.id(), BOB, "maintenance window"));
        runner.settle();
        m = get(m);

        assertThat(m.status()).isEqualTo(MigrationStatus.AWAITING_APPROVAL);
        assertThat(m.step()).isEqualTo(MigrationStep.CUTOVER);
        assertThat(repository.timeline(m.id())).filteredOn(r -> r.outcome() == StepRecord.Outcome.SKIPPED)
                .extracting(StepRecord::step, StepRecord::by, StepRecord::details)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MigrationStep.LOWER_TTL, "user:bob", Map.of("comment", "maintenance window")));
    }

    /**
     * Every forward step a rollback may start from: while the step runs (all but decommission), and
     * while the migration stops at it (awaiting approval, waiting, or pending).
     */
    static Stream<Arguments> rollbackPoints() {
        Stream<Arguments> running = MigrationStep.FORWARD.stream().filter(s -> s != MigrationStep.DECOMMISSION)
                .map(s -> Arguments.of(s, true));
        Stream<Arguments> stopped = Stream.of(MigrationStep.PLAN, MigrationStep.LOWER_TTL, MigrationStep.CUTOVER, MigrationStep.ADOPT,
                MigrationStep.SWITCH_DNS, MigrationStep.SOAK, MigrationStep.DECOMMISSION).map(s -> Arguments.of(s, false));
        return Stream.concat(running, stopped);
    }

    @ParameterizedTest(name = "{0}, while it runs: {1}")
    @MethodSource("rollbackPoints")
    void a_rollback_from_any_step_before_decommission_runs_the_rollback_steps_and_ends_back_on_the_source(MigrationStep from,
            boolean whileItRuns) {
        Migration m;
        int before;
        if (whileItRuns) {
            fake.during.put(from, running -> done(service.rollback(running.id(), BOB, "the app misbehaves on sim-b")));
            m = drive(create(), x -> x.step().isRollback());
            before = fake.calls.lastIndexOf(from.wire()) + 1;
        } else {
            m = driveTo(create(), from);
            assertThat(m.status()).isNotEqualTo(MigrationStatus.PAUSED);
            before = fake.calls.size();
            done(service.rollback(m.id(), BOB, "the app misbehaves on sim-b"));
        }
        m = driveToEnd(m);

        assertThat(m.status()).isEqualTo(MigrationStatus.ROLLED_BACK);
        assertThat(m.step()).isEqualTo(MigrationStep.ROLLBACK_TTL);
        assertThat(fake.calls.subList(before, fake.calls.size())).containsExactlyElementsOf(ROLLBACK_CALLS);
        assertThat(fake.world).containsEntry("vm", "a").containsEntry("source", "running").containsEntry("dns", "a")
                .containsEntry("state", "a").containsEntry("ttl", "3600").doesNotContainKey("reserved");
        assertThat(repository.timeline(m.id())).filteredOn(r -> r.outcome() == StepRecord.Outcome.ROLLBACK)
                .extracting(StepRecord::step, StepRecord::by).containsExactly(org.assertj.core.groups.Tuple.tuple(from, "user:bob"));
        assertThat(repository.unfinished(workspace.id())).as("a rolled back migration is finished").isEmpty();
    }

    @Test
    void a_paused_migration_may_be_rolled_back_instead_of_retried_and_a_paused_rollback_step_is_retried() {
        fake.refuseOnce.put(MigrationStep.CUTOVER, "remote migrate to pve-b: no route between sim-a and sim-b");
        fake.refuseOnce.put(MigrationStep.ROLLBACK_DNS, "octoDNS sync of example.org: PowerDNS does not answer");
        Migration m = driveTo(create(), MigrationStep.CUTOVER);
        approve(m, MigrationStep.CUTOVER);
        runner.settle();
        assertThat(get(m).status()).isEqualTo(MigrationStatus.PAUSED);

        done(service.rollback(m.id(), BOB, "give up"));
        runner.settle();
        Migration paused = get(m);
        var again = service.rollback(m.id(), BOB, "");
        done(service.retry(m.id(), ALICE));
        runner.settle();

        assertThat(paused.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(paused.step()).isEqualTo(MigrationStep.ROLLBACK_DNS);
        assertThat(paused.message()).isEqualTo("octoDNS sync of example.org: PowerDNS does not answer");
        assertThat(((MigrationService.Decision.WrongState) again).reason()).endsWith("it is already rolling back");
        assertThat(get(m).status()).isEqualTo(MigrationStatus.ROLLED_BACK);
        assertThat(fake.world).containsEntry("vm", "a").containsEntry("dns", "a").containsEntry("source", "running");
    }

    @Test
    void a_rollback_is_refused_once_decommission_has_started_and_after_the_migration_ended() {
        fake.refuseOnce.put(MigrationStep.DECOMMISSION, "destroying VM 100 on pve-a: the node does not answer");
        Migration m = driveTo(create(), MigrationStep.DECOMMISSION);
        approve(m, MigrationStep.DECOMMISSION);
        runner.settle();
        assertThat(get(m).status()).isEqualTo(MigrationStatus.PAUSED);

        var started = service.rollback(m.id(), BOB, "");
        done(service.retry(m.id(), ALICE));
        runner.settle();
        var ended = service.rollback(m.id(), BOB, "");

        assertThat(((MigrationService.Decision.WrongState) started).reason()).isEqualTo("migration " + m.id()
                + " is paused at decommission; decommission has started, so the source VM may be gone and there is nothing to roll back to");
        assertThat(((MigrationService.Decision.WrongState) ended).reason()).isEqualTo("migration " + m.id()
                + " is completed at decommission; a finished migration is not rolled back");
        assertThat(fake.calls).doesNotContainAnyElementsOf(ROLLBACK_CALLS);
    }

    @Test
    void a_rollback_while_a_step_runs_wins_and_that_steps_end_is_still_on_the_timeline() {
        fake.during.put(MigrationStep.CUTOVER, running -> done(service.rollback(running.id(), BOB, "stop")));
        Migration m = driveTo(create(), MigrationStep.CUTOVER);
        approve(m, MigrationStep.CUTOVER);

        m = driveToEnd(m);

        assertThat(m.status()).isEqualTo(MigrationStatus.ROLLED_BACK);
        assertThat(outcomes(m, MigrationStep.CUTOVER)).containsExactly(StepRecord.Outcome.APPROVED, StepRecord.Outcome.DONE,
                StepRecord.Outcome.ROLLBACK);
        assertThat(fake.calls).doesNotContain("adopt");
        assertThat(fake.world).containsEntry("vm", "a").containsEntry("source", "running");
    }

    @Test
    void a_workspace_has_at_most_one_unfinished_migration_and_the_database_holds_it_to_that() {
        Migration first = create();

        var second = service.create(workspace, TARGET, ALICE);
        var direct = repository.insert(workspace.id(), "sim-a", TARGET, "user:alice", OffsetDateTime.now(clock));

        assertThat(second).isInstanceOf(MigrationService.CreateOutcome.Conflict.class);
        assertThat(((MigrationService.CreateOutcome.Conflict) second).reason()).isEqualTo("workspace " + workspace.name()
                + " already has an unfinished migration (" + first.id() + ", running at plan); finish or roll it back first");
        assertThat(direct).as("the unique constraint, without the service's check").isEmpty();

        assertThat(driveToEnd(first).status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(service.create(workspace, new MigrationTarget("sim-c", "10.2.0.0/24", "local", "vmbr1"), ALICE))
                .as("once it is finished, another may start").isInstanceOf(MigrationService.CreateOutcome.Created.class);
        assertThat(repository.forWorkspace(workspace.id())).hasSize(2);
    }

    @Test
    void a_migration_is_refused_for_a_workspace_on_no_provider_an_unknown_target_or_the_same_provider() {
        Workspace bare = new WorkspaceRepository(database.dsl()).insert("bare-" + ++workspaces, "demo",
                new ObjectMapper().createObjectNode(), "1.12.6", "alice", OffsetDateTime.now(clock), null);

        assertThat(service.create(bare, TARGET, ALICE)).isEqualTo(new MigrationService.CreateOutcome.Conflict("workspace "
                + bare.name() + " runs on no provider; only a deployment on a provider can move to another"));
        assertThat(service.create(workspace, new MigrationTarget("nowhere", "p", "s", "b"), ALICE))
                .isEqualTo(new MigrationService.CreateOutcome.Invalid("target_provider: no provider named 'nowhere'"));
        assertThat(service.create(workspace, new MigrationTarget("sim-a", "p", "s", "b"), ALICE))
                .isEqualTo(new MigrationService.CreateOutcome.Invalid("target_provider: workspace " + workspace.name()
                        + " already runs on sim-a; name another provider"));
    }

    @Test
    void the_orchestrators_own_actions_refuse_the_plan_saying_they_are_not_available_yet() {
        runner = restart(MigrationActions.NOT_AVAILABLE);
        Migration m = create();

        runner.settle();
        m = get(m);

        assertThat(m.status()).isEqualTo(MigrationStatus.PAUSED);
        assertThat(m.message()).isEqualTo("the plan step of migrations is not available yet in this orchestrator; nothing was changed"
                + " on sim-a or sim-b");
    }

    /** Every step, forward and back, with a crash before its work and after it. */
    static Stream<Arguments> crashes() {
        return Stream.of(MigrationStep.values()).flatMap(step -> Stream.of(Arguments.of(step, true), Arguments.of(step, false)));
    }

    @ParameterizedTest(name = "{0}, crash before its work: {1}")
    @MethodSource("crashes")
    void a_migration_cut_off_by_a_crash_at_a_step_boundary_resumes_on_a_new_orchestrator_and_ends_where_it_would_have(
            MigrationStep step, boolean beforeItsWork) {
        boolean rollback = step.isRollback();
        Reference reference = reference(rollback);
        fake = new FakeMigrationActions(clock);
        runner = restart(fake);
        (beforeItsWork ? fake.crashBefore : fake.crashAfter).add(step);

        Migration m = create();
        if (rollback) {
            m = driveTo(m, MigrationStep.SWITCH_DNS);
            approve(m, MigrationStep.SWITCH_DNS);
            done(service.rollback(m.id(), BOB, ""));
        }
        m = driveToEnd(m);

        assertThat(fake.crashBefore).as("the crash happened").isEmpty();
        assertThat(fake.crashAfter).isEmpty();
        assertThat(m.status()).isEqualTo(reference.end().status());
        assertThat(m.step()).isEqualTo(reference.end().step());
        assertThat(fake.world).isEqualTo(reference.world());
        assertThat(completed(m)).isEqualTo(reference.completed());
        assertThat(outcomes(m, step)).contains(StepRecord.Outcome.INTERRUPTED);
        assertThat(repository.timeline(m.id())).noneMatch(r -> r.outcome() == StepRecord.Outcome.RUNNING);
    }

    private record Reference(Migration end, Map<String, String> world, List<MigrationStep> completed) {}

    /** The same migration without a crash, on a workspace of its own. */
    private Reference reference(boolean rollback) {
        Migration m = create();
        if (rollback) {
            m = driveTo(m, MigrationStep.SWITCH_DNS);
            approve(m, MigrationStep.SWITCH_DNS);
            done(service.rollback(m.id(), BOB, ""));
        }
        m = driveToEnd(m);
        var reference = new Reference(m, Map.copyOf(fake.world), completed(m));
        workspace();
        return reference;
    }

    /** The steps the timeline shows done, in order. */
    private List<MigrationStep> completed(Migration m) {
        return repository.timeline(m.id()).stream()
                .filter(r -> r.outcome() == StepRecord.Outcome.DONE || r.outcome() == StepRecord.Outcome.WAITING).map(StepRecord::step)
                .distinct().toList();
    }

    @ParameterizedTest
    @EnumSource(value = MigrationStep.class, names = {"BACKUP", "CUTOVER", "ROLLBACK_DNS"})
    void a_step_cut_off_by_a_crash_is_shown_interrupted_until_the_next_orchestrator_runs_it_again(MigrationStep step) {
        fake.crashAfter.add(step);
        Migration m = create();
        if (step.isRollback()) {
            m = driveTo(m, MigrationStep.LOWER_TTL);
            done(service.rollback(m.id(), BOB, ""));
        }
        Migration cut = m;
        assertThatThrownBy(() -> drive(cut, x -> false, false)).isInstanceOf(FakeMigrationActions.Crash.class);
        assertThat(outcomes(m, step)).endsWith(StepRecord.Outcome.RUNNING);
        assertThat(get(m).status()).isEqualTo(MigrationStatus.RUNNING);

        runner = restart(fake);
        assertThat(runner.recover()).isEqualTo(1);

        assertThat(outcomes(m, step)).endsWith(StepRecord.Outcome.INTERRUPTED);
        runner.settle();
        assertThat(outcomes(m, step)).endsWith(StepRecord.Outcome.INTERRUPTED, StepRecord.Outcome.DONE);
    }

    /** As {@link #drive}, letting a crash through when {@code restartOnCrash} is false. */
    private Migration drive(Migration m, java.util.function.Predicate<Migration> stop, boolean restartOnCrash) {
        if (restartOnCrash) {
            return drive(m, stop);
        }
        for (int i = 0; i < 60; i++) {
            runner.settle();
            Migration now = get(m);
            if (stop.test(now) || now.status().isFinal()) {
                return now;
            }
            switch (now.status()) {
                case AWAITING_APPROVAL -> approve(now, now.step());
                case WAITING -> clock.advance(Duration.between(OffsetDateTime.now(clock), now.wakeAt()).plusSeconds(1));
                default -> throw new AssertionError(now);
            }
        }
        throw new AssertionError("did not settle");
    }
}
