package dev.baozi.orchestrator.auth;

import static dev.baozi.orchestrator.db.jooq.Tables.API_TOKEN;
import static dev.baozi.orchestrator.db.jooq.Tables.APP_USER;
import static dev.baozi.orchestrator.db.jooq.Tables.UI_SESSION;

import dev.baozi.orchestrator.db.jooq.tables.records.AppUserRecord;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** Users, their password hashes and their API tokens (by the hash of the token). */
public final class UserRepository {

    private final DSLContext dsl;

    public UserRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public AppUser insert(String name, Role role, OffsetDateTime at) {
        return toUser(dsl.insertInto(APP_USER)
                .set(APP_USER.NAME, name)
                .set(APP_USER.ROLE, role.wire())
                .set(APP_USER.CREATED_AT, at)
                .returning()
                .fetchOne());
    }

    public Optional<AppUser> byName(String name) {
        return dsl.selectFrom(APP_USER).where(APP_USER.NAME.eq(name)).fetchOptional(UserRepository::toUser);
    }

    public List<AppUser> all() {
        return dsl.selectFrom(APP_USER).orderBy(APP_USER.NAME).fetch(UserRepository::toUser);
    }

    public void insertToken(long userId, String name, String tokenHash, OffsetDateTime at) {
        dsl.insertInto(API_TOKEN)
                .set(API_TOKEN.USER_ID, userId)
                .set(API_TOKEN.NAME, name)
                .set(API_TOKEN.TOKEN_HASH, tokenHash)
                .set(API_TOKEN.CREATED_AT, at)
                .execute();
    }

    /** The user owning the live API token with this hash. */
    public Optional<AppUser> byLiveToken(String tokenHash) {
        return dsl.select(APP_USER.fields())
                .from(API_TOKEN.join(APP_USER).on(API_TOKEN.USER_ID.eq(APP_USER.ID)))
                .where(API_TOKEN.TOKEN_HASH.eq(tokenHash))
                .and(API_TOKEN.REVOKED_AT.isNull())
                .and(APP_USER.DISABLED_AT.isNull())
                .fetchOptional(r -> toUser(r.into(APP_USER)));
    }

    /** The login facts of the user named {@code name}. */
    public Optional<UserCredentials> credentials(String name) {
        return dsl.selectFrom(APP_USER).where(APP_USER.NAME.eq(name)).fetchOptional(UserRepository::toCredentials);
    }

    /** The login facts of the user named {@code name}, unless that user is disabled. */
    public Optional<UserCredentials> enabledCredentials(String name) {
        return dsl.selectFrom(APP_USER).where(APP_USER.NAME.eq(name)).and(APP_USER.DISABLED_AT.isNull())
                .fetchOptional(UserRepository::toCredentials);
    }

    /** The login facts of user {@code id}. */
    public Optional<UserCredentials> credentials(long id) {
        return dsl.selectFrom(APP_USER).where(APP_USER.ID.eq(id)).fetchOptional(UserRepository::toCredentials);
    }

    /** Stores a password hash for user {@code id}; false when there is no such user. */
    public boolean setPassword(long id, String passwordHash, boolean mustChange) {
        return dsl.update(APP_USER)
                .set(APP_USER.PASSWORD_HASH, passwordHash)
                .set(APP_USER.MUST_CHANGE_PASSWORD, mustChange)
                .where(APP_USER.ID.eq(id))
                .execute() == 1;
    }

    /**
     * Replaces user {@code id}'s hash only if it is still {@code expected} (a rehash at login must
     * not undo a password change made meanwhile); false when it was not.
     */
    public boolean replacePasswordHash(long id, String expected, String passwordHash) {
        return dsl.update(APP_USER)
                .set(APP_USER.PASSWORD_HASH, passwordHash)
                .where(APP_USER.ID.eq(id))
                .and(APP_USER.PASSWORD_HASH.eq(expected))
                .execute() == 1;
    }

    public void recordLogin(long id, OffsetDateTime at) {
        dsl.update(APP_USER).set(APP_USER.LAST_LOGIN_AT, at).where(APP_USER.ID.eq(id)).execute();
    }

    public void setRole(long id, Role role) {
        dsl.update(APP_USER).set(APP_USER.ROLE, role.wire()).where(APP_USER.ID.eq(id)).execute();
    }

    /** Disables user {@code id} at {@code at}, or enables it again ({@code at} null). */
    public void setDisabled(long id, OffsetDateTime at) {
        dsl.update(APP_USER).set(APP_USER.DISABLED_AT, at).where(APP_USER.ID.eq(id)).execute();
    }

    /** Revokes every live API token of user {@code id}; returns how many. */
    public int revokeTokens(long id, OffsetDateTime at) {
        return dsl.update(API_TOKEN).set(API_TOKEN.REVOKED_AT, at)
                .where(API_TOKEN.USER_ID.eq(id)).and(API_TOKEN.REVOKED_AT.isNull())
                .execute();
    }

    /** Deletes user {@code id} with its API tokens and sessions, in one transaction. */
    public void delete(long id) {
        dsl.transaction(tx -> {
            var t = tx.dsl();
            t.deleteFrom(API_TOKEN).where(API_TOKEN.USER_ID.eq(id)).execute();
            t.deleteFrom(UI_SESSION).where(UI_SESSION.USER_ID.eq(id)).execute();
            t.deleteFrom(APP_USER).where(APP_USER.ID.eq(id)).execute();
        });
    }

    /** True when at least one user can log in to the web UI with a password. */
    public boolean anyWithPassword() {
        return dsl.fetchExists(dsl.selectOne().from(APP_USER).where(APP_USER.PASSWORD_HASH.isNotNull()));
    }

    private static UserCredentials toCredentials(AppUserRecord r) {
        return new UserCredentials(r.getId(), r.getName(), Role.fromWire(r.getRole()), r.getPasswordHash(),
                Boolean.TRUE.equals(r.getMustChangePassword()));
    }

    private static AppUser toUser(AppUserRecord r) {
        return new AppUser(r.getId(), r.getName(), Role.fromWire(r.getRole()), r.getCreatedAt(), r.getDisabledAt() != null);
    }
}
