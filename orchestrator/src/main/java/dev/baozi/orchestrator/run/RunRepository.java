package dev.baozi.orchestrator.run;

import static dev.baozi.orchestrator.db.jooq.Tables.RUN;
import static dev.baozi.orchestrator.db.jooq.Tables.WORKSPACE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.workspace.Workspace;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * Stores runs. Every status change is a compare-and-set on the current status, so two actors
 * (a person cancelling, the scheduler starting it) can never both move the same run.
 */
public final class RunRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext dsl;

    public RunRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public Run insert(long workspaceId, boolean destroy, String queuedBy, OffsetDateTime at) {
        return insert(workspaceId, destroy, List.of(), queuedBy, at);
    }

    public Run insert(long workspaceId, boolean destroy, List<String> replace, String queuedBy, OffsetDateTime at) {
        long id = dsl.insertInto(RUN)
                .set(RUN.WORKSPACE_ID, workspaceId)
                .set(RUN.STATUS, RunStatus.QUEUED.wire())
                .set(RUN.DESTROY, destroy)
                .set(RUN.REPLACE_ADDRS, replace.isEmpty() ? null : addresses(replace))
                .set(RUN.QUEUED_BY, queuedBy)
                .set(RUN.QUEUED_AT, at)
                .returning(RUN.ID)
                .fetchOne()
                .getId();
        return get(id).orElseThrow();
    }

    public Optional<Run> get(long id) {
        return select(RUN.ID.eq(id)).stream().findFirst();
    }

    public List<Run> forWorkspace(long workspaceId, int limit) {
        return dsl.select(RUN.fields()).select(WORKSPACE.NAME).from(RUN.join(WORKSPACE).on(RUN.WORKSPACE_ID.eq(WORKSPACE.ID)))
                .where(RUN.WORKSPACE_ID.eq(workspaceId)).orderBy(RUN.ID.desc()).limit(limit).fetch(RunRepository::toRun);
    }

    public List<Run> withStatus(Collection<RunStatus> statuses) {
        return select(RUN.STATUS.in(statuses.stream().map(RunStatus::wire).toList()));
    }

    /**
     * Queued runs that may start planning: the oldest queued run of each workspace that has
     * no run planning, waiting for approval, approved or applying. Oldest first.
     */
    public List<Run> startable() {
        var holding = RUN.as("holding");
        var older = RUN.as("older");
        Condition noHolder = DSL.notExists(DSL.selectOne().from(holding)
                .where(holding.WORKSPACE_ID.eq(RUN.WORKSPACE_ID))
                .and(holding.STATUS.in(RunStatus.HOLDING.stream().map(RunStatus::wire).toList())));
        Condition oldest = DSL.notExists(DSL.selectOne().from(older)
                .where(older.WORKSPACE_ID.eq(RUN.WORKSPACE_ID))
                .and(older.STATUS.eq(RunStatus.QUEUED.wire()))
                .and(older.ID.lt(RUN.ID)));
        // a run queued as its workspace was being deleted never starts (it can be canceled)
        return select(RUN.STATUS.eq(RunStatus.QUEUED.wire()).and(noHolder).and(oldest).and(WORKSPACE.DELETED_ID.eq(0L)));
    }

    /** The run holding {@code workspace} (planning, planned, approved or applying), as "run N is planned"; empty if none. */
    public Optional<String> holder(Workspace workspace) {
        return select(RUN.WORKSPACE_ID.eq(workspace.id())
                .and(RUN.STATUS.in(RunStatus.HOLDING.stream().map(RunStatus::wire).toList())))
                .stream().findFirst().map(r -> "run " + r.id() + " is " + r.status().wire());
    }

    /** The oldest run of {@code workspace} that is queued or holds it, as "run N is queued"; empty if none. */
    public Optional<String> active(Workspace workspace) {
        var statuses = new java.util.ArrayList<>(RunStatus.HOLDING.stream().map(RunStatus::wire).toList());
        statuses.add(RunStatus.QUEUED.wire());
        return select(RUN.WORKSPACE_ID.eq(workspace.id()).and(RUN.STATUS.in(statuses)))
                .stream().findFirst().map(r -> "run " + r.id() + " is " + r.status().wire());
    }

    /** Whether the newest applied run of workspace {@code workspaceId} was a destroy. */
    public boolean lastAppliedWasDestroy(long workspaceId) {
        return dsl.select(RUN.DESTROY).from(RUN)
                .where(RUN.WORKSPACE_ID.eq(workspaceId)).and(RUN.STATUS.eq(RunStatus.APPLIED.wire()))
                .orderBy(RUN.ID.desc()).limit(1)
                .fetchOptional(RUN.DESTROY).orElse(false);
    }

    /**
     * The run a queued run waits behind: the newest older queued run of its workspace, else the
     * run holding its workspace; empty when it is first in line and nothing holds the workspace.
     */
    public Optional<Run> ahead(Run queued) {
        List<Run> older = select(RUN.WORKSPACE_ID.eq(queued.workspaceId()).and(RUN.STATUS.eq(RunStatus.QUEUED.wire()))
                .and(RUN.ID.lt(queued.id())));
        if (!older.isEmpty()) {
            return Optional.of(older.getLast());
        }
        return select(RUN.WORKSPACE_ID.eq(queued.workspaceId()).and(RUN.ID.ne(queued.id()))
                .and(RUN.STATUS.in(RunStatus.HOLDING.stream().map(RunStatus::wire).toList()))).stream().findFirst();
    }

    /** Moves run {@code id} from {@code from} to {@code to}; false when it was not in {@code from}. */
    public boolean transition(long id, RunStatus from, RunStatus to, OffsetDateTime at) {
        var update = dsl.update(RUN).set(RUN.STATUS, to.wire());
        if (from == RunStatus.QUEUED) {
            update = update.set(RUN.STARTED_AT, at);
        }
        if (to.isFinal()) {
            update = update.set(RUN.FINISHED_AT, at);
        }
        return update.where(RUN.ID.eq(id)).and(RUN.STATUS.eq(from.wire())).execute() == 1;
    }

    public void recordConfig(long id, String configSha256, String moduleSha256) {
        dsl.update(RUN).set(RUN.CONFIG_SHA256, configSha256).set(RUN.MODULE_SHA256, moduleSha256).where(RUN.ID.eq(id)).execute();
    }

    public void recordPlan(long id, String planJson, PlanSummary summary) {
        dsl.update(RUN)
                .set(RUN.PLAN_JSON, planJson)
                .set(RUN.ADDS, summary.adds())
                .set(RUN.CHANGES, summary.changes())
                .set(RUN.DESTROYS, summary.destroys())
                .set(RUN.REPLACES, summary.replaces())
                .where(RUN.ID.eq(id)).execute();
    }

    /** What Baozi supplied to the run's directory (JSON), recorded when it plans. */
    public void recordSupplied(long id, String suppliedJson) {
        dsl.update(RUN).set(RUN.SUPPLIED_JSON, suppliedJson).where(RUN.ID.eq(id)).execute();
    }

    public Optional<String> suppliedJson(long id) {
        return Optional.ofNullable(dsl.select(RUN.SUPPLIED_JSON).from(RUN).where(RUN.ID.eq(id)).fetchOne(RUN.SUPPLIED_JSON));
    }

    public Optional<String> planJson(long id) {
        return Optional.ofNullable(dsl.select(RUN.PLAN_JSON).from(RUN).where(RUN.ID.eq(id)).fetchOne(RUN.PLAN_JSON));
    }

    /** Records an approval or a discard, moving the run out of {@code planned}; false if it was not planned. */
    public boolean decide(long id, RunStatus to, String by, String comment, boolean destroyConfirmed, OffsetDateTime at) {
        var update = dsl.update(RUN)
                .set(RUN.STATUS, to.wire())
                .set(RUN.DECIDED_BY, by)
                .set(RUN.DECIDED_AT, at)
                .set(RUN.DECISION_COMMENT, comment)
                .set(RUN.DESTROY_CONFIRMED, destroyConfirmed);
        if (to.isFinal()) {
            update = update.set(RUN.FINISHED_AT, at);
        }
        return update.where(RUN.ID.eq(id)).and(RUN.STATUS.eq(RunStatus.PLANNED.wire())).execute() == 1;
    }

    /** Ends a run from {@code from} as {@code to} with a reason; false when it was not in {@code from}. */
    public boolean finish(long id, RunStatus from, RunStatus to, String error, String canceledBy, OffsetDateTime at) {
        return dsl.update(RUN)
                .set(RUN.STATUS, to.wire())
                .set(RUN.FINISHED_AT, at)
                .set(RUN.ERROR, error == null ? null : error.length() > 3900 ? error.substring(0, 3900) + "…" : error)
                .set(RUN.CANCELED_BY, canceledBy)
                .where(RUN.ID.eq(id)).and(RUN.STATUS.eq(from.wire()))
                .execute() == 1;
    }

    private List<Run> select(Condition condition) {
        return dsl.select(RUN.fields()).select(WORKSPACE.NAME).from(RUN.join(WORKSPACE).on(RUN.WORKSPACE_ID.eq(WORKSPACE.ID)))
                .where(condition).orderBy(RUN.ID).fetch(RunRepository::toRun);
    }

    private static Run toRun(Record r) {
        Integer adds = r.get(RUN.ADDS);
        PlanSummary summary = adds == null ? null
                : new PlanSummary(adds, r.get(RUN.CHANGES), r.get(RUN.DESTROYS), r.get(RUN.REPLACES));
        return new Run(r.get(RUN.ID), r.get(RUN.WORKSPACE_ID), r.get(WORKSPACE.NAME), RunStatus.fromWire(r.get(RUN.STATUS)),
                r.get(RUN.DESTROY), addresses(r.get(RUN.REPLACE_ADDRS)), r.get(RUN.QUEUED_BY), r.get(RUN.QUEUED_AT), r.get(RUN.STARTED_AT), r.get(RUN.FINISHED_AT),
                r.get(RUN.CONFIG_SHA256), r.get(RUN.MODULE_SHA256), summary, r.get(RUN.DECIDED_BY), r.get(RUN.DECIDED_AT),
                r.get(RUN.DECISION_COMMENT), r.get(RUN.DESTROY_CONFIRMED), r.get(RUN.CANCELED_BY), r.get(RUN.ERROR));
    }

    private static String addresses(List<String> replace) {
        try {
            return JSON.writeValueAsString(replace);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing resource addresses as JSON", e);
        }
    }

    private static List<String> addresses(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return List.of(JSON.readValue(json, String[].class));
        } catch (IOException e) {
            throw new IllegalStateException("the stored resource addresses of a run are not a JSON list: " + json, e);
        }
    }
}
