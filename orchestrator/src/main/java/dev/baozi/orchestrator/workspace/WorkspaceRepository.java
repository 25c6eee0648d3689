package dev.baozi.orchestrator.workspace;

import static dev.baozi.orchestrator.db.jooq.Tables.RUN;
import static dev.baozi.orchestrator.db.jooq.Tables.WORKSPACE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.db.jooq.tables.records.WorkspaceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Stores workspaces. A deleted workspace keeps its row for its runs, but is neither found by name nor listed. */
public final class WorkspaceRepository {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DSLContext dsl;

    public WorkspaceRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public Workspace insert(String name, String template, JsonNode inputs, String tofuVersion, String createdBy,
            OffsetDateTime at, String provider) {
        return toWorkspace(dsl.insertInto(WORKSPACE)
                .set(WORKSPACE.PROVIDER, provider)
                .set(WORKSPACE.NAME, name)
                .set(WORKSPACE.TEMPLATE, template)
                .set(WORKSPACE.INPUTS_JSON, inputs.toString())
                .set(WORKSPACE.TOFU_VERSION, tofuVersion)
                .set(WORKSPACE.CREATED_BY, createdBy)
                .set(WORKSPACE.CREATED_AT, at)
                .returning()
                .fetchOne());
    }

    public Optional<Workspace> byName(String name) {
        return dsl.selectFrom(WORKSPACE).where(WORKSPACE.NAME.eq(name)).and(WORKSPACE.DELETED_ID.eq(0L))
                .fetchOptional(WorkspaceRepository::toWorkspace);
    }

    public Optional<Workspace> byId(long id) {
        return dsl.selectFrom(WORKSPACE).where(WORKSPACE.ID.eq(id)).fetchOptional(WorkspaceRepository::toWorkspace);
    }

    public List<Workspace> all() {
        return dsl.selectFrom(WORKSPACE).where(WORKSPACE.DELETED_ID.eq(0L)).orderBy(WORKSPACE.NAME)
                .fetch(WorkspaceRepository::toWorkspace);
    }

    /** Replaces the inputs of workspace {@code id} and returns it as it is now. */
    public Workspace updateInputs(long id, JsonNode inputs) {
        dsl.update(WORKSPACE).set(WORKSPACE.INPUTS_JSON, inputs.toString()).where(WORKSPACE.ID.eq(id)).execute();
        return byId(id).orElseThrow(() -> new IllegalStateException("workspace " + id + " vanished while its inputs changed"));
    }

    /**
     * Marks workspace {@code id} deleted, unless a run of it is queued or under way (one queued
     * since the caller looked): its name is free for a new workspace, its row stays for its runs.
     * False when it was deleted already or such a run exists.
     */
    public boolean markDeleted(long id, OffsetDateTime at) {
        return dsl.update(WORKSPACE)
                .set(WORKSPACE.DELETED_AT, at)
                .set(WORKSPACE.DELETED_ID, id)
                .where(WORKSPACE.ID.eq(id))
                .and(WORKSPACE.DELETED_ID.eq(0L))
                .andNotExists(DSL.selectOne().from(RUN).where(RUN.WORKSPACE_ID.eq(id))
                        .and(RUN.STATUS.in("queued", "planning", "planned", "approved", "applying")))
                .execute() == 1;
    }

    public void delete(long id) {
        dsl.deleteFrom(WORKSPACE).where(WORKSPACE.ID.eq(id)).execute();
    }

    private static Workspace toWorkspace(WorkspaceRecord r) {
        try {
            return new Workspace(r.getId(), r.getName(), r.getTemplate(), JSON.readTree(r.getInputsJson()),
                    r.getTofuVersion(), r.getCreatedBy(), r.getCreatedAt(), r.getProvider());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the inputs of workspace " + r.getName(), e);
        }
    }
}
