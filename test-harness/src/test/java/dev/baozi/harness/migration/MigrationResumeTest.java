package dev.baozi.harness.migration;

import static dev.baozi.orchestrator.db.jooq.Tables.PROVIDER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.ApiClient;
import dev.baozi.harness.Deadline;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.migration.Migration;
import dev.baozi.orchestrator.migration.MigrationActions;
import dev.baozi.orchestrator.migration.MigrationPlan;
import dev.baozi.orchestrator.migration.PlanResult;
import dev.baozi.orchestrator.migration.StepResult;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A migration cut off mid-step by the orchestrator dying resumes when the next orchestrator starts
 * over the same database: the real start-up (recover, then the migration worker), a real OpenBao,
 * and steps whose work is a fake that dies once in the middle of the cutover.
 */
@Tag("openbao")
class MigrationResumeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static OpenBaoServer bao;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
    }

    @AfterAll
    static void stop() {
        bao.close();
    }

    /** Every step done at once; the cutover dies once (the worker thread ends without recording the step's end). */
    private static final class Steps implements MigrationActions {
        final AtomicBoolean dieInCutover = new AtomicBoolean();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        private StepResult done(String step) {
            calls.add(step);
            return new StepResult.Done(Map.of());
        }

        @Override
        public PlanResult plan(Migration m) {
            calls.add("plan");
            return new PlanResult.Planned(new MigrationPlan("10.1.0.7", new MigrationPlan.TargetVm("pve1", 101, "local-lvm", "vmbr0"),
                    List.of(), new MigrationPlan.Ttl(300, 60), "vzdump", 60, List.of(new MigrationPlan.Finding("storage", true, "ok"))));
        }

        @Override
        public StepResult backup(Migration m) {
            return done("backup");
        }

        @Override
        public StepResult lowerTtl(Migration m) {
            return done("lower_ttl");
        }

        @Override
        public StepResult cutover(Migration m) {
            calls.add("cutover");
            if (dieInCutover.getAndSet(false)) {
                throw new Error("the orchestrator dies in the middle of the transfer");
            }
            return new StepResult.Done(Map.of("task", "UPID:pve1:1"));
        }

        @Override
        public StepResult adopt(Migration m) {
            return done("adopt");
        }

        @Override
        public StepResult startVerify(Migration m) {
            return done("start_verify");
        }

        @Override
        public StepResult switchDns(Migration m) {
            return done("switch_dns");
        }

        @Override
        public StepResult soak(Migration m) {
            return done("soak");
        }

        @Override
        public StepResult decommission(Migration m) {
            return done("decommission");
        }

        @Override
        public StepResult startSource(Migration m) {
            return done("rollback_start_source");
        }

        @Override
        public StepResult dnsBack(Migration m) {
            return done("rollback_dns");
        }

        @Override
        public StepResult stateBack(Migration m) {
            return done("rollback_state");
        }

        @Override
        public StepResult releaseTarget(Migration m) {
            return done("rollback_release_target");
        }

        @Override
        public StepResult restoreTtl(Migration m) {
            return done("rollback_ttl");
        }
    }

    private static JsonNode await(ApiClient client, long id, String what, java.util.function.Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        Deadline.await("migration " + id + " " + what, WAIT, () -> {
            last[0] = client.get("/workspaces/web/migrations/" + id).body();
            return condition.test(last[0]);
        });
        return last[0];
    }

    private static boolean at(JsonNode m, String status, String step) {
        return m.path("status").asText().equals(status) && m.path("step").asText().equals(step);
    }

    @Test
    void a_migration_cut_off_in_the_middle_of_its_cutover_resumes_when_the_next_orchestrator_starts() {
        var env = Map.of("BAOZI_DB_URL", "jdbc:h2:mem:migration-resume-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        var first = new Steps();
        first.dieInCutover.set(true);
        long id;
        try (Orchestrator orchestrator = TestSupport.orchestrator(bao, env, new Orchestrator.Extras(UnaryOperator.identity(), List.of(), first))) {
            var dsl = orchestrator.database().dsl();
            for (String name : List.of("sim-a", "sim-b")) {
                dsl.insertInto(PROVIDER).set(PROVIDER.NAME, name).set(PROVIDER.ENDPOINT, "https://" + name + ".invalid:8006")
                        .set(PROVIDER.TOKEN_ID, "baozi@pve!t").set(PROVIDER.TLS_MODE, "insecure").set(PROVIDER.DEFAULT_NODE, "pve1")
                        .set(PROVIDER.CREATED_BY, "test").set(PROVIDER.CREATED_AT, OffsetDateTime.now()).execute();
            }
            new WorkspaceRepository(dsl).insert("web", "deployment", ApiClient.JSON.createObjectNode(), "1.12.6", "test",
                    OffsetDateTime.now(), "sim-a");
            var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
            var operator = admin.user("mover", "operator");
            var approver = admin.user("checker", "approver");

            var created = operator.post("/workspaces/web/migrations", Map.of("target_provider", "sim-b", "target_pool", "10.1.0.0/24",
                    "target_storage", "local-lvm", "target_bridge", "vmbr0"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            id = created.body().path("id").asLong();
            await(operator, id, "awaits approval of its plan", m -> at(m, "awaiting_approval", "plan"));
            assertThat(approver.post("/workspaces/web/migrations/" + id + "/approve", Map.of("step", "plan")).status()).isEqualTo(200);
            await(operator, id, "awaits approval of its cutover", m -> at(m, "awaiting_approval", "cutover"));
            assertThat(approver.post("/workspaces/web/migrations/" + id + "/approve", Map.of("step", "cutover")).status()).isEqualTo(200);
            JsonNode cut = await(operator, id, "has its cutover cut off", m -> first.calls.contains("cutover")
                    && m.path("steps").get(m.path("steps").size() - 1).path("outcome").asText().equals("running"));
            assertThat(cut.path("status").asText()).isEqualTo("running");
        }

        var second = new Steps();
        try (Orchestrator orchestrator = TestSupport.orchestrator(bao, env, new Orchestrator.Extras(UnaryOperator.identity(), List.of(), second))) {
            var admin = new ApiClient(orchestrator.port(), TestStack.ADMIN_TOKEN);
            JsonNode resumed = await(admin, id, "resumes its cutover and awaits approval of its DNS switch",
                    m -> at(m, "awaiting_approval", "switch_dns"));

            assertThat(second.calls).containsExactly("cutover", "adopt", "start_verify");
            List<String> cutover = new ArrayList<>();
            resumed.path("steps").forEach(s -> {
                if (s.path("step").asText().equals("cutover")) {
                    cutover.add(s.path("outcome").asText());
                }
            });
            assertThat(cutover).containsExactly("approved", "interrupted", "done");
        }
    }
}
