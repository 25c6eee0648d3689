package dev.baozi.orchestrator.auth;

import dev.baozi.orchestrator.audit.AuditRepository;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Web UI logins and sessions. A login checks the password (Argon2id) after the rate limit, and
 * opens a session: a random cookie value (returned once; only its SHA-256 is stored) and a CSRF
 * token. A session lives until it is revoked, until its absolute lifetime ends, or until it has
 * been idle longer than the idle timeout, whichever comes first.
 */
public final class SessionService {

    /** The one answer for an unknown user, a user without a password and a wrong password. */
    public static final String LOGIN_REFUSED = "that user name and password do not match";
    /**
     * Session cookie values start with this. Not {@code bzs_}: that is the state tokens' prefix,
     * and each kind of secret keeps its own (state {@code bzs_}, API {@code bzu_}, admin {@code bza_}).
     */
    public static final String COOKIE_PREFIX = "bzc_";

    /** last_seen_at is written at most this often per session, to spare a write per request. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);
    /** Ended sessions are kept this long (to tell "expired" from "never existed" when debugging), then deleted. */
    private static final Duration KEEP_ENDED = Duration.ofDays(1);
    private static final int MAX_NAME_LENGTH = 100;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserRepository users;
    private final SessionRepository sessions;
    private final AuditRepository audit;
    private final PasswordHasher hasher;
    private final LoginRateLimiter limiter;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration lifetime;
    /** Verified against when there is no real hash, so an unknown name takes as long as a wrong password. */
    private final String dummyHash;
    private final AtomicReference<Instant> lastPurge = new AtomicReference<>(Instant.MIN);

