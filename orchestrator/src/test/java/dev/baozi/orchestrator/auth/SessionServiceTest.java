package dev.baozi.orchestrator.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.baozi.orchestrator.MovableClock;
import dev.baozi.orchestrator.audit.AuditEvent;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Logins and sessions on a Flyway-migrated H2, with a clock the test moves. */
class SessionServiceTest {

    private static final PasswordHasher CHEAP = new PasswordHasher(new PasswordHasher.Parameters(256, 1, 1, 16, 32));
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration LIFETIME = Duration.ofHours(2);
    private static final String PASSWORD = "a long and good password";
    private static final String ADDRESS = "192.0.2.10";

    private final MovableClock clock = new MovableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private Database database;
    private UserRepository users;
    private AuditRepository audit;
    private SessionService sessions;

    @BeforeEach
    void open() {
        database = Database.open(new BaoziConfig.Database("jdbc:h2:mem:sessions-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "sa", ""));
        users = new UserRepository(database.dsl());
        audit = new AuditRepository(database.dsl(), clock);
        sessions = service(CHEAP);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private SessionService service(PasswordHasher hasher) {
        return new SessionService(users, new SessionRepository(database.dsl()), audit, hasher, new LoginRateLimiter(clock),
                clock, IDLE, LIFETIME);
    }

    private AppUser user(String name, Role role, String password) {
        AppUser user = users.insert(name, role, OffsetDateTime.now(clock));
        if (password != null) {
            sessions.setPassword(name, password, false);
        }
        return user;
    }

    private LoginOutcome.LoggedIn loggedIn(String name, String password) {
        return assertThat(sessions.login(name, password, ADDRESS)).asInstanceOf(type(LoginOutcome.LoggedIn.class)).actual();
    }

    @Test
    void the_right_password_opens_a_session_that_its_cookie_finds() {
        AppUser alice = user("alice", Role.APPROVER, PASSWORD);

        LoginOutcome.LoggedIn in = loggedIn("alice", PASSWORD);

        assertThat(in.cookieValue()).startsWith(SessionService.COOKIE_PREFIX).hasSizeGreaterThan(40);
        assertThat(in.session().userId()).isEqualTo(alice.id());
        assertThat(in.session().userName()).isEqualTo("alice");
        assertThat(in.session().role()).isEqualTo(Role.APPROVER);
        assertThat(in.session().mustChangePassword()).isFalse();
        assertThat(in.session().csrfToken()).matches("[A-Za-z0-9_-]{43}");
        assertThat(in.session().expiresAt().toInstant()).isEqualTo(clock.instant().plus(LIFETIME));
        assertThat(sessions.find(in.cookieValue())).hasValue(in.session());
        assertThat(in.toString()).doesNotContain(in.cookieValue()).doesNotContain(in.session().csrfToken());
    }

    @Test
    void only_the_hash_of_the_cookie_is_stored_and_the_login_time_is_recorded() {
        user("alice", Role.VIEWER, PASSWORD);

        LoginOutcome.LoggedIn in = loggedIn("alice", PASSWORD);

        String stored = database.dsl().fetch("select * from ui_session").formatCSV();
        assertThat(stored).doesNotContain(in.cookieValue()).contains(Tokens.hash(in.cookieValue()));
        assertThat(database.dsl().fetchOne("select last_login_at from app_user where name = 'alice'")
                .get(0, OffsetDateTime.class).toInstant()).isEqualTo(clock.instant());
    }

    @Test
    void a_wrong_password_an_unknown_user_and_a_user_without_password_get_the_same_refusal() {
        user("alice", Role.VIEWER, PASSWORD);
        user("api-only", Role.VIEWER, null);

        var wrong = sessions.login("alice", "not the password at all", ADDRESS);
        var unknown = sessions.login("nobody", PASSWORD, ADDRESS);
        var noPassword = sessions.login("api-only", PASSWORD, ADDRESS);
        var nothing = sessions.login(null, null, null);

        var refused = new LoginOutcome.Refused("that user name and password do not match");
        assertThat(wrong).isEqualTo(refused);
        assertThat(unknown).isEqualTo(refused);
        assertThat(noPassword).isEqualTo(refused);
        assertThat(nothing).isEqualTo(refused);
    }

    @Test
    void an_unknown_user_costs_a_password_check_like_a_wrong_password() {
        var standard = service(PasswordHasher.standard());
        users.insert("alice", Role.VIEWER, OffsetDateTime.now(clock));
        standard.setPassword("alice", PASSWORD, false);
        long wrong = Long.MAX_VALUE;
        long unknown = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            standard.login("alice", "wrong password " + i, null);
            long t1 = System.nanoTime();
            standard.login("nobody-" + i, "wrong password " + i, null);
            long t2 = System.nanoTime();
            wrong = Math.min(wrong, t1 - t0);
            unknown = Math.min(unknown, t2 - t1);
        }

        // Argon2id with 19 MiB takes tens of milliseconds; a lookup alone takes well under one.
        assertThat(unknown).as("unknown user %s ns, wrong password %s ns", unknown, wrong).isGreaterThan(wrong / 3);
    }

    @Test
    void the_user_name_is_matched_whatever_its_case() {
        user("alice", Role.VIEWER, PASSWORD);

        assertThat(sessions.login(" Alice", PASSWORD, ADDRESS)).isInstanceOf(LoginOutcome.LoggedIn.class);
    }

    @Test
    void five_wrong_passwords_make_the_next_attempt_wait_even_with_the_right_password() {
        user("alice", Role.VIEWER, PASSWORD);
        for (int i = 0; i < 5; i++) {
            assertThat(sessions.login("alice", "wrong password " + i, ADDRESS)).isInstanceOf(LoginOutcome.Refused.class);
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(sessions.login("alice", PASSWORD, ADDRESS)).isEqualTo(new LoginOutcome.RateLimited(Duration.ofMinutes(10)));
        assertThat(sessions.login("alice", PASSWORD, "198.51.100.1")).isInstanceOf(LoginOutcome.RateLimited.class);
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.login("alice", PASSWORD, ADDRESS)).isInstanceOf(LoginOutcome.LoggedIn.class);
    }

    @Test
    void a_successful_login_starts_the_names_count_again() {
        user("alice", Role.VIEWER, PASSWORD);
        for (int i = 0; i < 4; i++) {
            sessions.login("alice", "wrong password " + i, ADDRESS);
        }
        loggedIn("alice", PASSWORD);

        for (int i = 0; i < 4; i++) {
            assertThat(sessions.login("alice", "wrong password " + i, ADDRESS)).isInstanceOf(LoginOutcome.Refused.class);
        }
        assertThat(sessions.login("alice", PASSWORD, ADDRESS)).isInstanceOf(LoginOutcome.LoggedIn.class);
    }

    @Test
    void a_session_idle_longer_than_the_idle_timeout_is_over() {
        user("alice", Role.VIEWER, PASSWORD);
        String cookie = loggedIn("alice", PASSWORD).cookieValue();

        clock.advance(IDLE.minusMinutes(1));
        assertThat(sessions.find(cookie)).as("used after 29 minutes").isPresent();
        clock.advance(IDLE.minusMinutes(1));
        assertThat(sessions.find(cookie)).as("29 minutes after that use").isPresent();
        clock.advance(IDLE);
        assertThat(sessions.find(cookie)).as("30 minutes idle").isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(sessions.find(cookie)).isEmpty();
    }

    @Test
    void a_session_in_use_all_along_still_ends_at_its_absolute_expiry() {
        user("alice", Role.VIEWER, PASSWORD);
        String cookie = loggedIn("alice", PASSWORD).cookieValue();

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertThat(sessions.find(cookie)).as("after %s minutes", (i + 1) * 20).isPresent();
        }
        clock.advance(Duration.ofMinutes(19));
        assertThat(sessions.find(cookie)).as("after 1h59").isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(sessions.find(cookie)).as("after 2h").isEmpty();
    }

    @Test
    void last_seen_is_written_at_most_once_a_minute() {
        user("alice", Role.VIEWER, PASSWORD);
        String cookie = loggedIn("alice", PASSWORD).cookieValue();
        Instant opened = clock.instant();

        clock.advance(Duration.ofSeconds(50));
        sessions.find(cookie);
        assertThat(lastSeen()).isEqualTo(opened);
        clock.advance(Duration.ofSeconds(11));
        sessions.find(cookie);
        assertThat(lastSeen()).isEqualTo(opened.plusSeconds(61));
    }

    private Instant lastSeen() {
        return database.dsl().fetchOne("select last_seen_at from ui_session").get(0, OffsetDateTime.class).toInstant();
    }

    @Test
    void anything_that_is_not_a_live_cookie_finds_nothing() {
        user("alice", Role.VIEWER, PASSWORD);
        String cookie = loggedIn("alice", PASSWORD).cookieValue();

        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("")).isEmpty();
        assertThat(sessions.find(cookie + "x")).isEmpty();
        assertThat(sessions.find(cookie.substring(SessionService.COOKIE_PREFIX.length()))).isEmpty();
        assertThat(sessions.find(Tokens.hash(cookie))).isEmpty();
    }

