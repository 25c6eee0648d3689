package dev.baozi.harness.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baozi.orchestrator.audit.AuditEvent;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.StateToken;
import dev.baozi.orchestrator.auth.StateTokenRepository;
import dev.baozi.orchestrator.auth.TokenAccess;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.SQLStateClass;
import org.junit.jupiter.api.Test;

/**
 * What the orchestrator's repositories must do on every database it supports, through the same
 * Flyway migrations. Each database runs it by extending this class; a new repository adds its
 * cases here once.
 */
public abstract class PersistenceContract {

    /** An instant with microseconds (the precision both databases keep) in a zone that is not UTC. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-14T15:09:26.535897Z"), ZoneId.of("Europe/Berlin"));
    private static final Comparator<OffsetDateTime> SAME_INSTANT = Comparator.comparing(OffsetDateTime::toInstant);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The database opened (and migrated) once for the subclass. */
    protected abstract Database database();

    /** The settings {@link #database()} was opened with. */
    protected abstract BaoziConfig.Database settings();

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String tokenHash() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static OffsetDateTime created() {
        return OffsetDateTime.of(2025, 6, 1, 12, 30, 45, 123_456_000, ZoneOffset.ofHours(2));
    }

    // audit

    @Test
    void audit_events_come_back_newest_first_with_every_field() {
        var audit = new AuditRepository(database().dsl(), CLOCK);
        String actor = unique("actor");

        audit.record(actor, "state.write", "ws-a", "ok", "serial 3");
        audit.record(actor, "state.lock", "ws-b", "refused", null);
        audit.record(actor, "token.create", "ws-c", "ok", "x".repeat(2000));

        List<AuditEvent> latest = audit.latest(3);
        assertThat(latest).extracting(AuditEvent::actor).containsOnly(actor);
        assertThat(latest).extracting(AuditEvent::action).containsExactly("token.create", "state.lock", "state.write");
        assertThat(latest).extracting(AuditEvent::target).containsExactly("ws-c", "ws-b", "ws-a");
        assertThat(latest).extracting(AuditEvent::outcome).containsExactly("ok", "refused", "ok");
        assertThat(latest).extracting(AuditEvent::detail).containsExactly("x".repeat(2000), null, "serial 3");
        assertThat(latest.get(0).id()).isGreaterThan(latest.get(1).id());
        assertThat(latest.get(1).id()).isGreaterThan(latest.get(2).id());
    }

    @Test
    void an_audit_timestamp_keeps_its_instant_to_the_microsecond_whatever_zone_it_was_written_in() {
        var audit = new AuditRepository(database().dsl(), CLOCK);

        audit.record(unique("actor"), "state.read", "ws", "ok", null);

        assertThat(audit.latest(1).getFirst().occurredAt().toInstant()).isEqualTo(CLOCK.instant());
    }

    @Test
    void latest_returns_no_more_events_than_asked_for() {
        var audit = new AuditRepository(database().dsl(), CLOCK);
        String actor = unique("actor");
        for (int i = 0; i < 5; i++) {
            audit.record(actor, "state.read", "ws-" + i, "ok", null);
        }

        assertThat(audit.latest(2)).extracting(AuditEvent::target).containsExactly("ws-4", "ws-3");
    }

    // state tokens

    @Test
    void a_live_token_is_found_by_its_hash_with_every_field() {
        var tokens = new StateTokenRepository(database().dsl());
        String ws = unique("ws");
        String hash = tokenHash();

        StateToken inserted = tokens.insert(ws, "ci", TokenAccess.READ_WRITE, hash, "admin", created());

        assertThat(inserted.id()).isPositive();
        assertThat(inserted.createdAt()).isEqualTo(created().withOffsetSameInstant(inserted.createdAt().getOffset()));
        assertThat(tokens.findLive(hash)).get()
                .usingRecursiveComparison()
                .withComparatorForType(SAME_INSTANT, OffsetDateTime.class)
                .isEqualTo(new StateToken(inserted.id(), ws, "ci", TokenAccess.READ_WRITE, "admin", created(), null));
    }

    @Test
    void an_unknown_hash_finds_no_token() {
        var tokens = new StateTokenRepository(database().dsl());

        assertThat(tokens.findLive(tokenHash())).isEmpty();
    }

