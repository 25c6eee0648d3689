package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.openbao.KvV2;
import dev.baozi.openbao.OpenBaoApi;
import dev.baozi.openbao.OpenBaoResponse;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.orchestrator.state.OpenBaoStateStore;
import dev.baozi.orchestrator.state.StateStore;
import dev.baozi.orchestrator.state.StateVersion;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The state store contract against a real OpenBao, through the orchestrator's own AppRole login; plus its layout. */
@Tag("openbao")
class OpenBaoStateStoreTest extends StateStoreContract {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /**
     * The calls a store makes on the thread that created this (the request's), as "METHOD path";
     * {@link #behind} has those it made on other threads (behind a write).
     */
    private static final class Counting implements OpenBaoApi {
        final Thread request = Thread.currentThread();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<String> behind = Collections.synchronizedList(new ArrayList<>());

        @Override
        public OpenBaoResponse send(String method, String path, JsonNode body, Map<String, String> headers) {
            (Thread.currentThread() == request ? calls : behind).add(method + " " + path);
            return session.client().send(method, path, body, headers);
        }
    }

    @Test
    void a_lock_right_after_a_read_that_found_no_state_is_one_openbao_call() {
        var counting = new Counting();
        StateStore store = new OpenBaoStateStore(new KvV2(counting, kv.mount()), Clock.systemUTC(), 10);
        WorkspaceName ws = fresh();
        assertThat(store.readCompressed(ws, 0)).isEmpty();
        counting.calls.clear();

        lock(store, ws, "first");

        assertThat(counting.calls).containsExactly("POST " + kv.mount() + "/data/states/" + ws + "/head");
        assertThat(store(10).head(ws).lock()).map(l -> l.info().id()).contains("first");
    }

    @Test
    void each_state_version_is_copied_to_the_log_behind_its_write_and_the_next_write_names_the_copy() {
        var counting = new Counting();
        StateStore store = new OpenBaoStateStore(new KvV2(counting, kv.mount()), Clock.systemUTC(), 10);
        WorkspaceName ws = fresh();
        put(store, ws, content(1), "w");
        store.flush();
        assertThat(counting.behind).containsExactly(
                "POST " + kv.mount() + "/metadata/states/" + ws + "/log", // its window: the retention and some slack
                "POST " + kv.mount() + "/data/states/" + ws + "/log");
        assertThat(history(ws).get(0).get(1).asLong()).as("where version 1 is, before the next write").isEqualTo(1);

        lock(store, ws, "L");

        assertThat(history(ws).get(0).get(1).asLong()).as("where version 1 is after it: the log's KV version 1").isEqualTo(-2);
        assertThat(kv.metadata("states/" + ws + "/log").orElseThrow().maxVersions()).isEqualTo(10 + 8);
        assertThat(store(10).read(ws, 1).orElseThrow().content()).isEqualTo(content(1));
    }

    @Test
    void many_plans_after_a_write_whose_copy_was_lost_copy_it_before_it_leaves_the_heads_window() {
        WorkspaceName ws = fresh();
        // A store whose copies behind writes are all lost, as in a crash right after each write:
        // log writes fail unless made on this (the request's) thread.
        Thread request = Thread.currentThread();
        OpenBaoApi losingCopies = (method, path, body, headers) -> path.endsWith("/data/states/" + ws + "/log")
                && Thread.currentThread() != request
                ? new OpenBaoResponse(503, JSON.createObjectNode())
                : session.client().send(method, path, body, headers);
        StateStore store = new OpenBaoStateStore(new KvV2(losingCopies, kv.mount()), Clock.systemUTC(), 3);
        put(store, ws, content(1), "w");
        store.flush();
        assertThat(kv.latest("states/" + ws + "/log").version()).as("the copy behind the write was lost").isZero();

        for (int plan = 0; plan < 20; plan++) { // the head keeps 12 KV versions
            lock(store, ws, "P" + plan);
            unlock(store, ws);
        }

        assertThat(history(ws).get(0).get(1).asLong()).as("version 1 is in the log").isLessThan(-1);
        assertThat(store(3).read(ws, 1).orElseThrow().content()).isEqualTo(content(1));
    }


    @Test
    void a_new_workspace_writes_its_first_head_versions_in_one_call_each_and_sets_its_small_window_before_kv_would_prune() {
        var counting = new Counting();
        StateStore store = new OpenBaoStateStore(new KvV2(counting, kv.mount()), Clock.systemUTC(), 10);
        WorkspaceName ws = fresh();
        assertThat(store.readCompressed(ws, 0)).isEmpty(); // so the first lock knows there is no head yet
        List<Integer> callsPerChange = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            counting.calls.clear();
            lock(store, ws, "L" + i);
            callsPerChange.add(counting.calls.size());
            counting.calls.clear();
            unlock(store, ws);
            callsPerChange.add(counting.calls.size());
        }

