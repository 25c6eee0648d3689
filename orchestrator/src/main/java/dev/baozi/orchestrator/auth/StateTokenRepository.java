package dev.baozi.orchestrator.auth;

import static dev.baozi.orchestrator.db.jooq.Tables.STATE_TOKEN;

import dev.baozi.orchestrator.db.jooq.tables.records.StateTokenRecord;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** Stores state token records by the hash of their token. */
public final class StateTokenRepository {

    private final DSLContext dsl;

    public StateTokenRepository(DSLContext dsl) {
        this.dsl = dsl;
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

    /** The live (not revoked) token with this hash. */
    public Optional<StateToken> findLive(String tokenHash) {
        return dsl.selectFrom(STATE_TOKEN)
                .where(STATE_TOKEN.TOKEN_HASH.eq(tokenHash))
                .and(STATE_TOKEN.REVOKED_AT.isNull())
                .fetchOptional(StateTokenRepository::toToken);
    }

    public List<StateToken> forWorkspace(String workspace) {
        return dsl.selectFrom(STATE_TOKEN)
                .where(STATE_TOKEN.WORKSPACE.eq(workspace))
                .orderBy(STATE_TOKEN.ID)
                .fetch(StateTokenRepository::toToken);
    }

    /** Revokes token {@code id} of {@code workspace}; false when there is no such live token. */
    public boolean revoke(String workspace, long id, OffsetDateTime at) {
        return dsl.update(STATE_TOKEN)
                .set(STATE_TOKEN.REVOKED_AT, at)
                .where(STATE_TOKEN.ID.eq(id))
                .and(STATE_TOKEN.WORKSPACE.eq(workspace))
                .and(STATE_TOKEN.REVOKED_AT.isNull())
                .execute() == 1;
    }

    /** Revokes every live token of {@code workspace}; returns how many. */
    public int revokeAllOf(String workspace, OffsetDateTime at) {
        return dsl.update(STATE_TOKEN)
                .set(STATE_TOKEN.REVOKED_AT, at)
                .where(STATE_TOKEN.WORKSPACE.eq(workspace))
                .and(STATE_TOKEN.REVOKED_AT.isNull())
                .execute();
    }

    private static StateToken toToken(StateTokenRecord r) {
        return new StateToken(r.getId(), r.getWorkspace(), r.getName(), TokenAccess.fromWire(r.getAccess()),
                r.getCreatedBy(), r.getCreatedAt(), r.getRevokedAt());
    }
}
