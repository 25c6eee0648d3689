package dev.baozi.orchestrator.auth;

import static dev.baozi.orchestrator.db.jooq.Tables.APP_USER;
import static dev.baozi.orchestrator.db.jooq.Tables.UI_SESSION;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;

/** Web UI sessions, by the SHA-256 of their cookie value, with the user they belong to. */
public final class SessionRepository {

    private final DSLContext dsl;

    public SessionRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Stores a new session; returns its id. */
    public long insert(long userId, String tokenHash, String csrfToken, OffsetDateTime createdAt, OffsetDateTime expiresAt) {
        return dsl.insertInto(UI_SESSION)
                .set(UI_SESSION.USER_ID, userId)
                .set(UI_SESSION.TOKEN_HASH, tokenHash)
                .set(UI_SESSION.CSRF_TOKEN, csrfToken)
                .set(UI_SESSION.CREATED_AT, createdAt)
                .set(UI_SESSION.LAST_SEEN_AT, createdAt)
                .set(UI_SESSION.EXPIRES_AT, expiresAt)
                .returning(UI_SESSION.ID)
                .fetchOne()
                .getId();
    }

    /**
     * The session with this token hash if it is live at {@code now}: not revoked, not past its
     * absolute expiry, and last seen after {@code seenAfter} (now minus the idle timeout).
     */
    public Optional<UiSession> findLive(String tokenHash, OffsetDateTime now, OffsetDateTime seenAfter) {
        return select(UI_SESSION.TOKEN_HASH.eq(tokenHash), now, seenAfter);
    }

    /** Session {@code id} if it is live at {@code now} (see {@link #findLive}). */
    public Optional<UiSession> findLive(long id, OffsetDateTime now, OffsetDateTime seenAfter) {
        return select(UI_SESSION.ID.eq(id), now, seenAfter);
    }

    private Optional<UiSession> select(Condition which, OffsetDateTime now, OffsetDateTime seenAfter) {
        return dsl.select(UI_SESSION.ID, UI_SESSION.USER_ID, APP_USER.NAME, APP_USER.ROLE, APP_USER.MUST_CHANGE_PASSWORD,
                        UI_SESSION.CSRF_TOKEN, UI_SESSION.EXPIRES_AT)
                .from(UI_SESSION.join(APP_USER).on(UI_SESSION.USER_ID.eq(APP_USER.ID)))
                .where(which)
                .and(UI_SESSION.REVOKED_AT.isNull())
                .and(APP_USER.DISABLED_AT.isNull())
                .and(UI_SESSION.EXPIRES_AT.gt(now))
                .and(UI_SESSION.LAST_SEEN_AT.gt(seenAfter))
                .fetchOptional(SessionRepository::toSession);
    }

    /** Sets last_seen_at to {@code now} if it is before {@code ifSeenBefore}; true when it was written. */
    public boolean touch(long id, OffsetDateTime now, OffsetDateTime ifSeenBefore) {
        return dsl.update(UI_SESSION)
                .set(UI_SESSION.LAST_SEEN_AT, now)
                .where(UI_SESSION.ID.eq(id))
                .and(UI_SESSION.LAST_SEEN_AT.lt(ifSeenBefore))
                .execute() == 1;
    }

    /** Revokes the session with this token hash; false when there is no such unrevoked session. */
    public boolean revoke(String tokenHash, OffsetDateTime at) {
        return dsl.update(UI_SESSION)
                .set(UI_SESSION.REVOKED_AT, at)
                .where(UI_SESSION.TOKEN_HASH.eq(tokenHash))
                .and(UI_SESSION.REVOKED_AT.isNull())
                .execute() == 1;
    }

    /** Revokes every unrevoked session of user {@code userId}; returns how many. */
    public int revokeAllOf(long userId, OffsetDateTime at) {
        return dsl.update(UI_SESSION)
                .set(UI_SESSION.REVOKED_AT, at)
                .where(UI_SESSION.USER_ID.eq(userId))
                .and(UI_SESSION.REVOKED_AT.isNull())
                .execute();
    }

    /** Deletes sessions that ended (revoked or expired) before {@code before}; returns how many. */
    public int deleteEndedBefore(OffsetDateTime before) {
        return dsl.deleteFrom(UI_SESSION)
                .where(UI_SESSION.EXPIRES_AT.lt(before))
                .or(UI_SESSION.REVOKED_AT.lt(before))
                .execute();
    }

    private static UiSession toSession(Record r) {
        return new UiSession(r.get(UI_SESSION.ID), r.get(UI_SESSION.USER_ID), r.get(APP_USER.NAME),
                Role.fromWire(r.get(APP_USER.ROLE)), Boolean.TRUE.equals(r.get(APP_USER.MUST_CHANGE_PASSWORD)),
                r.get(UI_SESSION.CSRF_TOKEN), r.get(UI_SESSION.EXPIRES_AT));
    }
}