    @Test
    void a_workspace_lists_its_own_tokens_in_creation_order() {
        var tokens = new StateTokenRepository(database().dsl());
        String ws = unique("ws");
        String other = unique("ws");
        tokens.insert(ws, "first", TokenAccess.READ_ONLY, tokenHash(), "admin", created());
        tokens.insert(other, "elsewhere", TokenAccess.READ_WRITE, tokenHash(), "admin", created());
        tokens.insert(ws, "second", TokenAccess.READ_WRITE, tokenHash(), "admin", created());

        assertThat(tokens.forWorkspace(ws)).extracting(StateToken::name).containsExactly("first", "second");
        assertThat(tokens.forWorkspace(ws)).extracting(StateToken::access)
                .containsExactly(TokenAccess.READ_ONLY, TokenAccess.READ_WRITE);
        assertThat(tokens.forWorkspace(unique("ws"))).isEmpty();
    }

    @Test
    void a_revoked_token_is_no_longer_live_but_stays_listed_with_its_revocation_time() {
        var tokens = new StateTokenRepository(database().dsl());
        String ws = unique("ws");
        String hash = tokenHash();
        StateToken token = tokens.insert(ws, "ci", TokenAccess.READ_WRITE, hash, "admin", created());
        OffsetDateTime revokedAt = created().plusHours(1);

        assertThat(tokens.revoke(ws, token.id(), revokedAt)).isTrue();

        assertThat(tokens.findLive(hash)).isEmpty();
        assertThat(tokens.forWorkspace(ws)).singleElement()
                .satisfies(t -> assertThat(t.revokedAt().toInstant()).isEqualTo(revokedAt.toInstant()));
    }

    @Test
    void revoking_is_refused_for_another_workspace_and_for_a_token_already_revoked() {
        var tokens = new StateTokenRepository(database().dsl());
        String ws = unique("ws");
        String hash = tokenHash();
        StateToken token = tokens.insert(ws, "ci", TokenAccess.READ_ONLY, hash, "admin", created());

        assertThat(tokens.revoke(unique("ws"), token.id(), created())).isFalse();
        assertThat(tokens.findLive(hash)).isPresent();
        assertThat(tokens.revoke(ws, token.id(), created())).isTrue();
        assertThat(tokens.revoke(ws, token.id(), created().plusDays(1))).isFalse();
        assertThat(tokens.forWorkspace(ws).getFirst().revokedAt().toInstant()).isEqualTo(created().toInstant());
    }

    @Test
    void a_second_token_with_the_same_hash_is_refused_as_an_integrity_violation() {
        var tokens = new StateTokenRepository(database().dsl());
        String hash = tokenHash();
        String ws = unique("ws");
        tokens.insert(ws, "first", TokenAccess.READ_ONLY, hash, "admin", created());

        assertThatThrownBy(() -> tokens.insert(unique("ws"), "copy", TokenAccess.READ_WRITE, hash, "admin", created()))
                .isInstanceOfSatisfying(DataAccessException.class,
                        e -> assertThat(e.sqlStateClass()).isEqualTo(SQLStateClass.C23_INTEGRITY_CONSTRAINT_VIOLATION));
        assertThat(tokens.forWorkspace(ws)).extracting(StateToken::name).containsExactly("first");
    }

    // migrations

    @Test
    void opening_the_database_again_runs_no_migration_and_keeps_the_data() {
        String actor = unique("actor");
        new AuditRepository(database().dsl(), CLOCK).record(actor, "state.write", "ws", "ok", null);
        List<String> before = applied();

        try (Database again = Database.open(settings())) {
            assertThat(applied()).isEqualTo(before);
            assertThat(new AuditRepository(again.dsl(), CLOCK).latest(1))
                    .extracting(AuditEvent::actor).containsExactly(actor);
        }
        assertThat(before).isNotEmpty();
    }

