package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.openbao.KvV2;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.orchestrator.state.OpenBaoStateStore;
import dev.baozi.orchestrator.state.StateFacts;
import dev.baozi.orchestrator.state.StateStore;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The state store contract against a real OpenBao, through the orchestrator's own AppRole login. */
@Tag("openbao")
class OpenBaoStateStoreTest extends StateStoreContract {

    private static OpenBaoServer bao;
    private static OpenBaoSession session;
    private static KvV2 kv;

    @BeforeAll
    static void start() throws Exception {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        session = TestSupport.login(bao);
        kv = TestSupport.kv(session);
    }

    @AfterAll
    static void stop() {
        session.close();
        bao.close();
    }

    @Override
    protected StateStore store(int retention) {
        return new OpenBaoStateStore(kv, Clock.systemUTC(), retention);
    }

    @Test
    void a_large_state_is_kept_as_chunks_each_under_the_one_mib_entry_limit() {
        WorkspaceName ws = fresh();
        byte[] big = large(8 * 1024 * 1024, 3);

        store(10).write(ws, big, StateFacts.of(big), "w", 0);

        var generations = kv.list("states/" + ws + "/blobs/");
        assertThat(generations).hasSize(1);
        var chunks = kv.list("states/" + ws + "/blobs/" + generations.getFirst());
        assertThat(chunks).hasSizeGreaterThan(1);
        for (String chunk : chunks) {
            String b64 = kv.read("states/" + ws + "/blobs/" + generations.getFirst() + chunk).orElseThrow().text("b");
            assertThat(b64.length()).isLessThan(1024 * 1024);
        }
    }

    @Test
    void a_refused_write_leaves_no_chunks_behind() {
        WorkspaceName ws = fresh();
        StateStore store = store(10);
        store.write(ws, content(1), StateFacts.of(content(1)), "w", 0);
        byte[] big = large(2 * 1024 * 1024, 4);

        store.write(ws, big, StateFacts.of(big), "late", 0);

        assertThat(kv.list("states/" + ws + "/blobs/")).isEmpty();
    }
}
