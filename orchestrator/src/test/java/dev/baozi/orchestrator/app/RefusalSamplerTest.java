package dev.baozi.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.MovableClock;
import dev.baozi.orchestrator.audit.AuditEvent;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.config.ConfigLoader;
import dev.baozi.orchestrator.db.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sampling of unauthenticated refusals, on a Flyway-migrated H2 with a clock the test moves. */
class RefusalSamplerTest {

    private Database database;
    private AuditRepository audit;
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T08:00:00Z"));

    @BeforeEach
    void open() {
        database = Database.open(ConfigLoader.load(null, Map.of(
                "BAOZI_DB_URL", "jdbc:h2:mem:sampler-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                "BAOZI_OPENBAO_ADDRESS", "http://127.0.0.1:1",
                "BAOZI_OPENBAO_APPROLE_ROLE_ID", "unused",
                "BAOZI_OPENBAO_APPROLE_SECRET_ID", "unused")).database());
        audit = new AuditRepository(database.dsl(), clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private List<AuditEvent> rows() {
        return audit.search("anonymous", "", "", 100).reversed();
    }

    @Test
    void the_first_refusal_of_a_source_is_recorded_and_the_rest_of_its_window_summarised_once_it_ends() {
        var sampler = new RefusalSampler(audit, clock);
        sampler.refused("10.0.0.1", "state.get", "alpha");
        for (int i = 0; i < 99; i++) {
            sampler.refused("10.0.0.1", "state.post", i % 2 == 0 ? "alpha" : "beta");
        }
        assertThat(rows()).hasSize(1);

        clock.advance(RefusalSampler.WINDOW);
        sampler.summarise();

        var rows = rows();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).action()).isEqualTo("state.get");
        assertThat(rows.get(1).action()).isEqualTo("state.refused-summary");
        assertThat(rows.get(1).detail()).startsWith("99 more unauthenticated request(s) from 10.0.0.1 refused between "
                + "2026-12-03T08:00:00Z and 2026-12-03T08:01:00Z").endsWith("(workspaces: alpha, beta)");
    }

    @Test
    void each_source_has_its_own_window_and_a_source_refused_once_gets_no_summary() {
        var sampler = new RefusalSampler(audit, clock);
        sampler.refused("10.0.0.1", "state.get", "alpha");
        sampler.refused("10.0.0.2", "state.get", "alpha");
        sampler.refused("10.0.0.2", "state.get", "alpha");
        clock.advance(Duration.ofMinutes(5));

        sampler.refused("10.0.0.1", "state.lock", "gamma");

        assertThat(rows()).extracting(AuditEvent::action)
                .containsExactly("state.get", "state.get", "state.refused-summary", "state.lock");
        assertThat(rows().get(2).detail()).startsWith("1 more unauthenticated request(s) from 10.0.0.2");
    }
}