    @Test
    void the_side_plan_migration_moves_each_runs_dns_plan_into_its_own_table_and_drops_the_old_columns() throws Exception {
        String schema = "move_" + UUID.randomUUID().toString().substring(0, 8);
        // in a schema of its own: to V11, rows written as the old columns held them, then the rest
        Flyway.configure().dataSource(settings().url(), settings().user(), settings().password()).locations("classpath:db/migration")
                .schemas(schema).createSchemas(true).target("11").load().migrate();
        try (var c = java.sql.DriverManager.getConnection(settings().url(), settings().user(), settings().password())) {
            c.setSchema(flywaySchema(c, schema));
            var dsl = org.jooq.impl.DSL.using(c);
            dsl.execute("insert into workspace (name, template, inputs_json, tofu_version, created_by, created_at)"
                    + " values ('shop', 'deployment', '{}', '1.12.6', 'admin', current_timestamp)");
            long ws = ((Number) dsl.fetchValue("select id from workspace where name = 'shop'")).longValue();
            for (String dns : List.of("with", "without")) {
                dsl.execute("insert into run (workspace_id, status, destroy, queued_by, queued_at, dns_plan_json, dns_changes,"
                        + " dns_force_reason, dns_forced) values (?, 'applied', false, 'olga', current_timestamp, ?, ?, ?, ?)", ws,
                        dns.equals("with") ? "{\"zones\":[]}" : null, dns.equals("with") ? 13 : null,
                        dns.equals("with") ? "Too many updates" : null, dns.equals("with") ? true : null);
            }
        }
        Flyway.configure().dataSource(settings().url(), settings().user(), settings().password()).locations("classpath:db/migration")
                .schemas(schema).load().migrate();

        try (var c = java.sql.DriverManager.getConnection(settings().url(), settings().user(), settings().password())) {
            String created = flywaySchema(c, schema);
            c.setSchema(created);
            var moved = org.jooq.impl.DSL.using(c).fetch("select kind, document, changes, force_reason, forced from run_side_plan");
            List<String> runColumns = new java.util.ArrayList<>();
            try (var columns = c.getMetaData().getColumns(null, created, null, null)) {
                while (columns.next()) {
                    if (columns.getString("TABLE_NAME").equalsIgnoreCase("run")) {
                        runColumns.add(columns.getString("COLUMN_NAME").toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }

            assertThat(moved).hasSize(1);
            assertThat(moved.get(0).get(0, String.class)).isEqualTo("dns");
            assertThat(moved.get(0).get(1, String.class)).isEqualTo("{\"zones\":[]}");
            assertThat(moved.get(0).get(2, Integer.class)).isEqualTo(13);
            assertThat(moved.get(0).get(3, String.class)).isEqualTo("Too many updates");
            assertThat(moved.get(0).get(4, Boolean.class)).isTrue();
            assertThat(runColumns).contains("plan_json").noneMatch(name -> name.startsWith("dns_"));
        }
    }

    /** {@code schema} as Flyway created it on this database (H2 keeps the case it was given quoted; PostgreSQL too). */
    private static String flywaySchema(java.sql.Connection c, String schema) throws java.sql.SQLException {
        try (var schemas = c.getMetaData().getSchemas()) {
            while (schemas.next()) {
                if (schemas.getString("TABLE_SCHEM").equalsIgnoreCase(schema)) {
                    return schemas.getString("TABLE_SCHEM");
                }
            }
        }
        throw new AssertionError("Flyway created no schema " + schema);
    }

    /** Each applied migration as version, installation rank and time, from Flyway's own history table. */
    private List<String> applied() {
        var flyway = Flyway.configure()
                .dataSource(settings().url(), settings().user(), settings().password())
                .locations("classpath:db/migration")
                .load();
        var info = flyway.info();
        assertThat(info.pending()).as("migrations pending on %s", settings().url()).isEmpty();
        return Arrays.stream(info.applied())
                .map(m -> m.getVersion() + "#" + m.getInstalledRank() + "@" + m.getInstalledOn().getTime() + ":" + m.getState())
                .toList();
    }

    // users, workspaces, runs, run logs

    @Test
    void a_user_is_found_by_a_live_api_token_and_not_by_another() {
        var users = new dev.baozi.orchestrator.auth.UserRepository(database().dsl());
        var user = users.insert(unique("u"), dev.baozi.orchestrator.auth.Role.APPROVER, created());
        String hash = tokenHash();
        users.insertToken(user.id(), "laptop", hash, created());

        assertThat(users.byLiveToken(hash)).hasValueSatisfying(u -> {
            assertThat(u.name()).isEqualTo(user.name());
            assertThat(u.role()).isEqualTo(dev.baozi.orchestrator.auth.Role.APPROVER);
        });
        assertThat(users.byLiveToken(tokenHash())).isEmpty();
        assertThat(users.byName(user.name())).isPresent();
    }

    @Test
    void a_users_password_hash_and_must_change_flag_are_stored_and_replaced_only_from_the_expected_hash() {
        var users = new dev.baozi.orchestrator.auth.UserRepository(database().dsl());
        var user = users.insert(unique("u"), dev.baozi.orchestrator.auth.Role.VIEWER, created());
        assertThat(users.credentials(user.name())).hasValueSatisfying(c -> {
            assertThat(c.hasPassword()).isFalse();
            assertThat(c.mustChangePassword()).isFalse();
        });

        assertThat(users.setPassword(user.id(), "$argon2id$first", true)).isTrue();

        assertThat(users.anyWithPassword()).isTrue();
        assertThat(users.credentials(user.id())).hasValueSatisfying(c -> {
            assertThat(c.passwordHash()).isEqualTo("$argon2id$first");
            assertThat(c.mustChangePassword()).isTrue();
            assertThat(c.role()).isEqualTo(dev.baozi.orchestrator.auth.Role.VIEWER);
        });
        assertThat(users.replacePasswordHash(user.id(), "$argon2id$stale", "$argon2id$second")).isFalse();
        assertThat(users.replacePasswordHash(user.id(), "$argon2id$first", "$argon2id$second")).isTrue();
        assertThat(users.credentials(user.name()).orElseThrow().passwordHash()).isEqualTo("$argon2id$second");
        users.setRole(user.id(), dev.baozi.orchestrator.auth.Role.ADMIN);
        users.recordLogin(user.id(), created());
        assertThat(users.byName(user.name()).orElseThrow().role()).isEqualTo(dev.baozi.orchestrator.auth.Role.ADMIN);
        assertThat(users.setPassword(-1, "$argon2id$nobody", false)).isFalse();
    }

    // UI sessions

    @Test
    void a_ui_session_is_found_by_its_token_hash_with_its_user_while_it_is_live() {
        var users = new dev.baozi.orchestrator.auth.UserRepository(database().dsl());
        var sessions = new dev.baozi.orchestrator.auth.SessionRepository(database().dsl());
        var user = users.insert(unique("u"), dev.baozi.orchestrator.auth.Role.APPROVER, created());
        users.setPassword(user.id(), "$argon2id$x", true);
        String hash = tokenHash();
        OffsetDateTime at = created();

        long id = sessions.insert(user.id(), hash, "csrf-" + hash.substring(0, 8), at, at.plusHours(2));

        var expected = new dev.baozi.orchestrator.auth.UiSession(id, user.id(), user.name(),
                dev.baozi.orchestrator.auth.Role.APPROVER, true, "csrf-" + hash.substring(0, 8), at.plusHours(2));
        assertThat(sessions.findLive(hash, at.plusMinutes(1), at.minusMinutes(29))).get()
                .usingRecursiveComparison()
                .withComparatorForType(SAME_INSTANT, OffsetDateTime.class)
                .isEqualTo(expected);
        assertThat(sessions.findLive(id, at.plusMinutes(1), at.minusMinutes(29))).isPresent();
        assertThat(sessions.findLive(tokenHash(), at.plusMinutes(1), at.minusMinutes(29))).isEmpty();
        assertThat(sessions.findLive(hash, at.plusHours(2), at.minusMinutes(29))).as("at its expiry").isEmpty();
        assertThat(sessions.findLive(hash, at.plusMinutes(31), at.plusMinutes(1))).as("idle since").isEmpty();
    }

    @Test
    void touching_a_ui_session_writes_only_when_it_was_last_seen_before_the_given_time() {
        var users = new dev.baozi.orchestrator.auth.UserRepository(database().dsl());
        var sessions = new dev.baozi.orchestrator.auth.SessionRepository(database().dsl());
        var user = users.insert(unique("u"), dev.baozi.orchestrator.auth.Role.VIEWER, created());
        String hash = tokenHash();
        OffsetDateTime at = created();
        long id = sessions.insert(user.id(), hash, "csrf", at, at.plusHours(2));

        assertThat(sessions.touch(id, at.plusSeconds(30), at.minusSeconds(30))).isFalse();
        assertThat(sessions.touch(id, at.plusSeconds(90), at.plusSeconds(30))).isTrue();

        assertThat(sessions.findLive(hash, at.plusMinutes(31), at.plusSeconds(60))).as("seen at +90s").isPresent();
        assertThat(sessions.findLive(hash, at.plusMinutes(31), at.plusSeconds(90))).isEmpty();
    }

    @Test
    void revoking_ends_one_ui_session_or_all_of_one_user_and_ended_ones_are_deleted_later() {
        var users = new dev.baozi.orchestrator.auth.UserRepository(database().dsl());
        var sessions = new dev.baozi.orchestrator.auth.SessionRepository(database().dsl());
        var alice = users.insert(unique("u"), dev.baozi.orchestrator.auth.Role.VIEWER, created());
        var bob = users.insert(unique("u"), dev.baozi.orchestrator.auth.Role.VIEWER, created());
        OffsetDateTime at = created();
        String a1 = tokenHash();
        String a2 = tokenHash();
        String a3 = tokenHash();
        String b1 = tokenHash();
        sessions.insert(alice.id(), a1, "c", at, at.plusHours(2));
        sessions.insert(alice.id(), a2, "c", at, at.plusHours(2));
        sessions.insert(alice.id(), a3, "c", at, at.plusHours(2));
        sessions.insert(bob.id(), b1, "c", at, at.plusHours(2));
        OffsetDateTime check = at.plusMinutes(1);
        OffsetDateTime seen = at.minusMinutes(1);

        assertThat(sessions.revoke(a1, at)).isTrue();
        assertThat(sessions.revoke(a1, at)).isFalse();
        assertThat(sessions.revokeAllOf(alice.id(), at)).isEqualTo(2);

        assertThat(sessions.findLive(a1, check, seen)).isEmpty();
        assertThat(sessions.findLive(a2, check, seen)).isEmpty();
        assertThat(sessions.findLive(a3, check, seen)).isEmpty();
        assertThat(sessions.findLive(b1, check, seen)).isPresent();
        assertThat(sessions.deleteEndedBefore(at.plusSeconds(1))).isGreaterThanOrEqualTo(3);
        assertThat(sessions.findLive(b1, check, seen)).as("bob's is live, not deleted").isPresent();
    }

    @Test
    void a_second_ui_session_with_the_same_token_hash_is_refused_as_an_integrity_violation() {
        var users = new dev.baozi.orchestrator.auth.UserRepository(database().dsl());
        var sessions = new dev.baozi.orchestrator.auth.SessionRepository(database().dsl());
        var user = users.insert(unique("u"), dev.baozi.orchestrator.auth.Role.VIEWER, created());
        String hash = tokenHash();
        sessions.insert(user.id(), hash, "c", created(), created().plusHours(1));

        assertThatThrownBy(() -> sessions.insert(user.id(), hash, "c", created(), created().plusHours(1)))
                .isInstanceOfSatisfying(DataAccessException.class,
                        e -> assertThat(e.sqlStateClass()).isEqualTo(SQLStateClass.C23_INTEGRITY_CONSTRAINT_VIOLATION));
    }

    @Test
    void a_workspace_keeps_its_inputs_as_json() {
        var workspaces = new dev.baozi.orchestrator.workspace.WorkspaceRepository(database().dsl());
        var inputs = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("greeting", "hi \"there\"");
        inputs.putArray("names").add("a").add("b");

        var saved = workspaces.insert(unique("ws"), "demo-data", inputs, "1.12.6", "tester", created(), null);

        var read = workspaces.byName(saved.name()).orElseThrow();
        assertThat(read.inputs()).isEqualTo(inputs);
        assertThat(read.tofuVersion()).isEqualTo("1.12.6");
    }

    @Test
    void run_status_changes_are_compare_and_set_and_the_queue_starts_one_run_per_workspace() {
        var workspaces = new dev.baozi.orchestrator.workspace.WorkspaceRepository(database().dsl());
        var runs = new dev.baozi.orchestrator.run.RunRepository(database().dsl());
        var ws = workspaces.insert(unique("ws"), "demo-data", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(),
                "1.12.6", "tester", created(), null);
        var first = runs.insert(ws.id(), false, "op", created());
        var second = runs.insert(ws.id(), true, "op", created());
        var Q = dev.baozi.orchestrator.run.RunStatus.QUEUED;
        var P = dev.baozi.orchestrator.run.RunStatus.PLANNING;

        assertThat(runs.startable()).extracting(dev.baozi.orchestrator.run.Run::id).contains(first.id()).doesNotContain(second.id());
        assertThat(runs.transition(first.id(), Q, P, created())).isTrue();
        assertThat(runs.transition(first.id(), Q, P, created())).isFalse();
        assertThat(runs.startable()).extracting(dev.baozi.orchestrator.run.Run::id).doesNotContain(first.id(), second.id());
        runs.recordPlan(first.id(), "{\"resource_changes\":[]}", new dev.baozi.orchestrator.run.PlanSummary(1, 2, 3, 4));
        assertThat(runs.finish(first.id(), P, dev.baozi.orchestrator.run.RunStatus.ERRORED, "boom", null, created())).isTrue();
        var ended = runs.get(first.id()).orElseThrow();
        assertThat(ended.summary()).isEqualTo(new dev.baozi.orchestrator.run.PlanSummary(1, 2, 3, 4));
        assertThat(ended.error()).isEqualTo("boom");
        assertThat(ended.finishedAt()).isNotNull();
        assertThat(runs.startable()).extracting(dev.baozi.orchestrator.run.Run::id).contains(second.id());
        assertThat(runs.get(second.id()).orElseThrow().destroy()).isTrue();
    }

    @Test
    void a_run_keeps_the_addresses_it_replaces_and_holds_its_workspace_while_planned() {
        var workspaces = new dev.baozi.orchestrator.workspace.WorkspaceRepository(database().dsl());
        var runs = new dev.baozi.orchestrator.run.RunRepository(database().dsl());
        var ws = workspaces.insert(unique("ws"), "demo-data", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(),
                "1.12.6", "tester", created(), null);
        var replace = java.util.List.of("module.demo-data.terraform_data.item[\"a,b\"]", "module.vm.x.y[0]");
        var run = runs.insert(ws.id(), false, replace, "op", created());
        var plain = runs.insert(ws.id(), false, "op", created());
        var Q = dev.baozi.orchestrator.run.RunStatus.QUEUED;
        var P = dev.baozi.orchestrator.run.RunStatus.PLANNING;

        assertThat(runs.get(run.id()).orElseThrow().replace()).containsExactlyElementsOf(replace);
        assertThat(runs.get(plain.id()).orElseThrow().replace()).isEmpty();
        assertThat(runs.holder(ws)).isEmpty();
        assertThat(runs.transition(run.id(), Q, P, created())).isTrue();
        assertThat(runs.holder(ws)).contains("run " + run.id() + " is planning");
    }

    @Test
    void a_workspaces_inputs_are_replaced_in_place() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var workspaces = new dev.baozi.orchestrator.workspace.WorkspaceRepository(database().dsl());
        var ws = workspaces.insert(unique("ws"), "demo-data", json.createObjectNode().put("greeting", "hi"),
                "1.12.6", "tester", created(), null);

        var updated = workspaces.updateInputs(ws.id(), json.createObjectNode().put("greeting", "ho").put("generation", 2));

        assertThat(updated.inputs()).isEqualTo(json.createObjectNode().put("greeting", "ho").put("generation", 2));
        assertThat(workspaces.byName(ws.name()).orElseThrow().inputs().path("generation").asInt()).isEqualTo(2);
        assertThat(updated.createdAt().toInstant()).isEqualTo(ws.createdAt().toInstant());
    }

    @Test
    void run_log_lines_come_back_in_order_after_a_sequence_number() {
        var workspaces = new dev.baozi.orchestrator.workspace.WorkspaceRepository(database().dsl());
        var runs = new dev.baozi.orchestrator.run.RunRepository(database().dsl());
        var logs = new dev.baozi.orchestrator.run.RunLogRepository(database().dsl());
        var ws = workspaces.insert(unique("ws"), "demo-data", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(),
                "1.12.6", "tester", created(), null);
        var run = runs.insert(ws.id(), false, "op", created());
        for (int i = 1; i <= 3; i++) {
            logs.insert(new dev.baozi.orchestrator.run.LogLine(run.id(), i, "plan", created(), "line " + i + " ü"));
        }

        assertThat(logs.after(run.id(), 1)).extracting(dev.baozi.orchestrator.run.LogLine::line).containsExactly("line 2 ü", "line 3 ü");
        assertThat(logs.lastSeq(run.id())).isEqualTo(3);
    }

    @Test
    void a_provider_keeps_its_endpoint_token_id_and_tls_setting_and_its_name_is_unique() {
        var providers = new dev.baozi.orchestrator.provider.ProviderRepository(database().dsl());
        String pin = "8F:A2:16:E9:14:3D:E4:13:CD:DA:92:19:C0:18:C3:BC:82:B1:39:C7:E6:AB:F9:B4:82:2C:6B:89:28:CC:14:42";
        var request = new dev.baozi.orchestrator.provider.NewProvider(unique("pve"), java.net.URI.create("https://pve.example:8006"),
                new dev.baozi.orchestrator.proxmox.ApiToken("baozi@pve!orchestrator", "not-stored-here"),
                dev.baozi.orchestrator.proxmox.TlsSettings.fingerprint(pin), "pve1", java.util.OptionalInt.of(9000), "shared-backup");

        var saved = providers.insert(request, "admin", created());
        var read = providers.byName(request.name()).orElseThrow();

        assertThat(read).isEqualTo(saved);
        assertThat(read.endpoint()).isEqualTo(java.net.URI.create("https://pve.example:8006"));
        assertThat(read.tokenId()).isEqualTo("baozi@pve!orchestrator");
        assertThat(read.tls()).isEqualTo(new dev.baozi.orchestrator.proxmox.TlsSettings.PinnedFingerprint(pin));
        assertThat(read.templateVmid()).hasValue(9000);
        assertThat(read.backupStorage()).isEqualTo("shared-backup");
        assertThat(read.createdAt()).usingComparator(SAME_INSTANT).isEqualTo(created());
        assertThat(database().dsl().fetch("select * from provider").formatCSV()).doesNotContain("not-stored-here");
        assertThatThrownBy(() -> providers.insert(request, "admin", created()))
                .isInstanceOfSatisfying(DataAccessException.class,
                        e -> assertThat(e.sqlStateClass()).isEqualTo(SQLStateClass.C23_INTEGRITY_CONSTRAINT_VIOLATION));
        assertThat(providers.delete(request.name())).isTrue();
        assertThat(providers.delete(request.name())).isFalse();
        assertThat(providers.byName(request.name())).isEmpty();
    }

    @Test
    void a_backup_keeps_every_field_lists_newest_first_by_workspace_and_is_expired_by_its_expiry() {
        var backups = new dev.baozi.orchestrator.backup.BackupRepository(database().dsl());
        String ws = unique("app");
        OffsetDateTime made = created();
        var first = backups.insert(new dev.baozi.orchestrator.backup.VmBackup(0, ws, "sim-a", "pve1", 101, "app-ü", "local",
                "local:backup/vzdump-qemu-101-2025_06_01-12_30_45.vma.zst", 5_368_709_120L,
                dev.baozi.orchestrator.backup.BackupReason.DESTROY, "olga", made, made.plusDays(30)));
        var second = backups.insert(new dev.baozi.orchestrator.backup.VmBackup(0, ws, "sim-a", "pve1", 101, "app-ü", "local",
                "local:backup/vzdump-qemu-101-2025_06_02-12_30_45.vma.zst", 1, dev.baozi.orchestrator.backup.BackupReason.MANUAL,
                "abe", made.plusDays(1), made.plusDays(31)));
        backups.insert(new dev.baozi.orchestrator.backup.VmBackup(0, unique("other"), "sim-b", "pve2", 102, "other", "shared-backup",
                "shared-backup:backup/vzdump-qemu-102-2025_06_01-12_30_45.vma.zst", 1,
                dev.baozi.orchestrator.backup.BackupReason.MIGRATION, "olga", made, made.plusDays(30)));

        assertThat(backups.get(first.id()).orElseThrow()).usingRecursiveComparison()
                .withComparatorForType(SAME_INSTANT, OffsetDateTime.class).isEqualTo(first);
        assertThat(first.sizeBytes()).isEqualTo(5_368_709_120L);
        assertThat(first.vmName()).isEqualTo("app-ü");
        assertThat(backups.of(ws)).extracting(dev.baozi.orchestrator.backup.VmBackup::id).containsExactly(second.id(), first.id());
        assertThat(backups.expired(made.plusDays(30))).extracting(dev.baozi.orchestrator.backup.VmBackup::id).contains(first.id())
                .doesNotContain(second.id());
        assertThat(backups.expireAt(second.id(), made.plusDays(90))).isTrue();
        assertThat(backups.get(second.id()).orElseThrow().expiresAt()).usingComparator(SAME_INSTANT).isEqualTo(made.plusDays(90));
        assertThat(backups.expireAt(Long.MAX_VALUE, made)).isFalse();
        assertThat(backups.delete(first.id())).isTrue();
        assertThat(backups.delete(first.id())).isFalse();
        assertThat(backups.of(ws)).extracting(dev.baozi.orchestrator.backup.VmBackup::id).containsExactly(second.id());
    }

    // migrations

    private dev.baozi.orchestrator.workspace.Workspace deployment() {
        return new dev.baozi.orchestrator.workspace.WorkspaceRepository(database().dsl()).insert(unique("mig"), "deployment",
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(), "1.12.6", "tester", created(), "sim-a");
    }

    @Test
    void a_migration_keeps_its_target_plan_and_timeline_and_every_change_is_compare_and_set() {
        var migrations = new dev.baozi.orchestrator.migration.MigrationRepository(database().dsl());
        var target = new dev.baozi.orchestrator.migration.MigrationTarget("sim-b", "10.1.0.0/24", "local-lvm", "vmbr0");
        var m = migrations.insert(deployment().id(), "sim-a", target, "user:alice", created()).orElseThrow();
        var plan = new dev.baozi.orchestrator.migration.MigrationPlan("10.1.0.7",
                new dev.baozi.orchestrator.migration.MigrationPlan.TargetVm("pve-b", 101, "local-lvm", "vmbr0"),
                List.of(new dev.baozi.orchestrator.migration.MigrationPlan.DnsChange("web.example.org", "A", "10.0.0.5", "10.1.0.7")),
                new dev.baozi.orchestrator.migration.MigrationPlan.Ttl(3600, 60), "vzdump snapshot", 120,
                List.of(new dev.baozi.orchestrator.migration.MigrationPlan.Finding("storage", true, "80 GiB free")));
        var PLAN = dev.baozi.orchestrator.migration.MigrationStep.PLAN;
        var awaiting = new dev.baozi.orchestrator.migration.MigrationRepository.Move(
                dev.baozi.orchestrator.migration.MigrationStatus.AWAITING_APPROVAL, PLAN, null, null, plan);

        var started = migrations.start(m.id(), m.version(), PLAN, created());
        assertThat(started).isPresent();
        assertThat(migrations.start(m.id(), m.version(), PLAN, created())).as("the same version again").isEmpty();
        migrations.end(started.get(), dev.baozi.orchestrator.migration.StepRecord.Outcome.DONE, java.util.Map.of("address", "10.1.0.7"),
                created());
        assertThat(migrations.move(m.id(), m.version(), awaiting, created())).as("a stale version").isFalse();
        assertThat(migrations.move(m.id(), m.version() + 1, awaiting, created())).isTrue();

        var read = migrations.get(m.id()).orElseThrow();
        assertThat(read.target()).isEqualTo(target);
        assertThat(read.sourceProvider()).isEqualTo("sim-a");
        assertThat(read.status()).isEqualTo(dev.baozi.orchestrator.migration.MigrationStatus.AWAITING_APPROVAL);
        assertThat(read.plan()).isEqualTo(plan);
        assertThat(read.version()).isEqualTo(m.version() + 2);
        assertThat(read.requestedAt()).usingComparator(SAME_INSTANT).isEqualTo(created());
        var timeline = migrations.timeline(m.id());
        assertThat(timeline).hasSize(1);
        assertThat(timeline.get(0).outcome()).isEqualTo(dev.baozi.orchestrator.migration.StepRecord.Outcome.DONE);
        assertThat(timeline.get(0).details()).isEqualTo(java.util.Map.of("address", "10.1.0.7"));
        assertThat(timeline.get(0).endedAt()).usingComparator(SAME_INSTANT).isEqualTo(created());
    }

    @Test
    void a_workspace_has_one_unfinished_migration_in_the_database_and_a_finished_one_lets_another_start() {
        var migrations = new dev.baozi.orchestrator.migration.MigrationRepository(database().dsl());
        var target = new dev.baozi.orchestrator.migration.MigrationTarget("sim-b", "10.1.0.0/24", "local-lvm", "vmbr0");
        var ws = deployment();
        var first = migrations.insert(ws.id(), "sim-a", target, "user:alice", created()).orElseThrow();

        assertThat(migrations.insert(ws.id(), "sim-a", target, "user:bob", created())).isEmpty();
        assertThat(migrations.insert(deployment().id(), "sim-a", target, "user:bob", created())).as("another workspace").isPresent();
        assertThat(migrations.move(first.id(), first.version(), new dev.baozi.orchestrator.migration.MigrationRepository.Move(
                dev.baozi.orchestrator.migration.MigrationStatus.ROLLED_BACK, dev.baozi.orchestrator.migration.MigrationStep.ROLLBACK_TTL,
                null, null, null), created())).isTrue();
        assertThat(migrations.unfinished(ws.id())).isEmpty();
        var second = migrations.insert(ws.id(), "sim-a", target, "user:bob", created());
        assertThat(second).isPresent();
        assertThat(migrations.unfinished(ws.id())).map(dev.baozi.orchestrator.migration.Migration::id).contains(second.get().id());
        assertThat(migrations.forWorkspace(ws.id())).extracting(dev.baozi.orchestrator.migration.Migration::id)
                .containsExactly(second.get().id(), first.id());
    }
}
