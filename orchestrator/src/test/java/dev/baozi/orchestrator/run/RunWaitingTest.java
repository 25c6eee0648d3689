package dev.baozi.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs that wait say why, in the run's JSON and in its log: the real app on H2, the scheduler not
 * started (so nothing moves but what the test moves).
 */
class RunWaitingTest {

    private static final String ADMIN_TOKEN = "admin-test-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AppOnH2 h2;
    private Database database;
    private Orchestrator.Wiring wiring;
    private Javalin app;
    private String base;
    private RunRepository runs;
    private Workspace web;

    @BeforeEach
    void start() throws Exception {
        h2 = AppOnH2.start("run-waiting", Map.of("BAOZI_AUTH_ADMIN_TOKEN", ADMIN_TOKEN, "BAOZI_RUNS_MAX_CONCURRENT", "1"));
        database = h2.database();
        wiring = h2.wiring();
        app = h2.app();
        base = h2.base();
        runs = new RunRepository(database.dsl());
        web = new WorkspaceRepository(database.dsl()).insert("web", "demo", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6",
                "admin", OffsetDateTime.now(), null);
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private JsonNode get(String path) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path)).header("Authorization", "Bearer " + ADMIN_TOKEN).build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return StrictJsonMapper.objectMapper().readTree(response.body());
    }

    private Run planned() {
        Run run = runs.insert(web.id(), false, "olga", OffsetDateTime.now());
        runs.transition(run.id(), RunStatus.QUEUED, RunStatus.PLANNING, OffsetDateTime.now());
        runs.transition(run.id(), RunStatus.PLANNING, RunStatus.PLANNED, OffsetDateTime.now());
        return run;
    }

    @Test
    void a_run_queued_behind_a_planned_one_says_it_waits_for_that_approval_in_its_json_and_its_log() throws Exception {
        Run first = planned();

        Run second = wiring.runs().queue(web, false, new Principal.Admin());

        String why = "waiting behind run " + first.id() + ", which awaits approval";
        assertThat(get("/runs/" + second.id()).path("waiting").asText()).isEqualTo(why);
        assertThat(get("/workspaces/web/runs").path("runs").findValuesAsText("waiting")).containsExactly(why);
        assertThat(get("/runs/" + first.id()).has("waiting")).isFalse();

        wiring.scheduler().start(); // it notes the wait in the log of a run it cannot start
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (get("/runs/" + second.id() + "/logs").path("lines").isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(get("/runs/" + second.id() + "/logs").path("lines").findValuesAsText("line")).containsExactly(why);
        wiring.scheduler().wake();
        assertThat(get("/runs/" + second.id() + "/logs").path("lines").findValuesAsText("line")).as("noted once").containsExactly(why);
    }

    @Test
    void a_run_queued_behind_another_queued_run_names_that_run() throws Exception {
        planned();
        Run second = runs.insert(web.id(), false, "olga", OffsetDateTime.now());

        Run third = wiring.runs().queue(web, true, new Principal.Admin());

        assertThat(get("/runs/" + third.id()).path("waiting").asText())
                .isEqualTo("waiting behind run " + second.id() + ", which is queued before it");
    }

    @Test
    void an_approved_run_waits_for_a_tofu_slot_while_every_slot_is_taken() throws Exception {
        Run run = planned();
        runs.decide(run.id(), RunStatus.APPROVED, "abe", "ok", false, OffsetDateTime.now());
        assertThat(get("/runs/" + run.id()).has("waiting")).isFalse();

        RunScheduler.Slot slot = wiring.scheduler().new Slot();
        assertThat(slot.take(() -> false)).isTrue();
        try {
            assertThat(get("/runs/" + run.id()).path("waiting").asText()).isEqualTo("waiting for a tofu slot (1 of 1 in use)");
        } finally {
            slot.release();
        }
    }
}
