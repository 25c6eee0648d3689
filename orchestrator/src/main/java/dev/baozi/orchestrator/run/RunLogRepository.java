package dev.baozi.orchestrator.run;

import static dev.baozi.orchestrator.db.jooq.Tables.RUN_LOG;

import java.util.List;
import org.jooq.DSLContext;

/** Stores run log lines. */
public final class RunLogRepository {

    private final DSLContext dsl;

    public RunLogRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public void insert(LogLine line) {
        dsl.insertInto(RUN_LOG)
                .set(RUN_LOG.RUN_ID, line.runId())
                .set(RUN_LOG.SEQ, line.seq())
                .set(RUN_LOG.STEP, line.step())
                .set(RUN_LOG.LOGGED_AT, line.at())
                .set(RUN_LOG.LINE, line.line().length() > 7900 ? line.line().substring(0, 7900) + "…" : line.line())
                .execute();
    }

    /** Lines of run {@code runId} with a sequence number above {@code afterSeq}, in order. */
    public List<LogLine> after(long runId, int afterSeq) {
        return dsl.selectFrom(RUN_LOG)
                .where(RUN_LOG.RUN_ID.eq(runId)).and(RUN_LOG.SEQ.gt(afterSeq))
                .orderBy(RUN_LOG.SEQ)
                .fetch(r -> new LogLine(r.getRunId(), r.getSeq(), r.getStep(), r.getLoggedAt(), r.getLine()));
    }

    public int lastSeq(long runId) {
        Integer max = dsl.select(org.jooq.impl.DSL.max(RUN_LOG.SEQ)).from(RUN_LOG).where(RUN_LOG.RUN_ID.eq(runId)).fetchOne(0, Integer.class);
        return max == null ? 0 : max;
    }
}
