package dev.baozi.orchestrator.audit;

import static dev.baozi.orchestrator.db.jooq.Tables.AUDIT_EVENT;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores and reads audit events. {@link #record} does not wait for the database: it queues the
 * event (with its time taken then) and a background writer inserts what is queued, many events
 * in one statement when they come fast; {@code make profile-state} showed the insert per request
 * as an eighth of the state backend's request path. Every read ({@link #search}, {@link #latest})
 * writes what is queued first, so this instance reads its own events, and {@link #close} (a clean
 * stop) writes the rest. A crash (kill -9, power) loses the events queued in the last few
 * milliseconds, the time one insert takes; a database that refuses the insert loses that batch,
 * and the log says how many events.
 */
public final class AuditRepository implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditRepository.class);
    /** The most events one insert carries. */
    static final int BATCH = 500;

    private final DSLContext dsl;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Whether a background writer is running (at most one is). */
    private final AtomicBoolean writer = new AtomicBoolean();
    /** Held while queued events are taken and inserted, so a read that writes first waits for an insert under way. */
    private final ReentrantLock writing = new ReentrantLock();

    /** An event as recorded, its texts already cut to their columns. */
    private record Pending(OffsetDateTime at, String actor, String action, String target, String outcome, String detail) {}

    public AuditRepository(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /**
     * Records an event: queued now, inserted in the background (see the class comment). Every
     * text is cut to its column's size here, marked with "…", so a long value a caller sent (a
     * lock ID, say) can never make the record fail after the thing it records was done.
     */
    public void record(String actor, String action, String target, String outcome, String detail) {
        queue.add(new Pending(OffsetDateTime.now(clock),
                fit(actor == null ? "" : actor, AUDIT_EVENT.ACTOR),
                fit(action == null ? "" : action, AUDIT_EVENT.ACTION),
                fit(target == null ? "" : target, AUDIT_EVENT.TARGET),
                fit(outcome == null ? "" : outcome, AUDIT_EVENT.OUTCOME),
                fit(detail, AUDIT_EVENT.DETAIL)));
        if (writer.compareAndSet(false, true)) {
            Thread.ofVirtual().name("audit-writer").start(this::writeInBackground);
        }
    }

    /** Inserts until nothing is queued, then ends; a record queued as it ends starts the next writer. */
    private void writeInBackground() {
        do {
            try {
                flush();
            } finally {
                writer.set(false); // even when the insert failed in a way not foreseen, the next record starts a writer
            }
        } while (!queue.isEmpty() && writer.compareAndSet(false, true));
    }

    /** Inserts every event queued before this call; returns when they are in the database (or their loss is logged). */
    public void flush() {
        writing.lock();
        try {
            List<Pending> batch = new ArrayList<>();
            while (!queue.isEmpty()) {
                batch.clear();
                for (Pending p = queue.poll(); p != null; p = batch.size() < BATCH ? queue.poll() : null) {
                    batch.add(p);
                }
                insert(batch);
            }
        } finally {
            writing.unlock();
        }
    }

    /**
     * One JDBC batch of a prepared insert: jOOQ rendering a one-row insert was half the writer's
     * CPU under {@code make profile-state} (about 1 ms per event on 2 shared cores).
     */
    private static final String INSERT = "INSERT INTO " + AUDIT_EVENT.getName() + " (" + String.join(", ",
            AUDIT_EVENT.OCCURRED_AT.getName(), AUDIT_EVENT.ACTOR.getName(), AUDIT_EVENT.ACTION.getName(),
            AUDIT_EVENT.TARGET.getName(), AUDIT_EVENT.OUTCOME.getName(), AUDIT_EVENT.DETAIL.getName())
            + ") VALUES (?, ?, ?, ?, ?, ?)";

    private void insert(List<Pending> batch) {
        try {
            dsl.connection(connection -> {
                try (var insert = connection.prepareStatement(INSERT)) {
                    for (Pending p : batch) {
                        insert.setObject(1, p.at());
                        insert.setString(2, p.actor());
                        insert.setString(3, p.action());
                        insert.setString(4, p.target());
                        insert.setString(5, p.outcome());
                        insert.setString(6, p.detail());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            });
        } catch (DataAccessException e) {
            // Nobody waits for this insert to report to; the log is where the loss is told.
            log.error("writing {} audit event(s) from {} to {}: the database refused them, so they are lost: {}",
                    batch.size(), batch.getFirst().at(), batch.getLast().at(), e.getMessage());
        }
    }

    /** Writes what is queued: a clean stop loses no event. */
    @Override
    public void close() {
        flush();
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
        flush();
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
        flush();
        return dsl.selectFrom(AUDIT_EVENT)
                .orderBy(AUDIT_EVENT.ID.desc())
                .limit(limit)
                .fetch(r -> new AuditEvent(r.getId(), r.getOccurredAt(), r.getActor(), r.getAction(), r.getTarget(),
                        r.getOutcome(), r.getDetail()));
    }
}