        // head versions 1..7 are one call each; before version 8 the window is set once; then one call each again
        assertThat(callsPerChange.subList(0, 7)).containsOnly(1);
        assertThat(callsPerChange.get(7)).isEqualTo(2);
        assertThat(callsPerChange.subList(8, 20)).containsOnly(1);
        assertThat(kv.metadata("states/" + ws + "/head").orElseThrow().maxVersions()).isBetween(10, 16);
    }

    /** The head's history as stored: {@code [version, where, ...]} entries, newest first. */
    private static JsonNode history(WorkspaceName ws) {
        return kv.read("states/" + ws + "/head").orElseThrow().data().path("history");
    }

    @Test
    void a_lock_a_read_a_write_and_an_unlock_are_one_openbao_call_each() {
        var counting = new Counting();
        StateStore store = new OpenBaoStateStore(new KvV2(counting, kv.mount()), Clock.systemUTC(), 10);
        WorkspaceName ws = fresh();
        put(store, ws, content(1), "w"); // the first change of a workspace in a process also sets its KV window
        counting.calls.clear();

        lock(store, ws, "L1");
        assertThat(counting.calls).as("LOCK").hasSize(1);
        counting.calls.clear();
        store.readCompressed(ws, 0).orElseThrow();
        assertThat(counting.calls).as("GET").hasSize(1);
        counting.calls.clear();
        put(store, ws, content(2), "w");
        assertThat(counting.calls).as("POST").hasSize(1);
        counting.calls.clear();
        unlock(store, ws);
        assertThat(counting.calls).as("UNLOCK").hasSize(1);
        assertThat(counting.calls.getFirst()).startsWith("POST " + kv.mount() + "/data/states/" + ws + "/head");
    }

    @Test
    void a_change_that_loses_every_race_for_seconds_answers_contended_and_writes_nothing() {
        WorkspaceName ws = fresh();
        put(store(10), ws, content(1), "w");
        // Every check-and-set write of the head loses, as if other writers always came first.
        OpenBaoApi losing = (method, path, body, headers) -> method.equals("POST") && path.endsWith("/head")
                && body != null && body.has("options")
                ? new OpenBaoResponse(400, JSON.createObjectNode().set("errors",
                        JSON.createArrayNode().add("check-and-set parameter did not match the current version")))
                : session.client().send(method, path, body, headers);
        StateStore store = new OpenBaoStateStore(new KvV2(losing, kv.mount()), Clock.systemUTC(), 10);
        long started = System.nanoTime();

        String outcome = store.change(ws, head -> StateStore.Decision.write(new StateStore.Change.ReleaseLock(), w -> "written"),
                () -> "contended");

        assertThat(outcome).isEqualTo("contended");
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms of patience").isBetween(4_000L, 30_000L);
        assertThat(store(10).head(ws).state()).map(StateVersion::serial).contains(1L);
    }

    @Test
    void a_large_state_is_kept_as_chunks_each_under_the_one_mib_entry_limit() {
        WorkspaceName ws = fresh();
        byte[] big = large(8 * 1024 * 1024, 3);

        put(store(10), ws, big, "w");

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
    void a_write_the_rule_takes_back_after_a_race_leaves_no_chunks_behind() {
        WorkspaceName ws = fresh();
        StateStore first = store(10);
        StateStore second = store(10);
        put(first, ws, content(1), "w");
        put(second, ws, content(2), "w");
        byte[] big = large(2 * 1024 * 1024, 4);

        // Decided against first's stale head: chunks written, the head moved, and against the real head the rule refuses.
        String outcome = first.change(ws, head -> head.state().orElseThrow().serial() == 1
                ? StateStore.Decision.write(new StateStore.Change.PutState(dev.baozi.orchestrator.state.StateBody.of(big), "late"),
                        w -> "written")
                : StateStore.Decision.answer("refused"), () -> "contended");

        assertThat(outcome).isEqualTo("refused");
        assertThat(kv.list("states/" + ws + "/blobs/")).isEmpty();
    }

    @Test
    void a_state_in_an_archive_entry_of_the_store_before_the_log_is_read_and_loses_it_when_it_leaves_the_retention() {
        WorkspaceName ws = fresh();
        StateStore store = store(1);
        put(store, ws, content(1), "w");
        store.flush();
        // As the store before the log left it: version 1 moved to its archive entry, the head naming it with 0.
        ObjectNode head = kv.read("states/" + ws + "/head").orElseThrow().data().deepCopy();
        kv.put("states/" + ws + "/archive/1", (ObjectNode) head.get("state"));
        ((com.fasterxml.jackson.databind.node.ArrayNode) head.get("history").get(0)).set(1, 0);
        kv.put("states/" + ws + "/head", head);
        assertThat(store(1).read(ws, 1).orElseThrow().content()).isEqualTo(content(1));

        StateStore after = store(1);
        put(after, ws, content(2), "w");
        after.flush();

        assertThat(kv.list("states/" + ws + "/archive/")).isEmpty();
        assertThat(store.versions(ws)).extracting(StateVersion::serial).containsExactly(2L);
    }

    // ---- the earlier layout ----

    /**
     * Writes {@code legacy-layout.json}: the KV entries the earlier layout (pointer
     * {@code states/<ws>/current} whose KV versions were the state versions, lock {@code locks/<ws>})
     * left for a workspace, in the order they were written. Each pointer version names its content
     * as {@code "content"}; it is stored as that layout stored it, gzip base64 in {@code inline}.
     */
    private static void writeLegacy(WorkspaceName ws) throws IOException {
        JsonNode fixture;
        try (InputStream in = OpenBaoStateStoreTest.class.getResourceAsStream("legacy-layout.json")) {
            fixture = JSON.readTree(in);
        }
        String current = "states/" + ws + "/current";
        kv.setMaxVersions(current, 10);
        for (JsonNode version : fixture.path("current")) {
            ObjectNode data = ((ObjectNode) version).deepCopy();
            if (data.has("content")) {
                byte[] content = JSON.writeValueAsBytes(data.remove("content"));
                data.put("inline", Base64.getEncoder().encodeToString(OpenBaoStateStore.gzip(content)))
                        .put("size", content.length)
                        .put("sha256", OpenBaoStateStore.sha256(content))
                        .put("md5", OpenBaoStateStore.md5(content));
            }
            kv.put(current, data);
        }
        kv.put("locks/" + ws, (ObjectNode) fixture.path("lock"));
    }

    private static byte[] legacyContent(long serial) throws IOException {
        try (InputStream in = OpenBaoStateStoreTest.class.getResourceAsStream("legacy-layout.json")) {
            for (JsonNode version : JSON.readTree(in).path("current")) {
                if (version.path("serial").asLong() == serial && version.has("content")) {
                    return JSON.writeValueAsBytes(version.path("content"));
                }
            }
        }
        throw new IllegalArgumentException("no serial " + serial + " in the fixture");
    }

    @Test
    void a_workspace_in_the_earlier_layout_reads_as_it_was_with_its_lock_and_versions() throws IOException {
        WorkspaceName ws = fresh();
        writeLegacy(ws);
        StateStore store = store(10);

        assertThat(store.head(ws).lock()).map(l -> l.info().id()).contains("legacy-lock");
        assertThat(store.head(ws).lock()).map(l -> l.holder()).contains("token:legacy");
        assertThat(store.versions(ws)).extracting(StateVersion::version).containsExactly(3L, 2L, 1L);
        assertThat(store.read(ws, 0).orElseThrow().content()).isEqualTo(legacyContent(3));
        assertThat(store.read(ws, 1).orElseThrow().content()).isEqualTo(legacyContent(1));
        assertThat(store.locks()).extracting(l -> l.workspace()).contains(ws.value());
    }

    @Test
    void the_first_change_converts_the_earlier_layout_and_the_old_entries_go_once_out_of_the_retention() throws IOException {
        WorkspaceName ws = fresh();
        writeLegacy(ws);
        StateStore store = store(3);

        unlock(store, ws); // the lock moves into the head
        store.flush();
        assertThat(kv.read("locks/" + ws)).isEmpty();
        assertThat(store(3).head(ws).lock()).isEmpty();
        assertThat(store(3).versions(ws)).extracting(StateVersion::version).containsExactly(3L, 2L, 1L);

        StateVersion next = put(store, ws, withSerial(legacyContent(3), 4), "w");
        assertThat(next.version()).isEqualTo(4);
        assertThat(store(3).versions(ws)).extracting(StateVersion::version).containsExactly(4L, 3L, 2L);
        assertThat(store(3).read(ws, 2).orElseThrow().content()).isEqualTo(legacyContent(2));
        assertThat(kv.latest("states/" + ws + "/current").version()).isPositive();

        put(store, ws, withSerial(legacyContent(3), 5), "w");
        put(store, ws, withSerial(legacyContent(3), 6), "w");
        store.flush();

        assertThat(store(3).versions(ws)).extracting(StateVersion::version).containsExactly(6L, 5L, 4L);
        assertThat(kv.latest("states/" + ws + "/current").version()).as("the old pointer is removed").isZero();
    }

    private static byte[] withSerial(byte[] content, long serial) throws IOException {
        ObjectNode tree = (ObjectNode) JSON.readTree(content);
        tree.put("serial", serial);
        return JSON.writeValueAsBytes(tree);
    }
}
