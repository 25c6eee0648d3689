package dev.baozi.orchestrator.workspace;

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

/** Stores workspaces. */
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
        return dsl.selectFrom(WORKSPACE).where(WORKSPACE.NAME.eq(name)).fetchOptional(WorkspaceRepository::toWorkspace);
    }

    public Optional<Workspace> byId(long id) {
        return dsl.selectFrom(WORKSPACE).where(WORKSPACE.ID.eq(id)).fetchOptional(WorkspaceRepository::toWorkspace);
    }

    public List<Workspace> all() {
        return dsl.selectFrom(WORKSPACE).orderBy(WORKSPACE.NAME).fetch(WorkspaceRepository::toWorkspace);
    }

    /** Replaces the inputs of workspace {@code id} and returns it as it is now. */
    public Workspace updateInputs(long id, JsonNode inputs) {
        dsl.update(WORKSPACE).set(WORKSPACE.INPUTS_JSON, inputs.toString()).where(WORKSPACE.ID.eq(id)).execute();
        return byId(id).orElseThrow(() -> new IllegalStateException("workspace " + id + " vanished while its inputs changed"));
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
