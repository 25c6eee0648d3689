package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.state.StateFacts;
import dev.baozi.orchestrator.state.StateStore;
import dev.baozi.orchestrator.state.StateVersion;
import dev.baozi.orchestrator.state.StoredState;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.state.WriteOutcome;
import java.nio.charset.StandardCharsets;
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

    @Test
    void a_workspace_without_state_has_no_head_and_no_content() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();

        assertThat(store.head(ws)).isEmpty();
        assertThat(store.read(ws, 0)).isEmpty();
        assertThat(store.versions(ws)).isEmpty();
    }

    @Test
    void a_written_state_reads_back_byte_for_byte_with_its_facts() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        byte[] content = content(7);

        var outcome = store.write(ws, content, StateFacts.of(content), "tester", 0);

        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        StoredState read = store.read(ws, 0).orElseThrow();
        assertThat(read.content()).isEqualTo(content);
        assertThat(read.version().serial()).isEqualTo(7L);
        assertThat(read.version().lineage()).isEqualTo("l-1");
        assertThat(read.version().who()).isEqualTo("tester");
        assertThat(read.version().size()).isEqualTo(content.length);
    }

    @Test
    void a_write_against_a_stale_head_is_refused_and_changes_nothing() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        store.write(ws, content(1), StateFacts.of(content(1)), "a", 0);
        store.write(ws, content(2), StateFacts.of(content(2)), "b", 1);

        var outcome = store.write(ws, content(3), StateFacts.of(content(3)), "c", 1);

        assertThat(outcome).isInstanceOf(WriteOutcome.Moved.class);
        assertThat(store.read(ws, 0).orElseThrow().content()).isEqualTo(content(2));
        assertThat(store.head(ws).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void every_write_is_a_version_and_old_versions_stay_readable() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        for (long serial = 1; serial <= 3; serial++) {
            store.write(ws, content(serial), StateFacts.of(content(serial)), "w", serial - 1);
        }

        assertThat(store.versions(ws)).extracting(StateVersion::version).containsExactly(3L, 2L, 1L);
        assertThat(store.read(ws, 1).orElseThrow().content()).isEqualTo(content(1));
        assertThat(store.read(ws, 2).orElseThrow().content()).isEqualTo(content(2));
    }

    @Test
    void a_delete_hides_the_state_but_keeps_its_history() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        store.write(ws, content(1), StateFacts.of(content(1)), "w", 0);

        var outcome = store.delete(ws, "d", 1);

        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        assertThat(store.read(ws, 0)).isEmpty();
        assertThat(store.head(ws).orElseThrow().deleted()).isTrue();
        assertThat(store.read(ws, 1).orElseThrow().content()).isEqualTo(content(1));
    }

    @Test
    void a_state_larger_than_one_storage_entry_round_trips() {
        StateStore store = store(10);
        WorkspaceName ws = fresh();
        byte[] big = large(6 * 1024 * 1024, 1);

        store.write(ws, big, StateFacts.of(big), "w", 0);

        assertThat(store.read(ws, 0).orElseThrow().content()).isEqualTo(big);
    }

    @Test
    void versions_beyond_the_retention_are_dropped_and_the_rest_stay_readable() {
        StateStore store = store(2);
        WorkspaceName ws = fresh();
        byte[] first = large(3 * 1024 * 1024, 2);
        store.write(ws, first, StateFacts.of(first), "w", 0);
        for (long serial = 2; serial <= 4; serial++) {
            store.write(ws, content(serial), StateFacts.of(content(serial)), "w", serial - 1);
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

        store.write(ws, encrypted, StateFacts.of(encrypted), "w", 0);

        StoredState read = store.read(ws, 0).orElseThrow();
        assertThat(read.content()).isEqualTo(encrypted);
        assertThat(read.version().serial()).isNull();
        assertThat(read.version().lineage()).isNull();
    }
}
