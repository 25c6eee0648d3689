package dev.baozi.orchestrator.migration;

import static dev.baozi.orchestrator.db.jooq.Tables.MIGRATION;
import static dev.baozi.orchestrator.db.jooq.Tables.MIGRATION_STEP;
import static dev.baozi.orchestrator.db.jooq.Tables.WORKSPACE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.SQLStateClass;

/**
 * Stores migrations and their timelines. Every change of a migration is a compare-and-set on its
 * version, so a person's decision and the worker finishing a step can never both move it; the
 * database keeps a workspace to one unfinished migration.
 */
public final class MigrationRepository {

    private static final ObjectMapper JSON = StrictJsonMapper.objectMapper();

    private final DSLContext dsl;

    public MigrationRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Where a change moves a migration: status, step, why, until when, and the plan (null: keep the stored one). */
    public record Move(MigrationStatus status, MigrationStep step, String message, OffsetDateTime wakeAt, MigrationPlan plan) {}

    /**
     * A new migration at its plan step, running; empty when the workspace already has an
     * unfinished migration (the database refuses a second).
     */
    public Optional<Migration> insert(long workspaceId, String sourceProvider, MigrationTarget target, String by, OffsetDateTime at) {
        try {
            long id = dsl.insertInto(MIGRATION)
                    .set(MIGRATION.WORKSPACE_ID, workspaceId)
                    .set(MIGRATION.SOURCE_PROVIDER, sourceProvider)
                    .set(MIGRATION.TARGET_PROVIDER, target.provider())
                    .set(MIGRATION.TARGET_POOL, target.pool())
                    .set(MIGRATION.TARGET_STORAGE, target.storage())
                    .set(MIGRATION.TARGET_BRIDGE, target.bridge())
                    .set(MIGRATION.STATUS, MigrationStatus.RUNNING.wire())
                    .set(MIGRATION.STEP, MigrationStep.PLAN.wire())
                    .set(MIGRATION.REQUESTED_BY, by)
                    .set(MIGRATION.REQUESTED_AT, at)
                    .set(MIGRATION.UPDATED_AT, at)
                    .set(MIGRATION.ROW_VERSION, 1L)
                    .set(MIGRATION.FINISHED_ID, 0L)
                    .returning(MIGRATION.ID)
                    .fetchOne()
                    .getId();
            return get(id);
        } catch (DataAccessException e) {
            if (e.sqlStateClass() == SQLStateClass.C23_INTEGRITY_CONSTRAINT_VIOLATION) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public Optional<Migration> get(long id) {
        return select(MIGRATION.ID.eq(id)).stream().findFirst();
    }

    /** The migrations of a workspace, newest first. */
    public List<Migration> forWorkspace(long workspaceId) {
        return select(MIGRATION.WORKSPACE_ID.eq(workspaceId)).reversed();
    }

    /** The workspace's unfinished migration, if it has one. */
    public Optional<Migration> unfinished(long workspaceId) {
        return select(MIGRATION.WORKSPACE_ID.eq(workspaceId).and(MIGRATION.FINISHED_ID.eq(0L))).stream().findFirst();
    }

    /** Every unfinished migration, oldest first. */
    public List<Migration> unfinished() {
        return select(MIGRATION.FINISHED_ID.eq(0L));
    }

    /**
     * The migrations the worker has something to do for at {@code now}: running ones not told to
     * come back later, and waiting or running ones whose time has come. Oldest first.
     */
    public List<Migration> due(OffsetDateTime now) {
        Condition running = MIGRATION.STATUS.eq(MigrationStatus.RUNNING.wire());
        Condition waiting = MIGRATION.STATUS.eq(MigrationStatus.WAITING.wire());
        return select(running.and(MIGRATION.WAKE_AT.isNull()).or(running.or(waiting).and(MIGRATION.WAKE_AT.le(now))));
    }

    /** Moves migration {@code id} from {@code version}; false when it changed meanwhile. */
    public boolean move(long id, long version, Move to, OffsetDateTime at) {
        return move(dsl, id, version, to, at);
    }

    private static boolean move(DSLContext dsl, long id, long version, Move to, OffsetDateTime at) {
        var update = dsl.update(MIGRATION)
                .set(MIGRATION.STATUS, to.status().wire())
                .set(MIGRATION.STEP, to.step().wire())
                .set(MIGRATION.MESSAGE, to.message() == null || to.message().length() <= 3900 ? to.message()
                        : to.message().substring(0, 3900) + "…")
                .set(MIGRATION.WAKE_AT, to.wakeAt())
                .set(MIGRATION.UPDATED_AT, at)
                .set(MIGRATION.ROW_VERSION, version + 1);
        if (to.plan() != null) {
            update = update.set(MIGRATION.PLAN_JSON, write(to.plan()));
        }
        if (to.status().isFinal()) {
            update = update.set(MIGRATION.FINISHED_AT, at).set(MIGRATION.FINISHED_ID, MIGRATION.ID);
        }
        return update.where(MIGRATION.ID.eq(id)).and(MIGRATION.ROW_VERSION.eq(version)).execute() == 1;
    }

    /**
     * Moves migration {@code id} from {@code version} and adds {@code entry} to its timeline, in one
     * transaction; the entry's id, or empty (and nothing written) when the migration changed meanwhile.
     */
    public Optional<Long> moveAndRecord(long id, long version, Move to, StepRecord entry, OffsetDateTime at) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            if (!move(t, id, version, to, at)) {
                return Optional.<Long>empty();
            }
            return Optional.of(insertStep(t, id, entry));
        });
    }

    /**
     * Records the start of {@code step} on the timeline and sets the version, in one transaction,
     * before the step's side effects; the entry's id, or empty when the migration changed meanwhile.
     */
    public Optional<Long> start(long id, long version, MigrationStep step, OffsetDateTime at) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            boolean moved = t.update(MIGRATION).set(MIGRATION.ROW_VERSION, version + 1).set(MIGRATION.UPDATED_AT, at)
                    .where(MIGRATION.ID.eq(id)).and(MIGRATION.ROW_VERSION.eq(version))
                    .and(MIGRATION.STEP.eq(step.wire())).and(MIGRATION.STATUS.eq(MigrationStatus.RUNNING.wire()))
                    .execute() == 1;
            if (!moved) {
                return Optional.<Long>empty();
            }
            return Optional.of(insertStep(t, id, new StepRecord(0, step, StepRecord.Outcome.RUNNING, null, at, null, Map.of())));
        });
    }

    /** Ends the timeline entry {@code entryId} (a step's attempt) with its outcome and details. */
    public void end(long entryId, StepRecord.Outcome outcome, Map<String, String> details, OffsetDateTime at) {
        dsl.update(MIGRATION_STEP)
                .set(MIGRATION_STEP.OUTCOME, outcome.wire())
                .set(MIGRATION_STEP.ENDED_AT, at)
                .set(MIGRATION_STEP.DETAILS, write(new TreeMap<>(details)))
                .where(MIGRATION_STEP.ID.eq(entryId)).execute();
    }

    /** Ends every attempt left running by a stopped orchestrator as interrupted; how many there were. */
    public int interruptRunning(OffsetDateTime at) {
        return dsl.update(MIGRATION_STEP)
                .set(MIGRATION_STEP.OUTCOME, StepRecord.Outcome.INTERRUPTED.wire())
                .set(MIGRATION_STEP.ENDED_AT, at)
                .where(MIGRATION_STEP.OUTCOME.eq(StepRecord.Outcome.RUNNING.wire()))
                .execute();
    }

    /** The timeline of migration {@code id}, oldest first. */
    public List<StepRecord> timeline(long id) {
        return dsl.selectFrom(MIGRATION_STEP).where(MIGRATION_STEP.MIGRATION_ID.eq(id)).orderBy(MIGRATION_STEP.ID)
                .fetch(r -> new StepRecord(r.getId(), MigrationStep.fromWire(r.getStep()), StepRecord.Outcome.fromWire(r.getOutcome()),
                        r.getByName(), r.getStartedAt(), r.getEndedAt(), read(r.getDetails(), new TypeReference<Map<String, String>>() {})));
    }

    private static long insertStep(DSLContext t, long migrationId, StepRecord entry) {
        return t.insertInto(MIGRATION_STEP)
                .set(MIGRATION_STEP.MIGRATION_ID, migrationId)
                .set(MIGRATION_STEP.STEP, entry.step().wire())
                .set(MIGRATION_STEP.OUTCOME, entry.outcome().wire())
                .set(MIGRATION_STEP.BY_NAME, entry.by())
                .set(MIGRATION_STEP.STARTED_AT, entry.startedAt())
                .set(MIGRATION_STEP.ENDED_AT, entry.endedAt())
                .set(MIGRATION_STEP.DETAILS, write(new TreeMap<>(entry.details())))
                .returning(MIGRATION_STEP.ID)
                .fetchOne()
                .getId();
    }

    private List<Migration> select(Condition condition) {
        return dsl.select(MIGRATION.fields()).select(WORKSPACE.NAME)
                .from(MIGRATION.join(WORKSPACE).on(MIGRATION.WORKSPACE_ID.eq(WORKSPACE.ID)))
                .where(condition).orderBy(MIGRATION.ID).fetch(MigrationRepository::toMigration);
    }

    private static Migration toMigration(Record r) {
        String plan = r.get(MIGRATION.PLAN_JSON);
        return new Migration(r.get(MIGRATION.ID), r.get(MIGRATION.WORKSPACE_ID), r.get(WORKSPACE.NAME), r.get(MIGRATION.SOURCE_PROVIDER),
                new MigrationTarget(r.get(MIGRATION.TARGET_PROVIDER), r.get(MIGRATION.TARGET_POOL), r.get(MIGRATION.TARGET_STORAGE),
                        r.get(MIGRATION.TARGET_BRIDGE)),
                MigrationStatus.fromWire(r.get(MIGRATION.STATUS)), MigrationStep.fromWire(r.get(MIGRATION.STEP)), r.get(MIGRATION.MESSAGE),
                r.get(MIGRATION.WAKE_AT), plan == null ? null : read(plan, new TypeReference<MigrationPlan>() {}),
                r.get(MIGRATION.REQUESTED_BY), r.get(MIGRATION.REQUESTED_AT), r.get(MIGRATION.UPDATED_AT), r.get(MIGRATION.FINISHED_AT),
                r.get(MIGRATION.ROW_VERSION));
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a migration's " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored migration document is not the JSON it should be: " + e.getOriginalMessage(), e);
        }
    }
}
