package dev.baozi.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.workspace.GeneratedFiles;
import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run pipeline's rules with a fake tofu (no process starts): the order of side applies around
 * tofu, cancel while waiting for a slot or while tofu runs, timeouts, and how each step's failure
 * ends the run. One in-memory H2 holds the runs.
 */
class RunPipelineTest {

    private static final String SHOW = """
            {"format_version":"1.2","resource_changes":[{"address":"terraform_data.a","type":"terraform_data","name":"a",
             "change":{"actions":["create"],"before":null,"after":{"input":"x"}}}]}
            """;
    private static final String DESTROY_SHOW = """
            {"format_version":"1.2","resource_changes":[{"address":"terraform_data.a","type":"terraform_data","name":"a",
             "change":{"actions":["delete"],"before":{"input":"x"},"after":null}}]}
            """;
    private static final String STATE_TOKEN = "bzs_state-token-that-must-never-show";

    private static Database database;
    private static RunRepository runs;
    private static SidePlanRepository sidePlans;
    private static RunLogRepository logs;
    private static int workspaces;

    @TempDir
    Path runsDir;

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private FakeTofu tofu;
    private Workspace workspace;

    @BeforeAll
    static void open() {
        database = Database.open(new BaoziConfig.Database("jdbc:h2:mem:run-pipeline-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                "sa", ""));
        runs = new RunRepository(database.dsl());
        sidePlans = new SidePlanRepository(database.dsl());
        logs = new RunLogRepository(database.dsl());
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @BeforeEach
    void workspace() {
        tofu = new FakeTofu();
        workspace = new WorkspaceRepository(database.dsl()).insert("pipe-" + ++workspaces, "demo",
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(), "1.12.6", "admin", OffsetDateTime.now(), null);
    }

    // --- fakes ---

    /** Answers each tofu command as scripted; records each call in {@link #events}. */
    private final class FakeTofu implements Tofu {
        final Map<String, Tofu.Outcome> outcomes = new HashMap<>();
        final Map<String, List<String>> lines = new HashMap<>();
        String show = SHOW;
        /** A command that runs until it is interrupted or killed. */
        String blocking;
        /** What happens when a command is prepared, before it runs (between two tofu calls). */
        final Map<String, Runnable> onPrepare = new HashMap<>();
        /** What happens while a command runs (it ends normally all the same, as a call that finished just then). */
        final Map<String, Runnable> onRun = new HashMap<>();
        final CountDownLatch blocked = new CountDownLatch(1);

        @Override
        public Running prepare(Call call) {
            onPrepare.getOrDefault(call.command(), () -> { }).run();
            var stop = new CountDownLatch(1);
            var how = new boolean[2]; // interrupted, killed: set by another thread, read after the latch
            return new Running() {
                @Override
                public Outcome run(Consumer<String> stdout, Consumer<String> stderr) {
                    String command = call.command();
                    events.add("tofu " + command);
                    onRun.getOrDefault(command, () -> { }).run();
                    assertThat(call.env()).containsEntry("TF_HTTP_PASSWORD", STATE_TOKEN);
                    lines.getOrDefault(command, List.of()).forEach(stdout);
                    if (command.equals(blocking)) {
                        blocked.countDown();
                        await(stop);
                        return new Outcome(130, how[0], how[1], false);
                    }
                    switch (command) {
                        case "plan" -> write(call.runDir().resolve("work").resolve(RunExecutor.PLAN_FILE), "plan-bytes");
                        case "show" -> stdout.accept(show.replace("\n", " "));
                        default -> { }
                    }
                    return outcomes.getOrDefault(command, Outcome.exited(command.equals("plan") ? 2 : 0));
                }

                @Override
                public void interrupt() {
                    how[0] = true;
                    stop.countDown();
                }

                @Override
                public void kill() {
                    how[1] = true;
                    stop.countDown();
                }
            };
        }
    }

    /** Keeps a plan file as it is, beside an empty key file (as the real vault's two files). */
    private static final SealedPlans PLAIN_VAULT = new SealedPlans() {
        @Override
        public void seal(byte[] plan, Path sealed) {
            write(sealed, new String(plan, StandardCharsets.UTF_8));
            write(sealed.resolveSibling(sealed.getFileName() + ".key.json"), "{}");
        }

        @Override
        public byte[] open(Path sealed) {
            try {
                return Files.readAllBytes(sealed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** A side plan kind of this test: "memo", applied after tofu (before it on destroy). */
    private final class Memo implements SidePlanner, SidePlanPresenter {
        int changes = 1;
        String forceReason;
        String refusePlan;
        String refuseApply;

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
            return SidePlan.Order.AFTER_TOFU;
        }

        @Override
        public Optional<Planned> plan(Run run, Workspace ws, Supplied supplied, Path dir, Consumer<String> log) throws RunSteps.Refused {
            events.add("memo plan");
            if (refusePlan != null) {
                throw new RunSteps.Refused(refusePlan);
            }
            return Optional.of(new Planned("{\"note\":\"hello\"}", changes, forceReason));
        }

        @Override
        public void apply(Run run, Workspace ws, SidePlan planned, Path dir, Consumer<String> log) throws RunSteps.Refused {
            events.add("memo apply" + (planned.forced() ? " (forced)" : ""));
            if (refuseApply != null) {
                throw new RunSteps.Refused(refuseApply);
            }
        }

        @Override
        public Table table(SidePlan plan) {
            return new Table("Memo", "No memo.", List.of("Change", "Note"), List.of(List.of("create", "hello")), List.of(), "Force it");
        }
    }

    private final Memo memo = new Memo();

    private final RunWorkspaces fakeWorkspaces = new RunWorkspaces() {
        @Override
        public Optional<Workspace> get(String name) {
            return Optional.of(workspace).filter(w -> w.name().equals(name));
        }

        @Override
        public String stateToken(Workspace ws) {
            return STATE_TOKEN;
        }

        @Override
        public List<String> secrets(Workspace ws) {
            return List.of();
        }

        @Override
        public GeneratedFiles files(Workspace ws, Supplied supplied) {
            return new GeneratedFiles(Map.of("main.tf.json", "{}".getBytes(StandardCharsets.UTF_8)), "a".repeat(64), "b".repeat(64),
                    Map.of());
        }
    };

    private RunExecutor executor(RunCredentials credentials, RunSteps steps) {
        var settings = new RunSettings(runsDir, Path.of("tofu"), runsDir.resolve("tofu.tfrc.json"), 1, Duration.ofSeconds(45),
                Duration.ofMinutes(30), Duration.ofSeconds(1), false);
        return new RunExecutor(runs, sidePlans, logs, new LogBus(), fakeWorkspaces, tofu, PLAIN_VAULT, settings, Clock.systemUTC(),
                credentials, steps, new SideKind.Registry(List.of(new SideKind(memo, memo))));
    }

    private RunExecutor executor() {
        return executor(RunCredentials.NONE, RunSteps.NONE);
    }

    // --- helpers ---

    private Run planning(boolean destroy) {
        Run run = runs.insert(workspace.id(), destroy, "olga", OffsetDateTime.now());
        runs.transition(run.id(), RunStatus.QUEUED, RunStatus.PLANNING, OffsetDateTime.now());
        return runs.get(run.id()).orElseThrow();
    }

    /** Plans a run, approves it (forcing what needs force) and moves it to applying. */
    private Run applying(RunExecutor executor, boolean destroy) {
        Run run = planning(destroy);
        executor.plan(run);
        assertThat(status(run)).isEqualTo(RunStatus.PLANNED);
        sidePlans.force(run.id(), java.util.Set.of("memo"));
        runs.decide(run.id(), RunStatus.APPROVED, "abe", "", true, OffsetDateTime.now());
        runs.transition(run.id(), RunStatus.APPROVED, RunStatus.APPLYING, OffsetDateTime.now());
        events.clear();
        return runs.get(run.id()).orElseThrow();
    }

    private RunStatus status(Run run) {
        return runs.get(run.id()).orElseThrow().status();
    }

    private String error(Run run) {
        return runs.get(run.id()).orElseThrow().error();
    }

    private List<String> log(Run run) {
        return logs.after(run.id(), 0).stream().map(l -> l.step() + ": " + l.line()).toList();
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).as("the test's latch").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} until it holds, for at most ten seconds. */
    private static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    // --- the rules ---

    @Test
    void a_plan_runs_init_plan_show_then_the_side_plans_and_ends_planned_with_both_recorded() {
        Run run = planning(false);

        executor().plan(run);

        assertThat(events).containsExactly("tofu init", "tofu plan", "tofu show", "memo plan");
        assertThat(status(run)).isEqualTo(RunStatus.PLANNED);
        assertThat(sidePlans.ofRun(run.id())).containsExactly(new SidePlan("memo", "{\"note\":\"hello\"}", 1, null, false));
        assertThat(log(run)).last().isEqualTo("baozi: plan ready: 1 to add, 0 to change, 0 to replace, 0 to destroy;"
                + " 1 memo change(s); waiting for approval");
        assertThat(Files.exists(runsDir.resolve(run.id() + "/" + RunExecutor.SEALED_PLAN))).isTrue();
        assertThat(Files.exists(runsDir.resolve(run.id() + "/work/" + RunExecutor.PLAN_FILE))).as("the plain plan file").isFalse();
    }

    @Test
    void a_plan_that_changes_nothing_in_tofu_nor_in_a_side_plan_ends_planned_no_changes_and_keeps_no_plan() {
        tofu.outcomes.put("plan", Tofu.Outcome.exited(0));
        memo.changes = 0;
        Run run = planning(false);

        executor().plan(run);

        assertThat(status(run)).isEqualTo(RunStatus.PLANNED_NO_CHANGES);
        assertThat(error(run)).isNull();
        assertThat(log(run)).last().isEqualTo("baozi: run planned_no_changes");
        assertThat(runsDir.resolve(Long.toString(run.id()))).doesNotExist();
    }

    @Test
    void a_side_plan_alone_makes_a_run_planned_and_its_apply_runs_no_tofu_apply() {
        tofu.outcomes.put("plan", Tofu.Outcome.exited(0));
        RunExecutor executor = executor();
        Run run = applying(executor, false);

        executor.apply(run);

        assertThat(events).containsExactly("tofu init", "memo apply");
        assertThat(status(run)).isEqualTo(RunStatus.APPLIED);
    }

    @Test
    void on_create_the_side_applies_come_after_tofu_applies() {
        RunExecutor executor = executor();
        Run run = applying(executor, false);

        executor.apply(run);

        assertThat(events).containsExactly("tofu init", "tofu apply", "memo apply");
        assertThat(status(run)).isEqualTo(RunStatus.APPLIED);
        assertThat(log(run)).last().isEqualTo("baozi: run applied");
        assertThat(runsDir.resolve(Long.toString(run.id()))).as("everything the run left on disk").doesNotExist();
    }

    @Test
    void on_destroy_the_side_applies_come_before_tofu_destroys() {
        tofu.show = DESTROY_SHOW;
        RunExecutor executor = executor();
        Run run = applying(executor, true);

        executor.apply(run);

        assertThat(events).containsExactly("tofu init", "memo apply", "tofu apply");
        assertThat(status(run)).isEqualTo(RunStatus.APPLIED);
    }

    @Test
    void a_side_plan_that_needs_force_is_applied_with_the_force_its_approval_recorded() {
        memo.forceReason = "over the memo's thresholds";
        RunExecutor executor = executor();
        Run run = planning(false);
        executor.plan(run);
        assertThat(log(run)).last().asString().contains("1 memo change(s) that need force (over the memo's thresholds;"
                + " approve with force: [\"memo\"])");
        sidePlans.force(run.id(), java.util.Set.of("memo"));
        runs.decide(run.id(), RunStatus.APPROVED, "abe", "", false, OffsetDateTime.now());
        runs.transition(run.id(), RunStatus.APPROVED, RunStatus.APPLYING, OffsetDateTime.now());

        executor.apply(runs.get(run.id()).orElseThrow());

        assertThat(events).endsWith("tofu apply", "memo apply (forced)");
    }

    @Test
    void a_side_apply_failing_after_tofu_applied_names_both_in_the_runs_error() {
        memo.refuseApply = "the memo store is read-only";
        RunExecutor executor = executor();
        Run run = applying(executor, false);

        executor.apply(run);

        assertThat(status(run)).isEqualTo(RunStatus.ERRORED);
        assertThat(error(run)).isEqualTo("the memo step failed after tofu applied (1 to add, 0 to change, 0 to replace, 0 to destroy):"
                + " the memo store is read-only; queue a new run to finish it");
    }

    @Test
    void a_side_apply_failing_before_a_destroy_says_nothing_was_destroyed_and_tofu_does_not_run() {
        tofu.show = DESTROY_SHOW;
        memo.refuseApply = "the memo store is read-only";
        RunExecutor executor = executor();
        Run run = applying(executor, true);

        executor.apply(run);

        assertThat(events).containsExactly("tofu init", "memo apply");
        assertThat(error(run)).isEqualTo("the memo step failed, so nothing was destroyed: the memo store is read-only");
    }

    @Test
    void on_destroy_the_before_apply_steps_run_after_the_plan_checks_and_before_the_side_applies_and_tofu() {
        tofu.show = DESTROY_SHOW;
        RunExecutor executor = executor(RunCredentials.NONE, new RunSteps() {
            @Override
            public void beforeApply(Run run, Workspace ws, java.util.function.Consumer<String> log) {
                events.add("before apply" + (run.destroy() ? " (destroy)" : ""));
                log.accept("backed up what the destroy removes");
            }
        });
        Run run = applying(executor, true);

        executor.apply(run);

        assertThat(events).containsExactly("tofu init", "before apply (destroy)", "memo apply", "tofu apply");
        assertThat(log(run)).contains("baozi: backed up what the destroy removes");
        assertThat(status(run)).isEqualTo(RunStatus.APPLIED);
    }

    @Test
    void a_before_apply_step_refusing_a_destroy_ends_it_errored_with_nothing_destroyed_and_no_side_apply_or_tofu() {
        tofu.show = DESTROY_SHOW;
        RunExecutor executor = executor(RunCredentials.NONE, new RunSteps() {
            @Override
            public void beforeApply(Run run, Workspace ws, java.util.function.Consumer<String> log) throws Refused {
                throw new Refused("backing up the VM before destroying it: storage local is full");
            }
        });
        Run run = applying(executor, true);

        executor.apply(run);

        assertThat(events).containsExactly("tofu init");
        assertThat(status(run)).isEqualTo(RunStatus.ERRORED);
        assertThat(error(run)).isEqualTo("backing up the VM before destroying it: storage local is full; nothing was destroyed");
    }

    @Test
    void a_tofu_apply_failing_before_the_side_applies_says_they_did_not_run() {
        RunExecutor executor = executor();
        Run run = applying(executor, false);
        tofu.outcomes.put("apply", Tofu.Outcome.exited(1));
        tofu.lines.put("apply", List.of("{\"@level\":\"error\",\"@message\":\"Error: the disk is full\"}"));

        executor.apply(run);

        assertThat(events).containsExactly("tofu init", "tofu apply");
        assertThat(error(run)).isEqualTo("tofu apply failed: Error: the disk is full; the memo step did not run");
    }

    @Test
    void a_tofu_step_that_times_out_ends_the_run_errored_naming_the_step_and_its_timeout() {
        RunExecutor executor = executor();
        Run run = applying(executor, false);
        tofu.outcomes.put("apply", new Tofu.Outcome(130, true, false, true));

        executor.apply(run);

        assertThat(status(run)).isEqualTo(RunStatus.ERRORED);
        assertThat(error(run)).isEqualTo("tofu apply timed out after 30min and was stopped");
        assertThat(events).doesNotContain("memo apply");
    }

    @Test
    void a_cancel_while_the_run_waits_for_a_tofu_slot_ends_it_canceled_before_any_tofu_runs() throws Exception {
        RunExecutor executor = executor();
        Run run = planning(false);
        var full = new TofuSlot() {
            @Override
            public boolean take(BooleanSupplier stop) {
                until("the cancel", stop);
                return false;
            }

            @Override
            public Optional<String> full() {
                return Optional.of("1 of 1 in use");
            }
        };
        Thread planner = Thread.ofVirtual().start(() -> executor.plan(run, full));
        until("the run to wait for a slot", () -> executor.waitsForSlot(run.id()));

        assertThat(executor.requestCancel(run.id(), "olga", false)).isTrue();
        planner.join(Duration.ofSeconds(10));

        assertThat(events).isEmpty();
        assertThat(status(run)).isEqualTo(RunStatus.CANCELED);
        assertThat(error(run)).isEqualTo("canceled: interrupted at the request of olga");
        assertThat(log(run)).containsExactly("baozi: waiting for a tofu slot (1 of 1 in use)",
                "baozi: run canceled: interrupted at the request of olga");
        assertThat(executor.waitsForSlot(run.id())).isFalse();
    }

    @Test
    void a_cancel_while_tofu_runs_interrupts_it_and_a_forced_one_kills_it() throws Exception {
        for (boolean force : List.of(false, true)) {
            tofu = new FakeTofu();
            tofu.blocking = "plan";
            RunExecutor executor = executor();
            Run run = planning(false);
            Thread planner = Thread.ofVirtual().start(() -> executor.plan(run));
            await(tofu.blocked);

            assertThat(executor.requestCancel(run.id(), "olga", force)).isTrue();
            planner.join(Duration.ofSeconds(10));

            assertThat(status(run)).isEqualTo(RunStatus.CANCELED);
            assertThat(error(run)).isEqualTo("canceled: " + (force ? "killed" : "interrupted") + " at the request of olga");
        }
    }

    @Test
    void a_cancel_between_two_tofu_calls_ends_the_run_canceled_before_the_next_one_starts() {
        RunExecutor executor = executor();
        Run run = planning(false);
        tofu.onPrepare.put("plan", () -> assertThat(executor.requestCancel(run.id(), "olga", false)).isTrue());

        executor.plan(run);

        assertThat(status(run)).isEqualTo(RunStatus.CANCELED);
        assertThat(error(run)).isEqualTo("canceled: interrupted at the request of olga");
        assertThat(events).contains("tofu init").doesNotContain("tofu plan");
    }

    @Test
    void a_cancel_after_the_last_tofu_call_of_a_plan_ends_it_canceled_not_planned() {
        RunExecutor executor = executor();
        Run run = planning(false);
        // show is the plan's last tofu call; it ends normally as the cancel comes, which then waits for the plan's end
        tofu.onRun.put("show", () -> assertThat(executor.requestCancel(run.id(), "olga", false)).isTrue());

        executor.plan(run);

        assertThat(events).contains("tofu show");
        assertThat(status(run)).isEqualTo(RunStatus.CANCELED);
        assertThat(error(run)).isEqualTo("canceled: interrupted at the request of olga");
        assertThat(executor.requestCancel(run.id(), "olga", false)).as("an ended run is not executing").isFalse();
    }

    @Test
    void a_cancel_when_nothing_runs_is_refused() {
        assertThat(executor().requestCancel(planning(false).id(), "olga", false)).isFalse();
    }

    @Test
    void each_failing_plan_step_ends_the_run_errored_with_its_own_reason() {
        record Case(String step, Runnable arrange, String error) {}
        List<Case> cases = List.of(
                new Case("init", () -> tofu.outcomes.put("init", Tofu.Outcome.exited(1)), "tofu init failed (exit 1)"),
                new Case("plan", () -> {
                    tofu.outcomes.put("plan", Tofu.Outcome.exited(1));
                    tofu.lines.put("plan", List.of("{\"@level\":\"error\",\"@message\":\"Error: Unsupported argument\","
                            + "\"diagnostic\":{\"detail\":\"An argument named \\\"cpus\\\" is not expected here.\"}}"));
                }, "tofu plan failed: Error: Unsupported argument: An argument named \"cpus\" is not expected here."),
                new Case("show", () -> tofu.outcomes.put("show", Tofu.Outcome.exited(1)), "tofu show failed (exit 1)"),
                new Case("side plans", () -> memo.refusePlan = "planning the memo: no room", "planning the memo: no room"));
        for (Case c : cases) {
            tofu = new FakeTofu();
            memo.refusePlan = null;
            c.arrange().run();
            Run run = planning(false);

            executor().plan(run);

            assertThat(status(run)).as(c.step()).isEqualTo(RunStatus.ERRORED);
            assertThat(error(run)).as(c.step()).isEqualTo(c.error());
            assertThat(log(run)).as(c.step()).last().isEqualTo("baozi: run errored: " + c.error());
            assertThat(runsDir.resolve(Long.toString(run.id()))).as(c.step()).doesNotExist();
        }
    }

    @Test
    void credentials_that_cannot_be_had_and_a_refusal_before_tofu_end_the_run_errored_before_any_tofu_runs() {
        Run noCredentials = planning(false);
        executor((ws, dir) -> {
            throw new IllegalStateException("provider pve is unreachable");
        }, RunSteps.NONE).plan(noCredentials);
        Run refused = planning(false);
        executor(RunCredentials.NONE, new RunSteps() {
            @Override
            public Supplied beforePlan(Run run, Workspace ws, Consumer<String> log) throws Refused {
                throw new Refused("pool 10.0.0.0/30 is exhausted");
            }
        }).plan(refused);

        assertThat(events).isEmpty();
        assertThat(error(noCredentials)).startsWith("getting the credentials of provider ").endsWith(" for this run: provider pve is unreachable");
        assertThat(error(refused)).isEqualTo("pool 10.0.0.0/30 is exhausted");
    }

    @Test
    void an_apply_whose_plan_was_discarded_says_so() {
        memo.changes = 0;
        RunExecutor executor = executor();
        Run run = applying(executor, false);
        executor.discardPlan(run.id());

        executor.apply(run);

        assertThat(events).isEmpty();
        assertThat(error(run)).isEqualTo("no saved plan for run " + run.id() + " (was it discarded?)");
    }

    @Test
    void the_state_token_tofu_is_given_never_reaches_the_log() {
        RunExecutor executor = executor();
        Run run = applying(executor, false);
        tofu.lines.put("apply", List.of("using token " + STATE_TOKEN));

        executor.apply(run);

        assertThat(log(run)).contains("apply: using token (redacted)");
        assertThat(String.join("\n", log(run))).doesNotContain(STATE_TOKEN);
    }
}
