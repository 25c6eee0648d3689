package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.openbao.KvV2;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.openbao.Transit;
import dev.baozi.orchestrator.state.OpenBaoStateStore;
import dev.baozi.orchestrator.state.StateStore;
import dev.baozi.orchestrator.state.TransitStateSealer;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The state store contract with states sealed by transit (state.encryption=transit), as the orchestrator runs it. */
@Tag("openbao")
class SealedOpenBaoStateStoreTest extends StateStoreContract {

    private static OpenBaoServer bao;
    private static OpenBaoSession session;
    private static KvV2 kv;
    private static TransitStateSealer sealer;

    @BeforeAll
    static void start() {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        session = TestSupport.login(bao);
        kv = TestSupport.kv(session);
        sealer = new TransitStateSealer(new Transit(session.client(), "baozi-transit"), OrchestratorAccess.STATE_KEY, true,
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        session.close();
        bao.close();
    }

    @Override
    protected StateStore store(int retention) {
        return new OpenBaoStateStore(kv, Clock.systemUTC(), retention, sealer);
    }

    @Test
    void the_head_holds_ciphertext_and_the_wrapped_data_key_not_the_state() {
        WorkspaceName ws = fresh();
        put(store(10), ws, content(42), "w");

        var state = kv.read("states/" + ws + "/head").orElseThrow().data().path("state");

        assertThat(state.path("key").asText()).startsWith("vault:v");
        byte[] stored = Base64.getDecoder().decode(state.path("inline").asText());
        assertThat(stored[0] == (byte) 0x1f && stored[1] == (byte) 0x8b).as("not a gzip stream").isFalse();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("l-1");
        assertThat(store(10).read(ws, 0).orElseThrow().content()).isEqualTo(content(42));
    }

    @Test
    void a_sealed_state_copied_into_another_workspaces_head_by_a_kv_writer_does_not_open_there() {
        WorkspaceName victim = fresh();
        WorkspaceName attacker = fresh();
        put(store(10), victim, content(42), "w");
        put(store(10), attacker, content(1), "w");
        // Someone who can write the KV mount (but has no transit key) copies the victim's sealed state into their own head.
        var head = (com.fasterxml.jackson.databind.node.ObjectNode) kv.read("states/" + attacker + "/head").orElseThrow().data().deepCopy();
        head.set("state", kv.read("states/" + victim + "/head").orElseThrow().data().get("state"));
        kv.put("states/" + attacker + "/head", head);

        assertThatThrownBy(() -> store(10).read(attacker, 0))
                .isInstanceOf(dev.baozi.orchestrator.state.SealedStateException.class)
                .hasMessageContaining("copied from another workspace");
        assertThat(store(10).read(victim, 0).orElseThrow().content()).isEqualTo(content(42));
    }
}
