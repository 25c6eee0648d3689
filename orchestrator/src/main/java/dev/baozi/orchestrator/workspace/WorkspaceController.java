package dev.baozi.orchestrator.workspace;

import dev.baozi.orchestrator.auth.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.web.ErrorBody;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** {@code /api/v1/templates} and {@code /api/v1/workspaces}: list, create, show, change, delete, generated files. */
public final class WorkspaceController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkspaceService service;

    public WorkspaceController(WorkspaceService service) {
        this.service = service;
    }

    public void templates(Context ctx) {
        List<Map<String, Object>> list = service.templates().names().stream().map(name -> {
            Template t;
            try {
                t = service.templates().get(name).orElseThrow();
            } catch (InvalidTemplateException e) {
                Map<String, Object> broken = new LinkedHashMap<>();
                broken.put("name", name);
                broken.put("problem", e.getMessage());
                return broken;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("sha256", t.sha256());
            m.put("variables", t.variables().stream().map(v -> {
                Map<String, Object> vm = new LinkedHashMap<>();
                vm.put("name", v.name());
                vm.put("type", v.type().describe());
                vm.put("required", v.required());
                vm.put("sensitive", v.sensitive());
                vm.put("description", v.description());
                return vm;
            }).toList());
            t.generators().ifPresent(g -> m.put("generators", g.ordered().stream().map(d -> d.name().value()).toList()));
            return m;
        }).toList();
        ctx.json(Map.of("templates", list));
    }

    public void list(Context ctx) {
        ctx.json(Map.of("workspaces", service.all().stream().map(this::view).toList()));
    }

    public void create(Context ctx) {
        JsonNode body = ctx.bodyAsClass(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw new BadRequestResponse("the body must be a JSON object with name, template and inputs");
        }
        var outcome = service.create(body.path("name").asText(null), body.path("template").asText(null),
                body.get("inputs"), body.path("tofu_version").asText(null), body.path("provider").asText(null),
                Caller.principal(ctx));
        switch (outcome) {
            case WorkspaceService.CreateOutcome.Created c -> ctx.status(HttpStatus.CREATED).json(view(c.workspace()));
            case WorkspaceService.CreateOutcome.Invalid i -> ctx.status(HttpStatus.BAD_REQUEST)
                    .json(Map.of("error", String.join("; ", i.problems()), "problems", i.problems()));
            case WorkspaceService.CreateOutcome.Exists e -> ctx.status(HttpStatus.CONFLICT)
                    .json(new ErrorBody("workspace " + e.name() + " already exists"));
            case WorkspaceService.CreateOutcome.StateExists e -> ctx.status(HttpStatus.CONFLICT)
                    .json(new ErrorBody("the state backend already holds state for " + e.name() + " (" + e.state()
                            + ") that no Baozi workspace made; Baozi does not adopt it. Choose another name, or have the state "
                            + "removed from OpenBao first"));
        }
    }

    /** {@code PATCH /api/v1/workspaces/{workspace}}: {@code {"inputs": {...}}} as a JSON merge patch. */
    public void update(Context ctx) {
        Workspace ws = workspace(ctx);
        JsonNode body = ctx.bodyAsClass(JsonNode.class);
        if (body == null || !body.isObject() || !body.has("inputs")) {
            throw new BadRequestResponse("the body must be a JSON object with inputs (a merge patch of the variable values)");
        }
        var unknown = new TreeSet<String>();
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("inputs")) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw new BadRequestResponse("only inputs can be changed, not " + String.join(", ", unknown));
        }
        switch (service.updateInputs(ws, body.get("inputs"), Caller.principal(ctx))) {
            case WorkspaceService.UpdateOutcome.Updated u -> {
                Map<String, Object> view = view(u.workspace());
                view.put("changed", u.changed());
                ctx.json(view);
            }
            case WorkspaceService.UpdateOutcome.Invalid i -> ctx.status(HttpStatus.BAD_REQUEST)
                    .json(Map.of("error", String.join("; ", i.problems()), "problems", i.problems()));
            case WorkspaceService.UpdateOutcome.Held h -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(h.reason()));
        }
    }

    /** {@code DELETE /api/v1/workspaces/{workspace}}: 409 saying what holds it, else the workspace is gone. */
    public void delete(Context ctx) {
        switch (service.delete(workspace(ctx), Caller.principal(ctx))) {
            case WorkspaceService.DeleteOutcome.Deleted d -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("deleted", d.workspace().name());
                m.put("state_tokens_revoked", d.stateTokensRevoked());
                m.put("note", "its runs, their logs and its earlier state versions are kept; its name is free for a new workspace");
                ctx.json(m);
            }
            case WorkspaceService.DeleteOutcome.Refused r -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(r.reason()));
            case WorkspaceService.DeleteOutcome.Gone g -> throw new NotFoundResponse("no workspace named " + g.name());
        }
    }

    public void show(Context ctx) {
        ctx.json(view(workspace(ctx)));
    }

    /** The generated directory, as text, with its hash. */
    public void files(Context ctx) {
        GeneratedFiles files = service.files(workspace(ctx));
        Map<String, String> text = new LinkedHashMap<>();
        files.files().forEach((path, content) -> text.put(path, new String(content, StandardCharsets.UTF_8)));
        ctx.json(Map.of("sha256", files.sha256(), "module_sha256", files.moduleSha256(), "files", text));
    }

    Workspace workspace(Context ctx) {
        String name = WorkspaceName.fromPath(ctx).value();
        return service.get(name).orElseThrow(() -> new NotFoundResponse("no workspace named " + name));
    }

    private Map<String, Object> view(Workspace w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", w.name());
        m.put("template", w.template());
        m.put("inputs", service.maskedInputs(w));
        m.put("tofu_version", w.tofuVersion());
        m.put("provider", w.provider());
        m.put("created_by", w.createdBy());
        m.put("created_at", w.createdAt());
        return m;
    }

}
