package dev.baozi.orchestrator.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.auth.Caller;
import dev.baozi.orchestrator.web.ErrorBody;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/workspaces/{workspace}/backups}: list (viewer), make one now (operator), restore
 * one into a new VM (approver: it creates a VM holding the deployment's data and address).
 */
public final class BackupController {

    private static final Set<String> RESTORE_FIELDS = Set.of("provider", "node", "vmid", "storage");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final BackupService backups;
    private final Function<String, Optional<Workspace>> workspaces;
    private final Function<Workspace, Optional<Template>> templates;

    public BackupController(BackupService backups, Function<String, Optional<Workspace>> workspaces,
            Function<Workspace, Optional<Template>> templates) {
        this.backups = backups;
        this.workspaces = workspaces;
        this.templates = templates;
    }

    /** The workspace's backups, newest first; those of a deleted workspace stay listed under its name. */
    public void list(Context ctx) {
        String name = WorkspaceName.fromPath(ctx).value();
        List<VmBackup> list = backups.list(name);
        if (list.isEmpty() && workspaces.apply(name).isEmpty()) {
            throw new NotFoundResponse("no workspace named " + name + " and no backups of one");
        }
        ctx.json(Map.of("backups", list.stream().map(BackupController::view).toList()));
    }

    public void create(Context ctx) {
        String name = WorkspaceName.fromPath(ctx).value();
        Workspace ws = workspaces.apply(name).orElseThrow(() -> new NotFoundResponse("no workspace named " + name));
        if (!ctx.body().isBlank()) {
            JsonNode body = ctx.bodyAsClass(JsonNode.class);
            if (body == null || !body.isObject() || !body.isEmpty()) {
                throw new BadRequestResponse("the body must be empty or {}: a backup takes no options");
            }
        }
        if (templates.apply(ws).filter(Template::isDeployment).isEmpty()) {
            ctx.status(HttpStatus.CONFLICT).json(new ErrorBody("workspace " + name + " is not a deployment, so it has no VM to back up"));
            return;
        }
        switch (backups.backup(ws, BackupReason.MANUAL, Caller.principal(ctx).name(), line -> {})) {
            case BackupService.BackupOutcome.Made m -> ctx.status(HttpStatus.CREATED)
                    .json(Map.of("backups", m.backups().stream().map(BackupController::view).toList()));
            case BackupService.BackupOutcome.NoVm n -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(n.message()));
            case BackupService.BackupOutcome.Failed f -> ctx.status(HttpStatus.BAD_GATEWAY).json(new ErrorBody(f.message()));
        }
    }

    public void restore(Context ctx) {
        String name = WorkspaceName.fromPath(ctx).value();
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new BadRequestResponse("backup ids are numbers, got '" + ctx.pathParam("id") + "'");
        }
        var target = target(ctx);
        switch (backups.restore(name, id, target, Caller.principal(ctx).name())) {
            case BackupService.RestoreOutcome.Restored r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("backup", view(r.backup()));
                m.put("provider", r.provider());
                m.put("node", r.node());
                m.put("vmid", r.vmid());
                ctx.status(HttpStatus.CREATED).json(m);
            }
            case BackupService.RestoreOutcome.NotFound n -> throw new NotFoundResponse(n.message());
            case BackupService.RestoreOutcome.Refused r -> ctx.status(HttpStatus.UNPROCESSABLE_CONTENT).json(new ErrorBody(r.message()));
            case BackupService.RestoreOutcome.Failed f -> ctx.status(HttpStatus.BAD_GATEWAY).json(new ErrorBody(f.message()));
        }
    }

    private static BackupService.RestoreTarget target(Context ctx) {
        if (ctx.body().isBlank()) {
            return BackupService.RestoreTarget.DEFAULT;
        }
        JsonNode body = ctx.bodyAsClass(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw new BadRequestResponse("the body must be a JSON object (provider, node, vmid, storage) or empty");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!RESTORE_FIELDS.contains(f)) {
                throw new BadRequestResponse(f + ": unknown field; a restore takes provider, node, vmid and storage");
            }
        });
        OptionalInt vmid = OptionalInt.empty();
        JsonNode v = body.get("vmid");
        if (v != null && !v.isNull()) {
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 100 || v.asInt() > 999_999_999) {
                throw new BadRequestResponse("vmid: must be a PVE VM id, a whole number from 100 to 999999999, got " + v);
            }
            vmid = OptionalInt.of(v.asInt());
        }
        return new BackupService.RestoreTarget(text(body, "provider"), text(body, "node"), vmid, text(body, "storage"));
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || !ID.matcher(v.asText()).matches()) {
            throw new BadRequestResponse(field + ": must be a name of letters, digits, '.', '_' and '-', got " + v);
        }
        return Optional.of(v.asText());
    }

    static Map<String, Object> view(VmBackup b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("workspace", b.workspace());
        m.put("provider", b.provider());
        m.put("node", b.node());
        m.put("vmid", b.vmid());
        m.put("vm_name", b.vmName());
        m.put("storage", b.storage());
        m.put("volid", b.volid());
        m.put("size_bytes", b.sizeBytes());
        m.put("reason", b.reason().wire());
        m.put("created_by", b.createdBy());
        m.put("created_at", b.createdAt());
        m.put("expires_at", b.expiresAt());
        return m;
    }
}
