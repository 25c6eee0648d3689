package dev.baozi.orchestrator.migration;

import static dev.baozi.orchestrator.db.jooq.Tables.PROVIDER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/workspaces/{ws}/migrations} on the real app (H2; OpenBao unreachable) with a fake of
 * the steps' work; the test carries the migration forward itself ({@link MigrationRunner#settle}).
 */
class MigrationApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String BODY = """
            {"target_provider": "sim-b", "target_pool": "10.1.0.0/24", "target_storage": "local-lvm", "target_bridge": "vmbr0"}""";

    private AppOnH2 h2;
    private FakeMigrationActions fake;
    private String viewer;
    private String operator;
    private String approver;
    private String otherApprover;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeMigrationActions(Clock.systemUTC());
        h2 = AppOnH2.start("migration-api", Map.of(), new Orchestrator.Extras(UnaryOperator.identity(), List.of(), fake));
        AuthService auth = h2.auth();
        viewer = auth.issueUserToken(auth.createUser("vic", Role.VIEWER), "test");
        operator = auth.issueUserToken(auth.createUser("olga", Role.OPERATOR), "test");
        approver = auth.issueUserToken(auth.createUser("abe", Role.APPROVER), "test");
        otherApprover = auth.issueUserToken(auth.createUser("bea", Role.APPROVER), "test");
        var dsl = h2.database().dsl();
        for (String name : List.of("sim-a", "sim-b")) {
            dsl.insertInto(PROVIDER).set(PROVIDER.NAME, name).set(PROVIDER.ENDPOINT, "https://" + name + ".invalid:8006")
                    .set(PROVIDER.TOKEN_ID, "baozi@pve!t").set(PROVIDER.TLS_MODE, "insecure").set(PROVIDER.DEFAULT_NODE, "pve")
                    .set(PROVIDER.CREATED_BY, "test").set(PROVIDER.CREATED_AT, OffsetDateTime.now()).execute();
        }
        new WorkspaceRepository(dsl).insert("web", "deployment", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6", "test",
                OffsetDateTime.now(), "sim-a");
        new WorkspaceRepository(dsl).insert("notes", "deployment", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6",
                "test", OffsetDateTime.now(), "sim-a");
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(h2.base() + "/api/v1/workspaces" + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return StrictJsonMapper.objectMapper().readTree(response.body());
    }

    private static String error(HttpResponse<String> response) throws Exception {
        return json(response).path("error").asText();
    }

    private long create(String token) throws Exception {
        var response = send("POST", "/web/migrations", token, BODY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response).path("id").asLong();
    }

    private void settle() {
        h2.wiring().migrationRunner().settle();
    }

    private JsonNode show(long id) throws Exception {
        var response = send("GET", "/web/migrations/" + id, viewer, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    @Test
    void an_operator_asks_for_a_migration_and_a_viewer_sees_it_planned_with_its_timeline() throws Exception {
        var created = send("POST", "/web/migrations", operator, BODY);

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = json(created);
        assertThat(body.path("status").asText()).isEqualTo("running");
        assertThat(body.path("step").asText()).isEqualTo("plan");
        assertThat(body.path("sourceProvider").asText()).isEqualTo("sim-a");
        assertThat(body.path("target").path("provider").asText()).isEqualTo("sim-b");
        assertThat(body.path("requestedBy").asText()).isEqualTo("user:olga");

        settle();
        JsonNode shown = show(body.path("id").asLong());
        var listed = json(send("GET", "/web/migrations", viewer, null));

        assertThat(shown.path("status").asText()).isEqualTo("awaiting_approval");
        assertThat(shown.path("plan").path("reservedAddress").asText()).isEqualTo("10.1.0.7");
        assertThat(shown.path("plan").path("findings").get(0).path("ok").asBoolean()).isTrue();
        assertThat(shown.path("steps")).hasSize(1);
        assertThat(shown.path("steps").get(0).path("step").asText()).isEqualTo("plan");
        assertThat(shown.path("steps").get(0).path("outcome").asText()).isEqualTo("done");
        assertThat(shown.path("steps").get(0).path("details").path("address").asText()).isEqualTo("10.1.0.7");
        assertThat(listed.path("migrations")).hasSize(1);
        assertThat(listed.path("migrations").get(0).path("id").asLong()).isEqualTo(body.path("id").asLong());
    }

    @Test
    void a_viewer_may_not_ask_for_a_migration() throws Exception {
        var response = send("POST", "/web/migrations", viewer, BODY);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(error(response)).isEqualTo("this needs the operator role; user:vic is viewer");
        assertThat(json(send("GET", "/web/migrations", viewer, null)).path("migrations")).isEmpty();
    }

    @Test
    void an_unknown_workspace_is_404_on_every_migration_route() throws Exception {
        for (String[] call : List.of(new String[] {"GET", "/ghost/migrations"}, new String[] {"POST", "/ghost/migrations"},
                new String[] {"GET", "/ghost/migrations/1"}, new String[] {"POST", "/ghost/migrations/1/approve"},
                new String[] {"POST", "/ghost/migrations/1/rollback"}, new String[] {"POST", "/ghost/migrations/1/decommission"})) {
            var response = send(call[0], call[1], otherApprover, call[0].equals("POST") ? BODY : null);
            assertThat(response.statusCode()).as(call[1]).isEqualTo(404);
            assertThat(error(response)).isEqualTo("no workspace named ghost");
        }
    }

    @Test
    void a_migration_of_another_workspace_or_none_is_404_and_an_id_that_is_no_number_is_400() throws Exception {
        long id = create(operator);

        var other = send("GET", "/notes/migrations/" + id, viewer, null);
        var none = send("POST", "/web/migrations/99999/retry", operator, null);
        var word = send("GET", "/web/migrations/first", viewer, null);

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(error(other)).isEqualTo("workspace notes has no migration " + id);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(word.statusCode()).isEqualTo(400);
        assertThat(error(word)).isEqualTo("migration ids are numbers, got 'first'");
    }

    @Test
    void a_bad_body_is_400_naming_the_field() throws Exception {
        var missing = send("POST", "/web/migrations", operator, BODY.replace("\"target_pool\": \"10.1.0.0/24\", ", ""));
        var blank = send("POST", "/web/migrations", operator, BODY.replace("\"vmbr0\"", "\"  \""));
        var number = send("POST", "/web/migrations", operator, BODY.replace("\"local-lvm\"", "7"));
        var unknown = send("POST", "/web/migrations", operator, BODY.replace("{", "{\"target_node\": \"pve-b\", "));
        var broken = send("POST", "/web/migrations", operator, "{\"target_provider\": ");
        var noProvider = send("POST", "/web/migrations", operator, BODY.replace("sim-b", "sim-z"));
        var same = send("POST", "/web/migrations", operator, BODY.replace("sim-b", "sim-a"));

        assertThat(List.of(missing, blank, number, unknown, broken, noProvider, same)).allSatisfy(r -> assertThat(r.statusCode())
                .as(r.body()).isEqualTo(400));
        assertThat(error(missing)).isEqualTo("target_pool is required: a non-empty string");
        assertThat(error(blank)).isEqualTo("target_bridge is required: a non-empty string");
        assertThat(error(number)).isEqualTo("target_storage is required: a non-empty string");
        assertThat(error(unknown)).isEqualTo("target_node: no such field (there are: target_bridge, target_pool, target_provider,"
                + " target_storage)");
        assertThat(error(broken)).isNotBlank();
        assertThat(error(noProvider)).isEqualTo("target_provider: no provider named 'sim-z'");
        assertThat(error(same)).isEqualTo("target_provider: workspace web already runs on sim-a; name another provider");
        assertThat(json(send("GET", "/web/migrations", viewer, null)).path("migrations")).isEmpty();
    }

    @Test
    void a_second_unfinished_migration_of_a_workspace_is_409() throws Exception {
        long id = create(operator);

        var second = send("POST", "/web/migrations", operator, BODY);

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(error(second)).isEqualTo("workspace web already has an unfinished migration (" + id
                + ", running at plan); finish or roll it back first");
    }

    @Test
    void the_approver_who_asked_for_a_migration_may_not_approve_its_plan_and_another_approver_may() throws Exception {
        long id = create(approver);
        settle();

        var own = send("POST", "/web/migrations/" + id + "/approve", approver, "{\"step\": \"plan\"}");
        var asOperator = send("POST", "/web/migrations/" + id + "/approve", operator, "{\"step\": \"plan\"}");
        var other = send("POST", "/web/migrations/" + id + "/approve", otherApprover, "{\"step\": \"plan\", \"comment\": \"ok\"}");

        assertThat(own.statusCode()).isEqualTo(403);
        assertThat(error(own)).isEqualTo("migration " + id + " was asked for by user:abe, who may not also approve its steps;"
                + " ask another approver");
        assertThat(asOperator.statusCode()).isEqualTo(403);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(json(other).path("step").asText()).isEqualTo("backup");
        assertThat(json(other).path("steps").get(1).path("outcome").asText()).isEqualTo("approved");
        assertThat(json(other).path("steps").get(1).path("by").asText()).isEqualTo("user:bea");
        assertThat(json(other).path("steps").get(1).path("details").path("comment").asText()).isEqualTo("ok");
    }

    @Test
    void approving_needs_the_step_it_waits_at_named() throws Exception {
        long id = create(operator);

        var early = send("POST", "/web/migrations/" + id + "/approve", approver, "{\"step\": \"plan\"}");
        settle();
        var noStep = send("POST", "/web/migrations/" + id + "/approve", approver, "{}");
        var noSuchStep = send("POST", "/web/migrations/" + id + "/approve", approver, "{\"step\": \"teleport\"}");
        var wrongStep = send("POST", "/web/migrations/" + id + "/approve", approver, "{\"step\": \"cutover\"}");

        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(error(early)).isEqualTo("migration " + id + " is running at plan; step plan is not awaiting approval");
        assertThat(noStep.statusCode()).isEqualTo(400);
        assertThat(error(noStep)).isEqualTo("step is required: the step to approve (plan, cutover, switch_dns, decommission)");
        assertThat(noSuchStep.statusCode()).isEqualTo(400);
        assertThat(error(noSuchStep)).startsWith("step: 'teleport' is not a step of a migration");
        assertThat(wrongStep.statusCode()).isEqualTo(409);
    }

    @Test
    void an_approver_skips_the_ttl_wait_and_a_refused_step_is_retried_by_an_operator() throws Exception {
        fake.refuseOnce.put(MigrationStep.CUTOVER, "remote migrate to pve-b: the target endpoint refused the token");
        long id = create(operator);
        settle();
        send("POST", "/web/migrations/" + id + "/approve", approver, "{\"step\": \"plan\"}");
        settle();
        assertThat(show(id).path("status").asText()).isEqualTo("waiting");
        var retryTooSoon = send("POST", "/web/migrations/" + id + "/retry", operator, null);

        var skipped = send("POST", "/web/migrations/" + id + "/skip-wait", approver, "{\"comment\": \"window\"}");
        settle();
        send("POST", "/web/migrations/" + id + "/approve", approver, "{\"step\": \"cutover\"}");
        settle();
        JsonNode paused = show(id);
        var retried = send("POST", "/web/migrations/" + id + "/retry", operator, null);
        settle();

        assertThat(retryTooSoon.statusCode()).isEqualTo(409);
        assertThat(error(retryTooSoon)).isEqualTo("migration " + id + " is waiting at lower_ttl; only a paused migration is retried");
        assertThat(skipped.statusCode()).isEqualTo(200);
        assertThat(paused.path("status").asText()).isEqualTo("paused");
        assertThat(paused.path("message").asText()).isEqualTo("remote migrate to pve-b: the target endpoint refused the token");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(show(id).path("step").asText()).isEqualTo("adopt");
    }

    @Test
    void a_rollback_returns_the_migration_to_its_source_and_a_second_is_409() throws Exception {
        long id = create(operator);
        settle();

        var rollback = send("POST", "/web/migrations/" + id + "/rollback", approver, "{\"comment\": \"wrong target\"}");
        settle();
        var again = send("POST", "/web/migrations/" + id + "/rollback", approver, null);

        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(200);
        assertThat(json(rollback).path("step").asText()).isEqualTo("rollback_start_source");
        assertThat(show(id).path("status").asText()).isEqualTo("rolled_back");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(error(again)).isEqualTo("migration " + id + " is rolled_back at rollback_ttl; a finished migration is not rolled back");
        assertThat(send("POST", "/web/migrations", operator, BODY).statusCode()).as("a new migration may start").isEqualTo(201);
    }

    @Test
    void decommission_needs_confirm_destroy_and_then_completes_the_migration() throws Exception {
        long id = create(operator);
        var runner = h2.wiring().migrationRunner();
        fake.adoptRunApplied = true;
        for (String step : List.of("plan", "skip", "cutover", "switch_dns", "skip")) {
            runner.settle();
            var response = step.equals("skip") ? send("POST", "/web/migrations/" + id + "/skip-wait", approver, null)
                    : send("POST", "/web/migrations/" + id + "/approve", approver, "{\"step\": \"" + step + "\"}");
            assertThat(response.statusCode()).as(step + ": " + response.body()).isEqualTo(200);
        }
        runner.settle();
        assertThat(show(id).path("step").asText()).isEqualTo("decommission");

        var unconfirmedApproval = send("POST", "/web/migrations/" + id + "/approve", approver, "{\"step\": \"decommission\"}");
        var unconfirmed = send("POST", "/web/migrations/" + id + "/decommission", approver, null);
        var badFlag = send("POST", "/web/migrations/" + id + "/decommission", approver, "{\"confirm_destroy\": \"yes\"}");
        var confirmed = send("POST", "/web/migrations/" + id + "/decommission", approver, "{\"confirm_destroy\": true}");
        runner.settle();

        assertThat(unconfirmedApproval.statusCode()).isEqualTo(409);
        assertThat(error(unconfirmedApproval)).endsWith("approve with confirm_destroy: true if that is intended");
        assertThat(unconfirmed.statusCode()).isEqualTo(409);
        assertThat(error(unconfirmed)).endsWith("approve with confirm_destroy: true if that is intended");
        assertThat(badFlag.statusCode()).isEqualTo(400);
        assertThat(error(badFlag)).isEqualTo("confirm_destroy must be true or false");
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(show(id).path("status").asText()).isEqualTo("completed");
        assertThat(fake.world).containsEntry("source", "gone").containsEntry("dns", "b");
    }

    @Test
    void the_orchestrators_own_wiring_plans_with_the_provider_registry_and_pauses_when_openbao_does_not_answer() throws Exception {
        try (AppOnH2 plain = AppOnH2.start("migration-plain", Map.of())) {
            var dsl = plain.database().dsl();
            for (String name : List.of("sim-a", "sim-b")) {
                dsl.insertInto(PROVIDER).set(PROVIDER.NAME, name).set(PROVIDER.ENDPOINT, "https://" + name + ".invalid:8006")
                        .set(PROVIDER.TOKEN_ID, "baozi@pve!t").set(PROVIDER.TLS_MODE, "insecure").set(PROVIDER.DEFAULT_NODE, "pve")
                        .set(PROVIDER.CREATED_BY, "test").set(PROVIDER.CREATED_AT, OffsetDateTime.now()).execute();
            }
            new WorkspaceRepository(dsl).insert("web", "deployment", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6",
                    "test", OffsetDateTime.now(), "sim-a");
            var auth = plain.auth();
            String token = auth.issueUserToken(auth.createUser("olga", Role.OPERATOR), "test");
            var request = HttpRequest.newBuilder(URI.create(plain.base() + "/api/v1/workspaces/web/migrations"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
            long id = json(HTTP.send(request, HttpResponse.BodyHandlers.ofString())).path("id").asLong();

            plain.wiring().migrationRunner().settle();

            Migration m = new MigrationRepository(dsl).get(id).orElseThrow();
            assertThat(m.status()).isEqualTo(MigrationStatus.PAUSED);
            assertThat(m.message()).startsWith("the plan step failed: ").contains("providers/sim-a/proxmox-token")
                    .endsWith("retry runs it again");
        }
    }
}
