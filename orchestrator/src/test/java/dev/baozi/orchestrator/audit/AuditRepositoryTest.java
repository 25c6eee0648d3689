package dev.baozi.orchestrator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events are queued by {@code record} and written in the background, yet every read and every clean stop sees them all. */
class AuditRepositoryTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    private String url;
    private Database database;

    @BeforeEach
    void open() {
        url = "jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        database = Database.open(new BaoziConfig.Database(url, "sa", ""));
    }

    @AfterEach
    void close() {
        database.close();
    }

    private int rows() {
        return database.dsl().fetchCount(database.dsl().selectFrom("audit_event"));
    }

    @Test
    void an_event_just_recorded_is_read_back_by_the_same_instance() {
        var audit = new AuditRepository(database.dsl(), CLOCK);

        audit.record("state-token:ci", "state.write", "web", "200", "serial 3");

        assertThat(audit.latest(1)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("state-token:ci");
            assertThat(e.action()).isEqualTo("state.write");
            assertThat(e.target()).isEqualTo("web");
            assertThat(e.outcome()).isEqualTo("200");
            assertThat(e.detail()).isEqualTo("serial 3");
            assertThat(e.occurredAt().toInstant()).isEqualTo(CLOCK.instant());
        });
    }

    @Test
    void a_clean_stop_writes_every_event_still_queued() {
        var audit = new AuditRepository(database.dsl(), CLOCK);
        IntStream.range(0, 50).forEach(i -> audit.record("admin", "token.create", "ws-" + i, "201", null));

        audit.close();

        assertThat(rows()).isEqualTo(50);
    }

    @Test
    void events_recorded_by_many_threads_at_once_are_all_written_each_threads_in_its_order() throws Exception {
        var audit = new AuditRepository(database.dsl(), CLOCK);
        int threads = 8;
        int each = 2 * AuditRepository.BATCH / threads + 7;
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            running.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    audit.record("t" + thread, "state.read", "ws", "200", String.valueOf(i));
                }
            }));
        }
        for (Thread t : running) {
            t.join();
        }

        List<AuditEvent> all = audit.latest(threads * each + 1).reversed();

        assertThat(all).hasSize(threads * each);
        for (int t = 0; t < threads; t++) {
            String actor = "t" + t;
            assertThat(all.stream().filter(e -> e.actor().equals(actor)).map(AuditEvent::detail).toList())
                    .containsExactlyElementsOf(IntStream.range(0, each).mapToObj(String::valueOf).toList());
        }
    }
}
