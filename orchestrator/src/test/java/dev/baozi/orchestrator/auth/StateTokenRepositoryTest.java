package dev.baozi.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How long a live state token found is remembered, and that revocations still take effect. */
class StateTokenRepositoryTest {

    private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private Database database;
    private StateTokenRepository here;
    /** Another instance on the same database. */
    private StateTokenRepository elsewhere;

    @BeforeEach
    void open() {
        database = Database.open(new BaoziConfig.Database("jdbc:h2:mem:state-tokens-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "sa", ""));
        here = new StateTokenRepository(database.dsl(), StateTokenRepository.REMEMBERED, nanos::get);
        elsewhere = new StateTokenRepository(database.dsl(), StateTokenRepository.REMEMBERED, nanos::get);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private StateToken issue(String workspace, String hash) {
        return here.insert(workspace, "ci", TokenAccess.READ_WRITE, hash, "admin", CREATED);
    }

    @Test
    void a_token_revoked_on_this_instance_is_refused_at_once_though_it_was_just_found() {
        StateToken token = issue("ws", "hash-1");
        assertThat(here.findLive("hash-1")).isPresent();

        here.revoke("ws", token.id(), CREATED.plusMinutes(1));

        assertThat(here.findLive("hash-1")).isEmpty();
    }

    @Test
    void revoking_every_token_of_a_workspace_on_this_instance_is_effective_at_once_and_spares_other_workspaces() {
        issue("ws", "hash-1");
        issue("ws", "hash-2");
        issue("other", "hash-3");
        assertThat(here.findLive("hash-1")).isPresent();
        assertThat(here.findLive("hash-2")).isPresent();
        assertThat(here.findLive("hash-3")).isPresent();

        here.revokeAllOf("ws", CREATED.plusMinutes(1));

        assertThat(here.findLive("hash-1")).isEmpty();
        assertThat(here.findLive("hash-2")).isEmpty();
        assertThat(here.findLive("hash-3")).isPresent();
    }

    @Test
    void a_token_revoked_by_another_instance_is_refused_here_once_the_remembered_time_is_up() {
        StateToken token = issue("ws", "hash-1");
        assertThat(here.findLive("hash-1")).isPresent();

        elsewhere.revoke("ws", token.id(), CREATED.plusMinutes(1));
        nanos.addAndGet(StateTokenRepository.REMEMBERED.toNanos() - 1);
        boolean stillTrusted = here.findLive("hash-1").isPresent();
        nanos.addAndGet(1);

        assertThat(stillTrusted).as("within the remembered time").isTrue();
        assertThat(here.findLive("hash-1")).isEmpty();
        assertThat(elsewhere.findLive("hash-1")).isEmpty();
    }

    @Test
    void an_unknown_token_is_not_remembered_as_missing_so_a_token_issued_later_works_at_once() {
        assertThat(elsewhere.findLive("hash-1")).isEmpty();

        issue("ws", "hash-1");

        assertThat(elsewhere.findLive("hash-1")).isPresent();
    }
}
