package dev.baozi.orchestrator.run;

import static dev.baozi.orchestrator.db.jooq.Tables.RUN_SIDE_PLAN;

import java.util.List;
import java.util.Set;
import org.jooq.DSLContext;

/** Stores the side plans of runs, one per kind and run, in the order they were planned. */
public final class SidePlanRepository {

    private final DSLContext dsl;

    public SidePlanRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public void record(long runId, SidePlan plan) {
        dsl.insertInto(RUN_SIDE_PLAN)
                .set(RUN_SIDE_PLAN.RUN_ID, runId)
                .set(RUN_SIDE_PLAN.KIND, plan.kind())
                .set(RUN_SIDE_PLAN.DOCUMENT, plan.document())
                .set(RUN_SIDE_PLAN.CHANGES, plan.changes())
                .set(RUN_SIDE_PLAN.FORCE_REASON, plan.forceReason())
                .set(RUN_SIDE_PLAN.FORCED, plan.forced())
                .execute();
    }

    public List<SidePlan> ofRun(long runId) {
        return dsl.selectFrom(RUN_SIDE_PLAN).where(RUN_SIDE_PLAN.RUN_ID.eq(runId)).orderBy(RUN_SIDE_PLAN.ID)
                .fetch(r -> new SidePlan(r.getKind(), r.getDocument(), r.getChanges(), r.getForceReason(), r.getForced()));
    }

    /** Marks the side plans of {@code kinds} that need force as forced by the approval. */
    public void force(long runId, Set<String> kinds) {
        if (!kinds.isEmpty()) {
            dsl.update(RUN_SIDE_PLAN).set(RUN_SIDE_PLAN.FORCED, true)
                    .where(RUN_SIDE_PLAN.RUN_ID.eq(runId)).and(RUN_SIDE_PLAN.KIND.in(kinds))
                    .and(RUN_SIDE_PLAN.FORCE_REASON.isNotNull()).execute();
        }
    }
}
