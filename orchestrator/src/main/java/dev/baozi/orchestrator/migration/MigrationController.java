package dev.baozi.orchestrator.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.orchestrator.auth.Caller;
import dev.baozi.orchestrator.web.ErrorBody;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/workspaces/{workspace}/migrations}: ask for a migration (its plan step starts), list,
 * show with its timeline, and the decisions on it: approve a step, skip a wait, retry, roll back,
 * decommission.
 */
public final class MigrationController {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = StrictJsonMapper.objectMapper();
    private static final List<String> TARGET_FIELDS = List.of("target_provider", "target_pool", "target_storage", "target_bridge");

    private final MigrationService migrations;
    private final WorkspaceService workspaces;

    public MigrationController(MigrationService migrations, WorkspaceService workspaces) {
        this.migrations = migrations;
        this.workspaces = workspaces;
    }

    public void create(Context ctx) {
        Workspace ws = workspace(ctx);
        JsonNode body = body(ctx, Set.copyOf(TARGET_FIELDS));
        List<String> values = new ArrayList<>();
        for (String field : TARGET_FIELDS) {
            JsonNode value = body.path(field);
            if (!value.isTextual() || value.asText().isBlank()) {
                throw new BadRequestResponse(field + " is required: a non-empty string");
            }
            if (value.asText().length() > 100) {
                throw new BadRequestResponse(field + " is longer than 100 characters");
            }
            values.add(value.asText().strip());
        }
        var target = new MigrationTarget(values.get(0), values.get(1), values.get(2), values.get(3));
        switch (migrations.create(ws, target, Caller.principal(ctx))) {
            case MigrationService.CreateOutcome.Created c -> ctx.status(HttpStatus.CREATED).json(view(c.migration()));
            case MigrationService.CreateOutcome.Invalid i -> throw new BadRequestResponse(i.reason());
            case MigrationService.CreateOutcome.Conflict c -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(c.reason()));
        }
    }

    public void list(Context ctx) {
        ctx.json(Map.of("migrations", migrations.forWorkspace(workspace(ctx))));
    }

    public void show(Context ctx) {
        ctx.json(view(migration(ctx)));
    }

    public void approve(Context ctx) {
        Migration m = migration(ctx);
        JsonNode body = body(ctx, Set.of("step", "comment", "confirm_destroy"));
        JsonNode step = body.path("step");
        if (!step.isTextual()) {
            throw new BadRequestResponse("step is required: the step to approve (" + String.join(", ", approvable()) + ")");
        }
        MigrationStep named = MigrationStep.parse(step.asText()).orElseThrow(() -> new BadRequestResponse("step: '" + step.asText()
                + "' is not a step of a migration (" + String.join(", ", approvable()) + " wait for approval)"));
        respond(ctx, migrations.approve(m.id(), named, Caller.principal(ctx), comment(body), confirmDestroy(body)));
    }

    /** The same as approving step decommission. */
    public void decommission(Context ctx) {
        Migration m = migration(ctx);
        JsonNode body = body(ctx, Set.of("confirm_destroy", "comment"));
        respond(ctx, migrations.approve(m.id(), MigrationStep.DECOMMISSION, Caller.principal(ctx), comment(body), confirmDestroy(body)));
    }

    private static boolean confirmDestroy(JsonNode body) {
        JsonNode confirm = body.path("confirm_destroy");
        if (!confirm.isMissingNode() && !confirm.isBoolean()) {
            throw new BadRequestResponse("confirm_destroy must be true or false");
        }
        return confirm.asBoolean(false);
    }

    public void skipWait(Context ctx) {
        Migration m = migration(ctx);
        respond(ctx, migrations.skipWait(m.id(), Caller.principal(ctx), comment(body(ctx, Set.of("comment")))));
    }

    public void retry(Context ctx) {
        Migration m = migration(ctx);
        body(ctx, Set.of());
        respond(ctx, migrations.retry(m.id(), Caller.principal(ctx)));
    }

    public void rollback(Context ctx) {
        Migration m = migration(ctx);
        respond(ctx, migrations.rollback(m.id(), Caller.principal(ctx), comment(body(ctx, Set.of("comment")))));
    }

    /** The migration as stored, with its timeline ({@code steps}, oldest first). */
    private JsonNode view(Migration m) {
        ObjectNode node = JSON.valueToTree(m);
        node.set("steps", JSON.valueToTree(migrations.timeline(m.id())));
        return node;
    }

    private void respond(Context ctx, MigrationService.Decision decision) {
        switch (decision) {
            case MigrationService.Decision.Done d -> ctx.json(view(d.migration()));
            case MigrationService.Decision.NotFound n -> throw new NotFoundResponse("no migration " + n.id());
            case MigrationService.Decision.WrongState w -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(w.reason()));
            case MigrationService.Decision.Forbidden f -> ctx.status(HttpStatus.FORBIDDEN).json(new ErrorBody(f.reason()));
            case MigrationService.Decision.NeedsConfirmation c -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(c.reason()));
        }
    }

    private static List<String> approvable() {
        return java.util.Arrays.stream(MigrationStep.values())
                .filter(s -> s.gate() == MigrationStep.Gate.APPROVE_RESULT || s.gate() == MigrationStep.Gate.APPROVE_START)
                .map(MigrationStep::wire).toList();
    }

    private static String comment(JsonNode body) {
        JsonNode comment = body.path("comment");
        if (comment.isMissingNode() || comment.isNull()) {
            return "";
        }
        if (!comment.isTextual() || comment.asText().length() > 2000) {
            throw new BadRequestResponse("comment must be a string of at most 2000 characters");
        }
        return comment.asText();
    }

    /** The body: a JSON object (or nothing) with no field but {@code allowed}. */
    private static JsonNode body(Context ctx, Set<String> allowed) {
        if (ctx.body().isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode body = ctx.bodyAsClass(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw new BadRequestResponse("the body must be a JSON object");
        }
        for (String field : (Iterable<String>) body::fieldNames) {
            if (!allowed.contains(field)) {
                throw new BadRequestResponse(field + ": no such field" + (allowed.isEmpty() ? "; this takes no body"
                        : " (there are: " + String.join(", ", allowed.stream().sorted().toList()) + ")"));
            }
        }
        return body;
    }

    private Workspace workspace(Context ctx) {
        String name = WorkspaceName.fromPath(ctx).value();
        return workspaces.get(name).orElseThrow(() -> new NotFoundResponse("no workspace named " + name));
    }

    /** The migration in the path, of the workspace in the path. */
    private Migration migration(Context ctx) {
        Workspace ws = workspace(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new BadRequestResponse("migration ids are numbers, got '" + ctx.pathParam("id") + "'");
        }
        return migrations.get(id).filter(m -> m.workspaceId() == ws.id())
                .orElseThrow(() -> new NotFoundResponse("workspace " + ws.name() + " has no migration " + id));
    }
}
