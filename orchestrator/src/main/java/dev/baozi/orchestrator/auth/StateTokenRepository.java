package dev.baozi.orchestrator.auth;

import static dev.baozi.orchestrator.db.jooq.Tables.STATE_TOKEN;

import dev.baozi.orchestrator.db.jooq.tables.records.StateTokenRecord;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jooq.DSLContext;

/**
 * Stores state token records by the hash of their token, and remembers the live ones it found for
 * a short while: every state request presents its token, and {@code make profile-state} showed
 * the lookup query as a seventh of the request path's CPU. A revocation through this repository
 * takes effect at once (it forgets the token before it returns, and a lookup that raced with it
 * does not keep what it read); one made by another instance on the same database takes effect
 * here within {@link #REMEMBERED} at most.
 */
public final class StateTokenRepository {

    /** How long a live token found is trusted without asking the database again. */
    public static final Duration REMEMBERED = Duration.ofSeconds(1);
    /** At most this many tokens are remembered; beyond it the memory starts afresh (a bound, not an expected size). */
    static final int MAX_REMEMBERED = 10_000;

    private final DSLContext dsl;
    private final Duration remembered;
    private final LongSupplier nanos;
    private final ConcurrentHashMap<String, Found> live = new ConcurrentHashMap<>();
    /** Moves on every revocation, so a lookup that read the token before it was revoked does not remember it. */
    private final AtomicLong revocations = new AtomicLong();

    /** A live token as the database gave it, and when (in {@link System#nanoTime()} terms). */
    private record Found(StateToken token, long atNanos) {}

    public StateTokenRepository(DSLContext dsl) {
        this(dsl, REMEMBERED, System::nanoTime);
    }

    /** With how long found tokens are remembered and the clock that ages them (tests move it by hand). */
    StateTokenRepository(DSLContext dsl, Duration remembered, LongSupplier nanos) {
        this.dsl = dsl;
        this.remembered = remembered;
        this.nanos = nanos;
    }

    public StateToken insert(String workspace, String name, TokenAccess access, String tokenHash, String createdBy,
            OffsetDateTime createdAt) {
        StateTokenRecord r = dsl.insertInto(STATE_TOKEN)
                .set(STATE_TOKEN.WORKSPACE, workspace)
                .set(STATE_TOKEN.NAME, name)
                .set(STATE_TOKEN.ACCESS, access.wire())
                .set(STATE_TOKEN.TOKEN_HASH, tokenHash)
                .set(STATE_TOKEN.CREATED_BY, createdBy)
                .set(STATE_TOKEN.CREATED_AT, createdAt)
                .returning()
                .fetchOne();
        return toToken(r);
    }

    /**
     * The live (not revoked) token with this hash: remembered when found within the last
     * {@link #REMEMBERED}, else read from the database. Unknown and revoked hashes are never
     * remembered, so each of them asks the database.
     */
    public Optional<StateToken> findLive(String tokenHash) {
        long now = nanos.getAsLong();
        Found found = live.get(tokenHash);
        if (found != null && now - found.atNanos() < remembered.toNanos()) {
            return Optional.of(found.token());
        }
        long before = revocations.get();
        Optional<StateToken> token = dsl.selectFrom(STATE_TOKEN)
                .where(STATE_TOKEN.TOKEN_HASH.eq(tokenHash))
                .and(STATE_TOKEN.REVOKED_AT.isNull())
                .fetchOptional(StateTokenRepository::toToken);
        if (token.isEmpty()) {
            live.remove(tokenHash);
            return token;
        }
        if (live.size() >= MAX_REMEMBERED) {
            live.clear();
        }
        live.put(tokenHash, new Found(token.get(), now));
        if (revocations.get() != before) {
            // a revocation ran while the database was read: what was read may be revoked by now
            live.remove(tokenHash);
        }
        return token;
    }

    public List<StateToken> forWorkspace(String workspace) {
        return dsl.selectFrom(STATE_TOKEN)
                .where(STATE_TOKEN.WORKSPACE.eq(workspace))
                .orderBy(STATE_TOKEN.ID)
                .fetch(StateTokenRepository::toToken);
    }

    /** Revokes token {@code id} of {@code workspace}; false when there is no such live token. */
    public boolean revoke(String workspace, long id, OffsetDateTime at) {
        boolean revoked = dsl.update(STATE_TOKEN)
                .set(STATE_TOKEN.REVOKED_AT, at)
                .where(STATE_TOKEN.ID.eq(id))
                .and(STATE_TOKEN.WORKSPACE.eq(workspace))
                .and(STATE_TOKEN.REVOKED_AT.isNull())
                .execute() == 1;
        forget(t -> t.id() == id);
        return revoked;
    }

    /** Revokes every live token of {@code workspace}; returns how many. */
    public int revokeAllOf(String workspace, OffsetDateTime at) {
        int revoked = dsl.update(STATE_TOKEN)
                .set(STATE_TOKEN.REVOKED_AT, at)
                .where(STATE_TOKEN.WORKSPACE.eq(workspace))
                .and(STATE_TOKEN.REVOKED_AT.isNull())
                .execute();
        forget(t -> t.workspace().equals(workspace));
        return revoked;
    }

    /** After a revocation is written: no lookup in flight may remember what it read, and nothing remembered matching stays. */
    private void forget(java.util.function.Predicate<StateToken> revoked) {
        revocations.incrementAndGet();
        live.values().removeIf(f -> revoked.test(f.token()));
    }

    private static StateToken toToken(StateTokenRecord r) {
        return new StateToken(r.getId(), r.getWorkspace(), r.getName(), TokenAccess.fromWire(r.getAccess()),
                r.getCreatedBy(), r.getCreatedAt(), r.getRevokedAt());
    }
}