    public SessionService(UserRepository users, SessionRepository sessions, AuditRepository audit, PasswordHasher hasher,
            LoginRateLimiter limiter, Clock clock, Duration idleTimeout, Duration lifetime) {
        if (idleTimeout.isZero() || idleTimeout.isNegative() || lifetime.isZero() || lifetime.isNegative()) {
            throw new IllegalArgumentException("session idle timeout and lifetime must be positive, got " + idleTimeout
                    + " and " + lifetime);
        }
        this.users = users;
        this.sessions = sessions;
        this.audit = audit;
        this.hasher = hasher;
        this.limiter = limiter;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.lifetime = lifetime;
        this.dummyHash = hasher.hash(Tokens.generate("dummy_"));
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /**
     * Logs {@code name} in with {@code password}. The rate limit is checked first; an unknown name,
     * a user without a password and a wrong password are refused alike, after the same amount of
     * hashing work. {@code clientAddress} is the caller's IP address (for the rate limit and the
     * audit record); it may be null.
     */
    public LoginOutcome login(String name, String password, String clientAddress) {
        OffsetDateTime now = now();
        purgeEndedSessions(now);
        String userName = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        String from = clientAddress == null || clientAddress.isBlank() ? "an unknown address" : clientAddress;
        Optional<UserCredentials> user = userName.isEmpty() || userName.length() > MAX_NAME_LENGTH
                ? Optional.empty() : users.enabledCredentials(userName);
        // An unknown name may be a password typed into the wrong field: it is never recorded.
        String target = user.isPresent() ? "user:" + userName : "an unknown user";
        Optional<Duration> wait = limiter.retryAfter(userName, clientAddress);
        if (wait.isPresent()) {
            audit.record("anonymous", "ui.login", target, "rate-limited", "from " + from);
            return new LoginOutcome.RateLimited(wait.get());
        }
        String given = password == null ? "" : password;
        boolean matches;
        if (user.isPresent() && user.get().hasPassword()) {
            matches = hasher.verify(given, user.get().passwordHash());
        } else {
            hasher.verify(given, dummyHash);
            matches = false;
        }
        if (!matches) {
            limiter.failed(userName, clientAddress);
            audit.record("anonymous", "ui.login", target, "refused", "from " + from);
            return new LoginOutcome.Refused(LOGIN_REFUSED);
        }
        UserCredentials found = user.get();
        limiter.succeeded(userName);
        users.recordLogin(found.userId(), now);
        if (hasher.needsRehash(found.passwordHash())) {
            users.replacePasswordHash(found.userId(), found.passwordHash(), hasher.hash(given));
        }
        Opened opened = open(found.userId(), now);
        audit.record("user:" + found.name(), "ui.login", "user:" + found.name(), "ok", "from " + from);
        return new LoginOutcome.LoggedIn(opened.cookieValue(), opened.session());
    }

    /**
     * The live session whose cookie value this is: not revoked, before its absolute expiry, and
     * seen within the idle timeout. Finding it counts as activity (written at most once a minute).
     */
    public Optional<UiSession> find(String cookieValue) {
        if (!looksLikeCookie(cookieValue)) {
            return Optional.empty();
        }
        OffsetDateTime now = now();
        Optional<UiSession> live = sessions.findLive(Tokens.hash(cookieValue), now, now.minus(idleTimeout));
        live.ifPresent(s -> sessions.touch(s.id(), now, now.minus(TOUCH_EVERY)));
        return live;
    }

    /** Ends the session with this cookie value (nothing happens for an unknown or ended one). */
    public void logout(String cookieValue) {
        if (looksLikeCookie(cookieValue)) {
            sessions.revoke(Tokens.hash(cookieValue), now());
        }
    }

    /**
     * A person changes their own password from a live session: the current password must be
     * right, the new one must meet {@link PasswordPolicy} and differ from the current one. On
     * success the must-change flag is cleared, every session of the user is ended and a fresh
     * one is returned in place of {@code session}.
     */
    public PasswordChange changePassword(UiSession session, String currentPassword, String newPassword) {
        OffsetDateTime now = now();
        if (sessions.findLive(session.id(), now, now.minus(idleTimeout)).isEmpty()) {
            return new PasswordChange.Refused("this session has ended; log in again");
        }
        Optional<Duration> wait = limiter.retryAfter(session.userName(), null);
        if (wait.isPresent()) {
            return new PasswordChange.Refused("too many wrong passwords for " + session.userName() + "; try again in "
                    + minutes(wait.get()));
        }
        Optional<UserCredentials> user = users.credentials(session.userId());
        if (user.isEmpty() || !user.get().hasPassword()) {
            return new PasswordChange.Refused("user " + session.userName() + " has no password to change; ask an admin to set one");
        }
        String name = user.get().name();
        if (currentPassword == null || !hasher.verify(currentPassword, user.get().passwordHash())) {
            limiter.failed(name, null);
            audit.record("user:" + name, "ui.password.change", "user:" + name, "refused", "wrong current password");
            return new PasswordChange.Refused("the current password is not right");
        }
        String problem = PasswordPolicy.check(name, newPassword);
        if (problem != null) {
            return new PasswordChange.Refused(problem);
        }
        if (newPassword.equals(currentPassword)) {
            return new PasswordChange.Refused("the new password must differ from the current one");
        }
        users.setPassword(user.get().userId(), hasher.hash(newPassword), false);
        sessions.revokeAllOf(user.get().userId(), now);
        limiter.succeeded(name);
        Opened opened = open(user.get().userId(), now);
        audit.record("user:" + name, "ui.password.change", "user:" + name, "ok", "every other session of this user was ended");
        return new PasswordChange.Changed(opened.cookieValue(), opened.session());
    }

    /**
     * Sets {@code userName}'s password (an admin creating or resetting a user), ends all of that
     * user's sessions and clears its failed logins. {@code mustChange}: the user must choose a
     * new password at their next login.
     *
     * @throws IllegalArgumentException with a sentence for the admin when the user does not exist
     *     or the password does not meet {@link PasswordPolicy} (the password is never in it)
     */
    public void setPassword(String userName, String password, boolean mustChange) {
        UserCredentials user = users.credentials(userName)
                .orElseThrow(() -> new IllegalArgumentException("setting a password: no user named " + userName));
        String problem = PasswordPolicy.check(user.name(), password);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        users.setPassword(user.userId(), hasher.hash(password), mustChange);
        sessions.revokeAllOf(user.userId(), now());
        limiter.succeeded(user.name());
    }

    /** Ends every session of user {@code userId} (the user was disabled, say); returns how many. */
    public int endSessionsOf(long userId) {
        return sessions.revokeAllOf(userId, now());
    }

    private record Opened(String cookieValue, UiSession session) {}

    private Opened open(long userId, OffsetDateTime now) {
        String cookieValue = Tokens.generate(COOKIE_PREFIX);
        byte[] csrf = new byte[32];
        RANDOM.nextBytes(csrf);
        long id = sessions.insert(userId, Tokens.hash(cookieValue), Base64.getUrlEncoder().withoutPadding().encodeToString(csrf),
                now, now.plus(lifetime));
        UiSession session = sessions.findLive(id, now, now.minus(idleTimeout)).orElseThrow(() ->
                new IllegalStateException("reading back UI session " + id + " just opened: it is not there"));
        return new Opened(cookieValue, session);
    }

    private void purgeEndedSessions(OffsetDateTime now) {
        Instant at = now.toInstant();
        Instant last = lastPurge.get();
        if (!at.isBefore(last.plus(PURGE_EVERY)) && lastPurge.compareAndSet(last, at)) {
            sessions.deleteEndedBefore(now.minus(KEEP_ENDED));
        }
    }

    private static boolean looksLikeCookie(String cookieValue) {
        return cookieValue != null && cookieValue.startsWith(COOKIE_PREFIX) && cookieValue.length() <= 100;
    }

    /** Now, to the microsecond both databases keep. */
    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
    }

    private static String minutes(Duration wait) {
        long minutes = Math.max(1, (wait.toSeconds() + 59) / 60);
        return minutes == 1 ? "a minute" : minutes + " minutes";
    }
}