    @Test
    void logout_ends_the_session_and_only_that_one() {
        user("alice", Role.VIEWER, PASSWORD);
        String laptop = loggedIn("alice", PASSWORD).cookieValue();
        String phone = loggedIn("alice", PASSWORD).cookieValue();

        sessions.logout(laptop);
        sessions.logout(laptop);
        sessions.logout(null);

        assertThat(sessions.find(laptop)).isEmpty();
        assertThat(sessions.find(phone)).isPresent();
    }

    @Test
    void a_password_change_ends_every_session_of_the_user_clears_must_change_and_returns_a_fresh_one() {
        user("alice", Role.OPERATOR, null);
        user("bob", Role.OPERATOR, PASSWORD);
        sessions.setPassword("alice", "one-time password 1234", true);
        LoginOutcome.LoggedIn laptop = loggedIn("alice", "one-time password 1234");
        LoginOutcome.LoggedIn phone = loggedIn("alice", "one-time password 1234");
        LoginOutcome.LoggedIn bobs = loggedIn("bob", PASSWORD);
        assertThat(laptop.session().mustChangePassword()).isTrue();

        PasswordChange change = sessions.changePassword(laptop.session(), "one-time password 1234", "my own new passphrase");

        var changed = assertThat(change).asInstanceOf(type(PasswordChange.Changed.class)).actual();
        assertThat(changed.session().mustChangePassword()).isFalse();
        assertThat(changed.session().id()).isNotEqualTo(laptop.session().id());
        assertThat(changed.session().csrfToken()).isNotEqualTo(laptop.session().csrfToken());
        assertThat(sessions.find(changed.newCookieValue())).hasValue(changed.session());
        assertThat(sessions.find(laptop.cookieValue())).isEmpty();
        assertThat(sessions.find(phone.cookieValue())).isEmpty();
        assertThat(sessions.find(bobs.cookieValue())).as("another user's session").isPresent();
        assertThat(sessions.login("alice", "one-time password 1234", ADDRESS)).isInstanceOf(LoginOutcome.Refused.class);
        assertThat(loggedIn("alice", "my own new passphrase").session().mustChangePassword()).isFalse();
    }

