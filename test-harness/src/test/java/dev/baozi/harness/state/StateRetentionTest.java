package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.harness.StateHttp;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code state.retention} counts states, not lock events: through the HTTP API only, a workspace
 * locked and unlocked many times keeps exactly the newest {@code N} states, each readable.
 */
@Tag("openbao")
class StateRetentionTest {

    private static final int RETENTION = 5;

    private static OpenBaoServer bao;
    private static Orchestrator orchestrator;
    private static StateHttp client;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        orchestrator = TestSupport.orchestrator(bao, Map.of("BAOZI_STATE_RETENTION", String.valueOf(RETENTION)));
        client = TestSupport.client(orchestrator);
    }

    @AfterAll
    static void stop() {
        orchestrator.close();
        bao.close();
    }

    private static String ws() {
        return "ret-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** LOCK, POST with the lock's ID, UNLOCK: what {@code tofu apply} does to the state. */
    private static void apply(String ws, String token, String lockId, byte[] state) throws Exception {
        byte[] info = StateHttp.lockInfo(lockId, "ci@runner");
        assertThat(client.state("LOCK", ws, token, info, null).statusCode()).as("LOCK " + lockId).isEqualTo(200);
        assertThat(client.state("POST", ws, token, state, "?ID=" + lockId).statusCode()).as("POST under " + lockId).isEqualTo(200);
        assertThat(client.state("UNLOCK", ws, token, info, null).statusCode()).as("UNLOCK " + lockId).isEqualTo(200);
    }

    /** LOCK, GET, UNLOCK: what {@code tofu plan} does. */
    private static void plan(String ws, String token, String lockId) throws Exception {
        byte[] info = StateHttp.lockInfo(lockId, "ci@runner");
        assertThat(client.state("LOCK", ws, token, info, null).statusCode()).as("LOCK " + lockId).isEqualTo(200);
        assertThat(client.state("GET", ws, token, null, null).statusCode()).isEqualTo(200);
        assertThat(client.state("UNLOCK", ws, token, info, null).statusCode()).as("UNLOCK " + lockId).isEqualTo(200);
    }

    private static JsonNode versions(String ws) throws Exception {
        var response = client.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions", null);
        assertThat(response.statusCode()).isEqualTo(200);
        return StateHttp.JSON.readTree(response.body()).path("versions");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void after_3n_applies_and_10_plans_the_versions_are_exactly_the_n_newest_states_newest_first() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        List<byte[]> posted = new ArrayList<>();
        for (int serial = 1; serial <= 3 * RETENTION; serial++) {
            byte[] state = StateHttp.state("lin-ret", serial, 1 + serial % 3);
            posted.add(state);
            apply(ws, token, "apply-" + serial, state);
        }
        for (int i = 0; i < 10; i++) {
            plan(ws, token, "plan-" + i);
        }

        JsonNode versions = versions(ws);

        assertThat(versions).as("the retained versions").hasSize(RETENTION);
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < RETENTION; i++) {
            JsonNode entry = versions.get(i);
            byte[] expected = posted.get(posted.size() - 1 - i);
            long serial = 3L * RETENTION - i;
            assertThat(entry.path("version").asLong()).as("entry " + i + " is older than the one before").isLessThan(previous);
            previous = entry.path("version").asLong();
            assertThat(entry.path("deleted").asBoolean()).as("entry " + i + " is a deletion").isFalse();
            assertThat(entry.path("serial").asLong()).as("entry " + i + "'s serial").isEqualTo(serial);
            assertThat(entry.path("lineage").asText()).isEqualTo("lin-ret");
            assertThat(entry.path("sha256").asText()).as("entry " + i + " is a state, not a lock event").isEqualTo(sha256(expected));
            assertThat(entry.path("size").asLong()).isEqualTo(expected.length);
            var content = client.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions/" + entry.path("version").asLong(), null);
            assertThat(content.statusCode()).as("reading version " + entry.path("version")).isEqualTo(200);
            assertThat(content.body().getBytes(StandardCharsets.UTF_8)).as("version " + entry.path("version") + "'s content")
                    .isEqualTo(expected);
        }
        assertThat(client.state("GET", ws, token, null, null).body()).isEqualTo(posted.getLast());
    }

    @Test
    void after_n_plus_5_plans_the_newest_state_is_still_current_and_listed_first() throws Exception {
        String ws = ws();
        String token = client.token(ws, "read-write");
        byte[] older = StateHttp.state("lin-plan", 1, 1);
        byte[] newest = StateHttp.state("lin-plan", 2, 2);
        apply(ws, token, "apply-1", older);
        apply(ws, token, "apply-2", newest);

        for (int i = 0; i < RETENTION + 5; i++) {
            plan(ws, token, "plan-" + i);
        }

        var current = client.state("GET", ws, token, null, null);
        JsonNode versions = versions(ws);
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(current.body()).isEqualTo(newest);
        assertThat(versions).as("plans add no versions").hasSize(2);
        assertThat(versions.get(0).path("sha256").asText()).isEqualTo(sha256(newest));
        assertThat(versions.get(1).path("sha256").asText()).isEqualTo(sha256(older));
        var oldest = client.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions/" + versions.get(1).path("version").asLong(), null);
        assertThat(oldest.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(older);
    }
}
