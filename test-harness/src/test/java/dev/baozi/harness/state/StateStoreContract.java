package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.state.HeldLock;
import dev.baozi.orchestrator.state.LockInfo;
import dev.baozi.orchestrator.state.StateBody;
import dev.baozi.orchestrator.state.StateHead;
import dev.baozi.orchestrator.state.StateStore;
import dev.baozi.orchestrator.state.StateStore.Change;
import dev.baozi.orchestrator.state.StateStore.Decision;
import dev.baozi.orchestrator.state.StateVersion;
import dev.baozi.orchestrator.state.StoredState;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link StateStore} must do. Implementations run it by extending this class. */
public abstract class StateStoreContract {

    /** A fresh store keeping {@code retention} versions per workspace. */
    protected abstract StateStore store(int retention);

    protected static WorkspaceName fresh() {
        return new WorkspaceName("ws-" + UUID.randomUUID().toString().substring(0, 8));
    }

    protected static byte[] content(long serial) {
        return ("{\"version\":4,\"serial\":" + serial + ",\"lineage\":\"l-1\",\"resources\":[]}").getBytes(StandardCharsets.UTF_8);
    }

    /** JSON of about {@code bytes} bytes that compresses like a real state (about 4:1), not like zeros. */
    protected static byte[] large(int bytes, long seed) {
        var random = new Random(seed);
        var sb = new StringBuilder(bytes + 100).append("{\"version\":4,\"serial\":1,\"lineage\":\"l\",\"resources\":[");
        int i = 0;
        while (sb.length() < bytes) {
            sb.append("{\"type\":\"terraform_data\",\"name\":\"r").append(i++).append("\",\"id\":\"")
                    .append(Long.toHexString(random.nextLong())).append(Long.toHexString(random.nextLong()))
                    .append("\",\"input\":\"").append(Long.toString(random.nextLong(), 36)).append("\"},");
        }
        sb.append("{}]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code content} as the next version whatever the head; the version written. */
    protected static StateVersion put(StateStore store, WorkspaceName ws, byte[] content, String who) {
        return store.change(ws, head -> Decision.write(new Change.PutState(StateBody.of(content), who),
                written -> written.state().orElseThrow()), () -> null);
    }

    protected static HeldLock lock(StateStore store, WorkspaceName ws, String id) {
        var lock = new HeldLock(ws.value(), new LockInfo(id, "OperationTypeApply", "", "tester", "1.10.0", Instant.now().toString(), ""),
                "tester", Instant.now());
        return store.change(ws, head -> head.lock().isPresent() ? Decision.answer(head.lock().get())
                : Decision.write(new Change.TakeLock(lock), written -> written.lock().orElseThrow()), () -> null);
    }

    protected static void unlock(StateStore store, WorkspaceName ws) {
        store.change(ws, head -> Decision.write(new Change.ReleaseLock(), written -> written), () -> null);
    }

    @Test
    void a_workspace_without_state_has_no_head_and_no_content() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();

        assertThat(store.head(ws)).isEqualTo(StateHead.EMPTY);
        assertThat(store.read(ws, 0)).isEmpty();
        assertThat(store.versions(ws)).isEmpty();
    }

    @Test
    void a_written_state_reads_back_byte_for_byte_with_its_facts() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        byte[] content = content(7);

        StateVersion written = put(store, ws, content, "tester");

        assertThat(written.version()).isEqualTo(1);
        StoredState read = store.read(ws, 0).orElseThrow();
        assertThat(read.content()).isEqualTo(content);
        assertThat(read.version().serial()).isEqualTo(7L);
        assertThat(read.version().lineage()).isEqualTo("l-1");
        assertThat(read.version().who()).isEqualTo("tester");
        assertThat(read.version().size()).isEqualTo(content.length);
    }

    @Test
    void a_rule_decides_again_against_the_head_another_store_moved_and_nothing_it_decided_before_is_written() {
        WorkspaceName ws = fresh();
        StateStore first = store(10);
        StateStore second = store(10);
        put(first, ws, content(1), "first");
        put(second, ws, content(2), "second"); // first's remembered head is stale now

        List<Optional<StateVersion>> seen = new ArrayList<>();
        StateVersion written = first.change(ws, head -> {
            seen.add(head.state());
            return Decision.write(new Change.PutState(StateBody.of(content(3)), "first"), w -> w.state().orElseThrow());
        }, () -> null);

        assertThat(seen).extracting(s -> s.orElseThrow().version()).containsExactly(1L, 2L);
        assertThat(written.version()).isEqualTo(3);
        assertThat(first.versions(ws)).extracting(StateVersion::who).containsExactly("first", "second", "first");
    }

    @Test
    void an_answer_decided_against_a_remembered_head_is_checked_against_the_stored_one() {
        WorkspaceName ws = fresh();
        StateStore first = store(10);
        StateStore second = store(10);
        lock(first, ws, "L1");
        unlock(second, ws); // first still remembers L1 as held

        List<Boolean> lockedSeen = new ArrayList<>();
        String answer = first.change(ws, head -> {
            lockedSeen.add(head.lock().isPresent());
            return Decision.answer(head.lock().map(l -> "held").orElse("free"));
        }, () -> "contended");

        assertThat(lockedSeen).containsExactly(true, false);
        assertThat(answer).isEqualTo("free");
    }

