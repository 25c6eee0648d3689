package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.StateHttp;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The state endpoint's wire protocol, against the real orchestrator and a real OpenBao. */
@Tag("openbao")
class StateBackendHttpTest {

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static StateHttp client;

    @BeforeAll
    static void start() throws Exception {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_STATE_MAX_BODY_MIB", "64"));
        client = TestSupport.client(orchestrator);
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    private static String ws() {
        return "ws-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void get_without_a_state_answers_204() throws Exception {
        String ws = ws();
        var response = client.state("GET", ws, client.token(ws, "read-only"), null, null);

        assertThat(response.statusCode()).isEqualTo(204);
    }

    @Test
    void a_posted_state_comes_back_with_its_content_md5() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        byte[] state = StateHttp.state("lin-a", 1, 3);

        var post = client.state("POST", ws, token, state, null);
        var get = client.state("GET", ws, token, null, null);

        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(state);
        assertThat(get.headers().firstValue("Content-MD5"))
                .hasValue(Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(state)));
    }

    @Test
    void the_same_post_sent_twice_succeeds_both_times_and_makes_one_version() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        byte[] state = StateHttp.state("lin-b", 1, 2);

        var first = client.state("POST", ws, token, state, null);
        var second = client.state("POST", ws, token, state, null);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        JsonNode versions = StateHttp.JSON.readTree(client.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions", null).body());
        assertThat(versions.path("versions")).hasSize(1);
    }

    @Test
    void a_lower_serial_is_refused_with_409_naming_both_serials_and_nothing_changes() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("POST", ws, token, StateHttp.state("lin-c", 5, 1), null);

        var response = client.state("POST", ws, token, StateHttp.state("lin-c", 4, 2), null);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(StateHttp.json(response).path("error").asText())
                .contains("serial 4 is lower than the stored serial 5").contains("nothing was written");
        assertThat(client.state("GET", ws, token, null, null).body()).isEqualTo(StateHttp.state("lin-c", 5, 1));
    }

    @Test
    void a_different_lineage_is_refused_with_409_naming_both_lineages() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("POST", ws, token, StateHttp.state("lin-d", 1, 1), null);

        var response = client.state("POST", ws, token, StateHttp.state("other", 9, 1), null);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(StateHttp.json(response).path("error").asText()).contains("lineage other").contains("lineage lin-d");
    }

    @Test
    void a_state_encrypted_client_side_is_accepted_as_opaque() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        byte[] encrypted = "{\"meta\":{\"key_provider.openbao.k\":\"eyJ\"},\"encrypted_data\":\"c2VjcmV0\",\"encryption_version\":\"v0\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(client.state("POST", ws, token, encrypted, null).statusCode()).isEqualTo(200);
        assertThat(client.state("GET", ws, token, null, null).body()).isEqualTo(encrypted);
    }

    @Test
    void a_second_lock_gets_423_with_the_holders_lock_info_in_tofus_keys() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");

        var first = client.state("LOCK", ws, token, StateHttp.lockInfo("id-1", "alice@host"), null);
        var second = client.state("LOCK", ws, token, StateHttp.lockInfo("id-2", "bob@host"), null);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(423);
        JsonNode holder = StateHttp.json(second);
        assertThat(holder.path("ID").asText()).isEqualTo("id-1");
        assertThat(holder.path("Who").asText()).isEqualTo("alice@host");
        assertThat(holder.path("Operation").asText()).isEqualTo("OperationTypeApply");
        assertThat(holder.path("Created").asText()).isEqualTo("2026-11-22T05:00:00.123456789Z");
        assertThat(holder.has("Version")).isTrue();
        assertThat(holder.has("Info")).isTrue();
        assertThat(holder.has("Path")).isTrue();
        assertThat(holder.path("error").asText()).contains("is locked by").contains("id-1");
    }

    @Test
    void writes_while_locked_need_the_holders_id() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("LOCK", ws, token, StateHttp.lockInfo("held-1", "alice"), null);

        var withoutId = client.state("POST", ws, token, StateHttp.state("lin-e", 1, 1), null);
        var wrongId = client.state("POST", ws, token, StateHttp.state("lin-e", 1, 1), "?ID=other");
        var rightId = client.state("POST", ws, token, StateHttp.state("lin-e", 1, 1), "?ID=held-1");
        var delete = client.state("DELETE", ws, token, null, null);

        assertThat(withoutId.statusCode()).isEqualTo(423);
        assertThat(StateHttp.json(withoutId).path("ID").asText()).isEqualTo("held-1");
        assertThat(wrongId.statusCode()).isEqualTo(423);
        assertThat(rightId.statusCode()).isEqualTo(200);
        assertThat(delete.statusCode()).isEqualTo(423);
    }

    @Test
    void a_write_naming_a_lock_that_is_no_longer_held_is_409() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");

        var response = client.state("POST", ws, token, StateHttp.state("lin-f", 1, 1), "?ID=gone");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(StateHttp.json(response).path("error").asText()).contains("lock gone").contains("not held");
    }

    @Test
    void unlock_needs_the_holders_id_and_an_empty_body_force_unlocks() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("LOCK", ws, token, StateHttp.lockInfo("u-1", "alice"), null);

        var wrong = client.state("UNLOCK", ws, token, StateHttp.lockInfo("u-2", "bob"), null);
        var right = client.state("UNLOCK", ws, token, StateHttp.lockInfo("u-1", "alice"), null);
        client.state("LOCK", ws, token, StateHttp.lockInfo("u-3", "carol"), null);
        var forced = client.state("UNLOCK", ws, token, new byte[0], null);
        var relock = client.state("LOCK", ws, token, StateHttp.lockInfo("u-4", "dave"), null);

        assertThat(wrong.statusCode()).isEqualTo(423);
        assertThat(StateHttp.json(wrong).path("ID").asText()).isEqualTo("u-1");
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(forced.statusCode()).isEqualTo(200);
        assertThat(relock.statusCode()).isEqualTo(200);
        String audit = client.admin("GET", "/api/v1/audit?limit=50", null).body();
        assertThat(audit).contains("state.force-unlock").contains("released lock u-3");
    }

    @Test
    void a_malformed_lock_body_is_400_with_a_sentence() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");

        var notJson = client.state("LOCK", ws, token, "not json".getBytes(StandardCharsets.UTF_8), null);
        var noId = client.state("LOCK", ws, token, "{\"Who\":\"x\"}".getBytes(StandardCharsets.UTF_8), null);
        var badUnlock = client.state("UNLOCK", ws, token, "{oops".getBytes(StandardCharsets.UTF_8), null);

        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(StateHttp.json(notJson).path("error").asText()).isEqualTo("LOCK needs a JSON body with the lock's ID");
        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(badUnlock.statusCode()).isEqualTo(400);
    }

    @Test
    void a_body_whose_content_md5_does_not_match_is_400_and_not_stored() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");

        var response = client.stateWithHeader("POST", ws, token, StateHttp.state("lin-g", 1, 1), "Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(StateHttp.json(response).path("error").asText()).contains("Content-MD5");
        assertThat(client.state("GET", ws, token, null, null).statusCode()).isEqualTo(204);
    }

    @Test
    void delete_removes_the_current_state_and_keeps_its_versions() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("POST", ws, token, StateHttp.state("lin-h", 1, 1), null);

        var delete = client.state("DELETE", ws, token, null, null);

        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(client.state("GET", ws, token, null, null).statusCode()).isEqualTo(204);
        var old = client.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions/1", null);
        assertThat(old.statusCode()).isEqualTo(200);
        assertThat(old.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(StateHttp.state("lin-h", 1, 1));
    }

    @Test
    void versions_are_listed_diffed_and_rolled_back_with_a_higher_serial() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("POST", ws, token, StateHttp.state("lin-i", 1, 2), null);
        client.state("POST", ws, token, StateHttp.state("lin-i", 2, 3), null);

        JsonNode versions = StateHttp.JSON.readTree(client.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions", null).body());
        JsonNode diff = StateHttp.JSON.readTree(client.admin("GET", "/api/v1/workspaces/" + ws + "/state/diff?from=1&to=2", null).body());
        var rollback = client.admin("POST", "/api/v1/workspaces/" + ws + "/state/rollback", "{\"version\":1}");
        JsonNode current = StateHttp.json(client.state("GET", ws, token, null, null));

        assertThat(versions.path("versions")).hasSize(2);
        JsonNode newest = versions.path("versions").get(0);
        assertThat(newest.path("version").asLong()).isEqualTo(2);
        assertThat(newest.path("serial").asLong()).isEqualTo(2);
        assertThat(newest.path("lineage").asText()).isEqualTo("lin-i");
        assertThat(newest.path("sha256").asText()).hasSize(64);
        assertThat(newest.path("who").asText()).startsWith("state-token:" + ws);
        assertThat(newest.path("size").asLong()).isPositive();
        assertThat(diff.path("added").toString()).contains("terraform_data.r2");
        assertThat(diff.path("changed").toString()).contains("terraform_data.r0").contains("terraform_data.r1");
        assertThat(diff.path("removed")).isEmpty();
        assertThat(rollback.statusCode()).isEqualTo(200);
        assertThat(current.path("serial").asLong()).isEqualTo(3);
        assertThat(current.path("resources")).hasSize(2);
    }

    @Test
    void the_admin_lists_locks_and_force_unlocks_with_an_audit_record() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("LOCK", ws, token, StateHttp.lockInfo("adm-1", "ci@runner"), null);

        String locks = client.admin("GET", "/api/v1/locks", null).body();
        var forced = client.admin("DELETE", "/api/v1/workspaces/" + ws + "/lock", null);
        var again = client.admin("DELETE", "/api/v1/workspaces/" + ws + "/lock", null);
        String audit = client.admin("GET", "/api/v1/audit?limit=20", null).body();

        assertThat(locks).contains(ws).contains("adm-1").contains("ci@runner").contains("state-token:" + ws);
        assertThat(forced.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(audit).contains("lock.force-unlock").contains("\"actor\":\"admin\"").contains("released lock adm-1");
    }

    @Test
    void every_state_read_and_write_is_audited_with_who_what_and_result() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("POST", ws, token, StateHttp.state("lin-j", 1, 1), null);
        client.state("GET", ws, token, null, null);
        client.state("POST", ws, token, StateHttp.state("lin-j", 0, 1), null);

        JsonNode events = StateHttp.JSON.readTree(client.admin("GET", "/api/v1/audit?limit=200", null).body()).path("events");
        var mine = new java.util.ArrayList<String>();
        events.forEach(e -> {
            if (ws.equals(e.path("target").asText())) {
                mine.add(e.path("action").asText() + " " + e.path("outcome").asText() + " " + e.path("actor").asText());
            }
        });
        assertThat(mine).contains("state.write 200 state-token:" + ws + "/test", "state.read 200 state-token:" + ws + "/test",
                "state.write 409 state-token:" + ws + "/test");
    }

    @Test
    void a_body_over_the_configured_limit_is_413_with_a_json_sentence() throws Exception {
        try (var small = TestSupport.orchestrator(bao, Map.of("BAOZI_STATE_MAX_BODY_MIB", "1"))) {
            var smallClient = TestSupport.client(small);
            String ws = ws();
            String token = smallClient.token(ws, "read-write");

            var response = smallClient.state("POST", ws, token, StateStoreContract.large(2 * 1024 * 1024, 7), null);

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(StateHttp.json(response).path("error").asText()).isNotBlank();
            assertThat(smallClient.state("GET", ws, token, null, null).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void a_50_mib_state_round_trips_intact() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        byte[] big = StateStoreContract.large(50 * 1024 * 1024, 50);

        var post = client.state("POST", ws, token, big, null);
        var get = client.state("GET", ws, token, null, null);

        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(get.statusCode()).isEqualTo(200);
        var sha = MessageDigest.getInstance("SHA-256");
        assertThat(HexFormat.of().formatHex(sha.digest(get.body()))).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(big)));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "not json|the state is not valid JSON: ",
        "{\"version\":4,\"resources\":[]}|the state has no lineage and no serial",
        "{\"serial\":3,\"lineage\":\"lin-x\",\"serial\":1}|the state names its top-level key \"serial\" twice",
        "{\"serial\":18446744073709551617,\"lineage\":\"lin-x\"}|the state's serial must be a whole number",
        "{\"meta\":{},\"encrypted_data\":\"x\",\"encryption_version\":\"v0\",\"extra\":1}|the state has no lineage and no serial"})
    void a_state_that_is_neither_guardable_nor_encrypted_is_400_saying_why_and_not_stored(String example) throws Exception {
        String[] parts = example.split("\\|");
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("POST", ws, token, StateHttp.state("lin-x", 2, 1), null);

        var response = client.state("POST", ws, token, parts[0].getBytes(StandardCharsets.UTF_8), null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(StateHttp.json(response).path("error").asText()).startsWith(parts[1]).endsWith("; nothing was written");
        assertThat(client.state("GET", ws, token, null, null).body()).isEqualTo(StateHttp.state("lin-x", 2, 1));
    }

    @Test
    void a_state_that_is_not_utf8_is_400_and_not_stored() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        byte[] latin1 = "{\"serial\":1,\"lineage\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        var response = client.state("POST", ws, token, latin1, null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(StateHttp.json(response).path("error").asText()).startsWith("the state is not valid UTF-8");
        assertThat(client.state("GET", ws, token, null, null).statusCode()).isEqualTo(204);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {";", ",", ";;,;", "gzip;;q=1", "*;", ";q=0"})
    void an_odd_accept_encoding_is_no_error(String acceptEncoding) throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("POST", ws, token, StateHttp.state("lin-ae", 1, 1), null);

        var response = client.stateWithHeader("GET", ws, token, new byte[0], "Accept-Encoding", acceptEncoding);

        assertThat(response.statusCode()).as(acceptEncoding).isEqualTo(200);
    }

    @Test
    void a_workspace_is_not_created_over_state_planted_under_its_name() throws Exception {
        String ws = ws();
        // A token issued before tokens needed a workspace: straight into the database, as an old one would be.
        String planter = new dev.baozi.orchestrator.auth.AuthService(
                new dev.baozi.orchestrator.auth.StateTokenRepository(orchestrator.database().dsl()),
                new dev.baozi.orchestrator.auth.UserRepository(orchestrator.database().dsl()), java.util.Optional.empty(),
                java.time.Clock.systemUTC())
                .issueStateToken(ws, "planter", dev.baozi.orchestrator.auth.TokenAccess.READ_WRITE,
                        new dev.baozi.orchestrator.auth.Principal.Admin()).token();
        assertThat(client.state("POST", ws, planter, StateHttp.state("planted", 1, 1), null).statusCode()).isEqualTo(200);

        var created = client.admin("POST", "/api/v1/workspaces", "{\"name\":\"" + ws + "\",\"template\":\"demo-data\"}");
        var tokenAfter = client.admin("POST", "/api/v1/workspaces/" + ws + "/state-tokens", "{\"name\":\"t\"}");

        assertThat(created.statusCode()).isEqualTo(409);
        assertThat(StateHttp.JSON.readTree(created.body()).path("error").asText())
                .startsWith("the state backend already holds state for " + ws + " (version 1, written by state-token:")
                .contains("that no Baozi workspace made; Baozi does not adopt it");
        assertThat(client.admin("GET", "/api/v1/workspaces/" + ws, null).statusCode()).isEqualTo(404);
        assertThat(tokenAfter.statusCode()).isEqualTo(404);
    }

    @Test
    void a_repeated_lock_with_the_holders_id_and_body_is_200_and_another_id_still_gets_423_with_the_holders_lock_info()
            throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        byte[] info = StateHttp.lockInfo("again-1", "alice@host");

        var first = client.state("LOCK", ws, token, info, null);
        var repeated = client.state("LOCK", ws, token, info, null);
        var other = client.state("LOCK", ws, token, StateHttp.lockInfo("again-2", "bob@host"), null);
        var unlock = client.state("UNLOCK", ws, token, info, null);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(repeated.statusCode()).as("LOCK retried with the holder's ID (its first answer lost)").isEqualTo(200);
        assertThat(other.statusCode()).isEqualTo(423);
        JsonNode holder = StateHttp.json(other);
        assertThat(holder.path("ID").asText()).isEqualTo("again-1");
        assertThat(holder.path("Who").asText()).isEqualTo("alice@host");
        assertThat(holder.path("Operation").asText()).isEqualTo("OperationTypeApply");
        assertThat(holder.path("Created").asText()).isEqualTo("2026-11-22T05:00:00.123456789Z");
        assertThat(unlock.statusCode()).as("one UNLOCK releases a lock taken twice").isEqualTo(200);
        assertThat(client.admin("GET", "/api/v1/workspaces/" + ws + "/lock", null).statusCode()).isEqualTo(404);
    }

    @Test
    void a_write_with_the_id_of_a_force_unlocked_lock_is_409_and_writes_nothing() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("LOCK", ws, token, StateHttp.lockInfo("fu-1", "alice"), null);
        assertThat(client.state("POST", ws, token, StateHttp.state("lin-fu", 1, 1), "?ID=fu-1").statusCode()).isEqualTo(200);
        assertThat(client.state("UNLOCK", ws, token, new byte[0], null).statusCode()).isEqualTo(200);

        var late = client.state("POST", ws, token, StateHttp.state("lin-fu", 2, 2), "?ID=fu-1");

        assertThat(late.statusCode()).isEqualTo(409);
        assertThat(StateHttp.json(late).path("error").asText()).contains("lock fu-1").contains("not held");
        assertThat(client.state("GET", ws, token, null, null).body()).isEqualTo(StateHttp.state("lin-fu", 1, 1));
        JsonNode versions = StateHttp.JSON.readTree(client.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions", null).body());
        assertThat(versions.path("versions")).hasSize(1);
    }

    @Test
    void a_write_with_the_id_of_a_lock_force_unlocked_and_taken_by_another_is_423_naming_the_new_holder_and_writes_nothing()
            throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        client.state("LOCK", ws, token, StateHttp.lockInfo("old-1", "alice"), null);
        assertThat(client.state("POST", ws, token, StateHttp.state("lin-nh", 1, 1), "?ID=old-1").statusCode()).isEqualTo(200);
        assertThat(client.admin("DELETE", "/api/v1/workspaces/" + ws + "/lock", null).statusCode()).isEqualTo(200);
        assertThat(client.state("LOCK", ws, token, StateHttp.lockInfo("new-2", "bob"), null).statusCode()).isEqualTo(200);

        var late = client.state("POST", ws, token, StateHttp.state("lin-nh", 2, 2), "?ID=old-1");

        assertThat(late.statusCode()).isEqualTo(423);
        assertThat(StateHttp.json(late).path("ID").asText()).isEqualTo("new-2");
        assertThat(StateHttp.json(late).path("Who").asText()).isEqualTo("bob");
        assertThat(client.state("GET", ws, token, null, null).body()).isEqualTo(StateHttp.state("lin-nh", 1, 1));
        JsonNode versions = StateHttp.JSON.readTree(client.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions", null).body());
        assertThat(versions.path("versions")).hasSize(1);
    }
}