    @Test
    void a_password_change_is_refused_with_a_reason_for_a_wrong_current_a_weak_new_or_the_same_password() {
        user("alice", Role.VIEWER, PASSWORD);
        UiSession session = loggedIn("alice", PASSWORD).session();

        assertThat(sessions.changePassword(session, "not my password", "a brand new passphrase"))
                .isEqualTo(new PasswordChange.Refused("the current password is not right"));
        assertThat(sessions.changePassword(session, PASSWORD, "short"))
                .isEqualTo(new PasswordChange.Refused("a password needs at least 12 characters"));
        assertThat(sessions.changePassword(session, PASSWORD, "alice-in-wonderland"))
                .isEqualTo(new PasswordChange.Refused("a password must not contain the user name"));
        assertThat(sessions.changePassword(session, PASSWORD, PASSWORD))
                .isEqualTo(new PasswordChange.Refused("the new password must differ from the current one"));
        assertThat(sessions.login("alice", PASSWORD, ADDRESS)).as("nothing changed").isInstanceOf(LoginOutcome.LoggedIn.class);
    }

    @Test
    void guessing_the_current_password_through_a_session_is_rate_limited_too() {
        user("alice", Role.VIEWER, PASSWORD);
        UiSession session = loggedIn("alice", PASSWORD).session();
        for (int i = 0; i < 5; i++) {
            sessions.changePassword(session, "guess " + i, "a brand new passphrase");
        }

        assertThat(sessions.changePassword(session, PASSWORD, "a brand new passphrase"))
                .isEqualTo(new PasswordChange.Refused("too many wrong passwords for alice; try again in 15 minutes"));
    }