    @Test
    void the_lock_and_the_state_live_in_one_head_and_a_state_write_keeps_the_lock() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        lock(store, ws, "L1");

        put(store, ws, content(1), "w");

        StateHead head = store(10).head(ws);
        assertThat(head.lock()).map(l -> l.info().id()).contains("L1");
        assertThat(head.state()).map(StateVersion::serial).contains(1L);
    }

    @Test
    void locks_are_listed_with_their_workspace_and_released_ones_are_not() {
        StateStore store = store(10);
        WorkspaceName held = fresh();
        WorkspaceName released = fresh();
        lock(store, held, "H");
        lock(store, released, "R");
        unlock(store, released);

        assertThat(store.locks()).extracting(HeldLock::workspace).contains(held.value()).doesNotContain(released.value());
    }

    @Test
    void every_write_is_a_version_and_old_versions_stay_readable() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        for (long serial = 1; serial <= 3; serial++) {
            put(store, ws, content(serial), "w");
        }

        assertThat(store.versions(ws)).extracting(StateVersion::version).containsExactly(3L, 2L, 1L);
        assertThat(store.read(ws, 1).orElseThrow().content()).isEqualTo(content(1));
        assertThat(store.read(ws, 2).orElseThrow().content()).isEqualTo(content(2));
    }

    @Test
    void lock_changes_are_not_versions_and_retention_n_keeps_exactly_n_states_after_3n_lock_write_unlock_cycles() {
        int n = 4;
        StateStore store = store(n);
        WorkspaceName ws = fresh();
        for (long serial = 1; serial <= 3L * n; serial++) {
            lock(store, ws, "L" + serial);
            put(store, ws, content(serial), "w");
            unlock(store, ws);
        }

        List<StateVersion> versions = store(n).versions(ws);
        assertThat(versions).extracting(StateVersion::serial).containsExactly(12L, 11L, 10L, 9L);
        assertThat(versions).extracting(StateVersion::version).containsExactly(12L, 11L, 10L, 9L);
        for (StateVersion v : versions) {
            assertThat(store.read(ws, v.version()).orElseThrow().content()).isEqualTo(content(v.serial()));
        }
        assertThat(store.read(ws, 8)).isEmpty();
    }

    @Test
    void many_locks_without_writes_push_no_retained_state_out() {
        int n = 2;
        StateStore store = store(n);
        WorkspaceName ws = fresh();
        put(store, ws, content(1), "w");
        put(store, ws, content(2), "w");
        for (int plan = 0; plan < 40; plan++) { // each like a plan: lock, then unlock, no write
            lock(store, ws, "P" + plan);
            unlock(store, ws);
        }

        assertThat(store.versions(ws)).extracting(StateVersion::serial).containsExactly(2L, 1L);
        assertThat(store.read(ws, 1).orElseThrow().content()).isEqualTo(content(1));
        assertThat(store.read(ws, 2).orElseThrow().content()).isEqualTo(content(2));

        put(store, ws, content(3), "w");
        put(store, ws, content(4), "w");
        assertThat(store.versions(ws)).extracting(StateVersion::serial).containsExactly(4L, 3L);
        assertThat(store.read(ws, 1)).isEmpty();
    }

    @Test
    void a_delete_hides_the_state_but_keeps_its_history() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        put(store, ws, content(1), "w");

        StateVersion deleted = store.change(ws, head -> Decision.write(new Change.DeleteState("d"),
                written -> written.state().orElseThrow()), () -> null);

        assertThat(deleted.deleted()).isTrue();
        assertThat(store.read(ws, 0)).isEmpty();
        assertThat(store.head(ws).state().orElseThrow().deleted()).isTrue();
        assertThat(store.read(ws, 1).orElseThrow().content()).isEqualTo(content(1));
    }

    @Test
    void a_state_larger_than_one_storage_entry_round_trips() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        byte[] big = large(6 * 1024 * 1024, 1);

        put(store, ws, big, "w");

        assertThat(store.read(ws, 0).orElseThrow().content()).isEqualTo(big);
    }

    @Test
    void versions_beyond_the_retention_are_dropped_and_the_rest_stay_readable() {
        StateStore store = store(2);
        WorkspaceName ws = fresh();
        byte[] first = large(3 * 1024 * 1024, 2);
        put(store, ws, first, "w");
        for (long serial = 2; serial <= 4; serial++) {
            put(store, ws, content(serial), "w");
        }

        assertThat(store.versions(ws)).extracting(StateVersion::version).containsExactly(4L, 3L);
        assertThat(store.read(ws, 1)).isEmpty();
        assertThat(store.read(ws, 3).orElseThrow().content()).isEqualTo(content(3));
    }

    @Test
    void opaque_content_is_stored_without_facts() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        byte[] encrypted = "{\"meta\":{},\"encrypted_data\":\"AAAA\",\"encryption_version\":\"v0\"}".getBytes(StandardCharsets.UTF_8);

        put(store, ws, encrypted, "w");

        StoredState read = store.read(ws, 0).orElseThrow();
        assertThat(read.content()).isEqualTo(encrypted);
        assertThat(read.version().serial()).isNull();
        assertThat(read.version().lineage()).isNull();
    }
}
