package dev.baozi.orchestrator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.AppOnH2;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backups API's refusals on the real app (in-memory H2, no Proxmox or OpenBao needed): who may
 * call what, and what a wrong workspace, backup or body gets. Making and restoring backups against
 * a real simulator is in the test harness ({@code DestroyBackupTest}).
 */
class BackupApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static AppOnH2 h2;
    private static String viewer;
    private static String operator;
    private static String approver;
    private static long backupId;

    @BeforeAll
    static void start() throws Exception {
        h2 = AppOnH2.start("backup-api", Map.of());
        AuthService auth = h2.auth();
        viewer = auth.issueUserToken(auth.createUser("vic", Role.VIEWER), "test");
        operator = auth.issueUserToken(auth.createUser("olga", Role.OPERATOR), "test");
        approver = auth.issueUserToken(auth.createUser("abe", Role.APPROVER), "test");
        new WorkspaceRepository(h2.database().dsl()).insert("notes", "demo-data", StrictJsonMapper.objectMapper().createObjectNode(),
                "1.12.6", "test", OffsetDateTime.now(), null);
        OffsetDateTime now = OffsetDateTime.now();
        backupId = new BackupRepository(h2.database().dsl()).insert(new VmBackup(0, "gone", "sim-a", "pve1", 101, "gone", "local",
                "local:backup/vzdump-qemu-101-2026_01_01-00_00_00.vma.zst", 1024, BackupReason.DESTROY, "olga", now,
                now.plusDays(30))).id();
    }

    @AfterAll
    static void stop() {
        h2.close();
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(h2.base() + path)).method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> response) throws Exception {
        return StrictJsonMapper.objectMapper().readTree(response.body()).path("error").asText();
    }

    @Test
    void a_viewer_lists_the_backups_of_a_deleted_workspace_under_its_name() throws Exception {
        var response = send("GET", "/api/v1/workspaces/gone/backups", viewer, "");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode b = StrictJsonMapper.objectMapper().readTree(response.body()).path("backups").get(0);
        assertThat(b.path("id").asLong()).isEqualTo(backupId);
        assertThat(b.path("reason").asText()).isEqualTo("destroy");
        assertThat(b.path("volid").asText()).startsWith("local:backup/vzdump-qemu-101-");
        assertThat(b.path("expires_at").asText()).isNotBlank();
    }

    @Test
    void listing_a_workspace_that_never_existed_is_404() throws Exception {
        var response = send("GET", "/api/v1/workspaces/nowhere/backups", viewer, "");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response)).isEqualTo("no workspace named nowhere and no backups of one");
    }

    @Test
    void a_viewer_may_not_make_a_backup_and_an_operator_may_not_restore_one() throws Exception {
        var create = send("POST", "/api/v1/workspaces/notes/backups", viewer, "");
        var restore = send("POST", "/api/v1/workspaces/gone/backups/" + backupId + "/restore", operator, "");

        assertThat(create.statusCode()).isEqualTo(403);
        assertThat(error(create)).contains("needs the operator role");
        assertThat(restore.statusCode()).isEqualTo(403);
        assertThat(error(restore)).contains("needs the approver role");
    }

    @Test
    void a_backup_of_a_workspace_that_is_not_a_deployment_is_refused_with_409() throws Exception {
        var response = send("POST", "/api/v1/workspaces/notes/backups", operator, "");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(error(response)).isEqualTo("workspace notes is not a deployment, so it has no VM to back up");
    }

    @Test
    void a_backup_of_an_unknown_workspace_is_404_and_a_body_with_options_is_400() throws Exception {
        assertThat(send("POST", "/api/v1/workspaces/nowhere/backups", operator, "").statusCode()).isEqualTo(404);
        var options = send("POST", "/api/v1/workspaces/notes/backups", operator, "{\"mode\": \"stop\"}");
        assertThat(options.statusCode()).isEqualTo(400);
        assertThat(error(options)).isEqualTo("the body must be empty or {}: a backup takes no options");
    }

    @Test
    void restoring_a_backup_of_another_workspace_or_an_unknown_one_is_404() throws Exception {
        var other = send("POST", "/api/v1/workspaces/notes/backups/" + backupId + "/restore", approver, "");
        var unknown = send("POST", "/api/v1/workspaces/gone/backups/999999/restore", approver, "");

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(error(other)).isEqualTo("workspace notes has no backup " + backupId);
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void a_restore_body_with_a_bad_field_is_400_naming_it() throws Exception {
        String path = "/api/v1/workspaces/gone/backups/" + backupId + "/restore";

        var unknownField = send("POST", path, approver, "{\"target\": \"sim-b\"}");
        var badVmid = send("POST", path, approver, "{\"vmid\": 12}");
        var badProvider = send("POST", path, approver, "{\"provider\": \"a b\"}");
        var badId = send("POST", "/api/v1/workspaces/gone/backups/first/restore", approver, "");

        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(error(unknownField)).isEqualTo("target: unknown field; a restore takes provider, node, vmid and storage");
        assertThat(badVmid.statusCode()).isEqualTo(400);
        assertThat(error(badVmid)).startsWith("vmid: must be a PVE VM id");
        assertThat(badProvider.statusCode()).isEqualTo(400);
        assertThat(error(badProvider)).startsWith("provider: must be a name");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(error(badId)).isEqualTo("backup ids are numbers, got 'first'");
    }

    @Test
    void restoring_on_a_provider_that_does_not_exist_is_422_naming_it() throws Exception {
        var response = send("POST", "/api/v1/workspaces/gone/backups/" + backupId + "/restore", approver, "{\"provider\": \"nope\"}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(error(response)).isEqualTo("provider: there is no provider named nope");
    }
}
