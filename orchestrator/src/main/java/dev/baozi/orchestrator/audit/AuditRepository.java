package dev.baozi.orchestrator.audit;

import static dev.baozi.orchestrator.db.jooq.Tables.AUDIT_EVENT;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;

/** Stores and reads audit events. */
public final class AuditRepository {

    private final DSLContext dsl;
    private final Clock clock;

    public AuditRepository(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /**
     * Records an event. Every text is cut to its column's size here, marked with "…", so a long
     * value a caller sent (a lock ID, say) can never make the record fail after the thing it
     * records was done.
     */
    public void record(String actor, String action, String target, String outcome, String detail) {
        dsl.insertInto(AUDIT_EVENT)
                .set(AUDIT_EVENT.OCCURRED_AT, OffsetDateTime.now(clock))
                .set(AUDIT_EVENT.ACTOR, fit(actor == null ? "" : actor, AUDIT_EVENT.ACTOR))
                .set(AUDIT_EVENT.ACTION, fit(action == null ? "" : action, AUDIT_EVENT.ACTION))
                .set(AUDIT_EVENT.TARGET, fit(target == null ? "" : target, AUDIT_EVENT.TARGET))
                .set(AUDIT_EVENT.OUTCOME, fit(outcome == null ? "" : outcome, AUDIT_EVENT.OUTCOME))
                .set(AUDIT_EVENT.DETAIL, fit(detail, AUDIT_EVENT.DETAIL))
                .execute();
    }

    /** {@code text} cut to the column's length (in UTF-16 units, never splitting a pair), ending in "…" when cut. */
    static String fit(String text, org.jooq.Field<String> column) {
        int max = column.getDataType().length();
        if (text == null || max <= 0 || text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /**
     * The newest {@code limit} events whose actor, action and target contain the given texts
     * (case-insensitively; blank: any), newest first.
     */
    public List<AuditEvent> search(String actor, String action, String target, int limit) {
        return search(actor, action, target, null, null, null, limit);
    }

    /**
     * As {@link #search(String, String, String, int)}, and only events at or after {@code from}
     * and before {@code to} (null: unbounded), older than the event {@code beforeId} (null: from
     * the newest): one page of the log, the next page starting below its last id.
     */
    public List<AuditEvent> search(String actor, String action, String target, OffsetDateTime from, OffsetDateTime to,
            Long beforeId, int limit) {
        org.jooq.Condition where = org.jooq.impl.DSL.noCondition();
        if (from != null) {
            where = where.and(AUDIT_EVENT.OCCURRED_AT.ge(from));
        }
        if (to != null) {
            where = where.and(AUDIT_EVENT.OCCURRED_AT.lt(to));
        }
        if (beforeId != null) {
            where = where.and(AUDIT_EVENT.ID.lt(beforeId));
        }
        if (actor != null && !actor.isBlank()) {
            where = where.and(AUDIT_EVENT.ACTOR.containsIgnoreCase(actor.strip()));
        }
        if (action != null && !action.isBlank()) {
            where = where.and(AUDIT_EVENT.ACTION.containsIgnoreCase(action.strip()));
        }
        if (target != null && !target.isBlank()) {
            where = where.and(AUDIT_EVENT.TARGET.containsIgnoreCase(target.strip()));
        }
        return dsl.selectFrom(AUDIT_EVENT)
                .where(where)
                .orderBy(AUDIT_EVENT.ID.desc())
                .limit(limit)
                .fetch(r -> new AuditEvent(r.getId(), r.getOccurredAt(), r.getActor(), r.getAction(), r.getTarget(),
                        r.getOutcome(), r.getDetail()));
    }

    /** The newest {@code limit} events, newest first. */
    public List<AuditEvent> latest(int limit) {
        return dsl.selectFrom(AUDIT_EVENT)
                .orderBy(AUDIT_EVENT.ID.desc())
                .limit(limit)
                .fetch(r -> new AuditEvent(r.getId(), r.getOccurredAt(), r.getActor(), r.getAction(), r.getTarget(),
                        r.getOutcome(), r.getDetail()));
    }
}
