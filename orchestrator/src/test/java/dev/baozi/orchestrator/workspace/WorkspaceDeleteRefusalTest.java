package dev.baozi.orchestrator.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.run.RunRepository;
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
 * Deleting a workspace is refused while a run is queued or under way, before anything is asked of
 * OpenBao (unreachable here); the whole deletion runs on real OpenBao in the test harness.
 */
class WorkspaceDeleteRefusalTest {

    private static final String ADMIN_TOKEN = "admin-test-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AppOnH2 h2;
    private Database database;
    private Javalin app;
    private String base;

    @BeforeEach
    void start() throws Exception {
        h2 = AppOnH2.start("workspace-delete", Map.of("BAOZI_AUTH_ADMIN_TOKEN", ADMIN_TOKEN));
        database = h2.database();
        app = h2.app();
        base = h2.base();
    }

    @AfterEach
    void stop() {
        h2.close();
    }

    private HttpResponse<String> delete(String workspace) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + "/api/v1/workspaces/" + workspace))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).DELETE().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_workspace_with_a_queued_run_is_not_deleted_and_the_409_names_the_run() throws Exception {
        var workspaces = new WorkspaceRepository(database.dsl());
        Workspace web = workspaces.insert("web", "demo", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6", "admin",
                OffsetDateTime.now(), null);
        var run = new RunRepository(database.dsl()).insert(web.id(), false, "olga", OffsetDateTime.now());

        var response = delete("web");
        JsonNode body = StrictJsonMapper.objectMapper().readTree(response.body());

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(body.path("error").asText())
                .isEqualTo("workspace web cannot be deleted: run " + run.id() + " is queued; cancel or discard it first");
        assertThat(workspaces.byName("web")).isPresent();
        h2.wiring().audit().flush();
        assertThat(database.dsl().fetch("select action, target, outcome from audit_event").formatCSV())
                .contains("workspace.delete,web,409");
    }

    @Test
    void deleting_an_unknown_workspace_is_404() throws Exception {
        assertThat(delete("nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void a_workspace_is_not_marked_deleted_while_a_run_of_it_is_queued_and_a_run_queued_after_never_starts() {
        var workspaces = new WorkspaceRepository(database.dsl());
        var runs = new RunRepository(database.dsl());
        Workspace web = workspaces.insert("web", "demo", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6", "admin",
                OffsetDateTime.now(), null);
        var queued = runs.insert(web.id(), false, "olga", OffsetDateTime.now());

        assertThat(workspaces.markDeleted(web.id(), OffsetDateTime.now())).isFalse();
        runs.finish(queued.id(), dev.baozi.orchestrator.run.RunStatus.QUEUED, dev.baozi.orchestrator.run.RunStatus.CANCELED,
                "canceled", "olga", OffsetDateTime.now());
        assertThat(workspaces.markDeleted(web.id(), OffsetDateTime.now())).isTrue();
        var late = runs.insert(web.id(), false, "olga", OffsetDateTime.now());

        assertThat(runs.startable()).extracting(r -> r.id()).doesNotContain(late.id());
        assertThat(workspaces.byName("web")).isEmpty();
        assertThat(workspaces.insert("web", "demo", StrictJsonMapper.objectMapper().createObjectNode(), "1.12.6", "admin",
                OffsetDateTime.now(), null).id()).isNotEqualTo(web.id());
    }
}