    @Test
    void a_password_change_from_an_ended_session_is_refused() {
        user("alice", Role.VIEWER, PASSWORD);
        LoginOutcome.LoggedIn in = loggedIn("alice", PASSWORD);
        sessions.logout(in.cookieValue());

        assertThat(sessions.changePassword(in.session(), PASSWORD, "a brand new passphrase"))
                .isEqualTo(new PasswordChange.Refused("this session has ended; log in again"));
    }

    @Test
    void an_admin_setting_a_password_applies_the_policy_ends_the_users_sessions_and_may_require_a_change() {
        user("alice", Role.VIEWER, PASSWORD);
        String cookie = loggedIn("alice", PASSWORD).cookieValue();

        assertThatThrownBy(() -> sessions.setPassword("alice", "too short", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a password needs at least 12 characters");
        assertThat(sessions.find(cookie)).as("a refused reset changes nothing").isPresent();

        sessions.setPassword("alice", "reset by the admin 42", true);

        assertThat(sessions.find(cookie)).isEmpty();
        assertThat(loggedIn("alice", "reset by the admin 42").session().mustChangePassword()).isTrue();
        assertThatThrownBy(() -> sessions.setPassword("nobody", "reset by the admin 42", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("setting a password: no user named nobody");
    }

    @Test
    void a_login_with_a_hash_of_older_parameters_stores_a_new_hash_with_the_current_ones() {
        AppUser alice = user("alice", Role.VIEWER, null);
        var older = new PasswordHasher(new PasswordHasher.Parameters(128, 1, 1, 16, 32));
        users.setPassword(alice.id(), older.hash(PASSWORD), false);

        loggedIn("alice", PASSWORD);

        String stored = users.credentials("alice").orElseThrow().passwordHash();
        assertThat(stored).startsWith("$argon2id$v=19$m=256,t=1,p=1$");
        assertThat(CHEAP.verify(PASSWORD, stored)).isTrue();
    }

    @Test
    void logins_are_audited_without_recording_names_that_are_not_users() {
        user("alice", Role.VIEWER, PASSWORD);

        loggedIn("alice", PASSWORD);
        sessions.login("alice", "wrong password", ADDRESS);
        sessions.login("my-password-typed-as-name", PASSWORD, ADDRESS);

        var events = audit.latest(3);
        assertThat(events).extracting(AuditEvent::action).containsOnly("ui.login");
        assertThat(events).extracting(AuditEvent::outcome).containsExactly("refused", "refused", "ok");
        assertThat(events).extracting(AuditEvent::target).containsExactly("an unknown user", "user:alice", "user:alice");
        assertThat(events).extracting(AuditEvent::detail).containsOnly("from " + ADDRESS);
        assertThat(events.toString()).doesNotContain("my-password-typed-as-name").doesNotContain(PASSWORD);
    }
}
