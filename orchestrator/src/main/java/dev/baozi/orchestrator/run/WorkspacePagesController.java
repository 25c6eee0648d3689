package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.web.UiSupport;
import dev.baozi.orchestrator.auth.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.run.ResourceAddress;
import dev.baozi.orchestrator.run.Run;
import dev.baozi.orchestrator.run.RunService;
import dev.baozi.orchestrator.state.HeldLock;
import dev.baozi.orchestrator.state.StateDiff;
import dev.baozi.orchestrator.state.StateService;
import dev.baozi.orchestrator.state.StateVersion;
import dev.baozi.orchestrator.state.StoredState;
import dev.baozi.orchestrator.state.UnlockOutcome;
import dev.baozi.orchestrator.state.UpdateOutcome;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import dev.baozi.ui.view.WorkspaceView;
import dev.baozi.ui.view.WorkspacesView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The workspace list and a workspace's page, with its forms: queue a plan (or one that replaces a
 * resource), force-unlock, roll back.
 */
public final class WorkspacePagesController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkspaceService workspaces;
    private final RunService runs;
    private final StateService state;
    private final UiSupport ui;

    public WorkspacePagesController(WorkspaceService workspaces, RunService runs, StateService state, UiSupport ui) {
        this.workspaces = workspaces;
        this.runs = runs;
        this.state = state;
        this.ui = ui;
    }

    public void list(Context ctx) {
        String filter = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip();
        List<Workspace> all = workspaces.all();
        Map<String, HeldLock> locks = new HashMap<>();
        state.locks().forEach(l -> locks.put(l.workspace(), l));
        List<WorkspacesView.Row> rows = new ArrayList<>();
        for (Workspace ws : all) {
            if (!filter.isEmpty() && !ws.name().contains(filter.toLowerCase(Locale.ROOT))) {
                continue;
            }
            Optional<Run> last = runs.forWorkspace(ws).stream().findFirst();
            HeldLock lock = locks.get(ws.name());
            rows.add(new WorkspacesView.Row(ws.name(), ws.template(), last.map(Run::id).orElse(null),
                    last.map(r -> RunPagesController.status(r.status())).orElse(null),
                    last.map(r -> UiSupport.when(r.queuedAt())).orElse(null), lock == null ? null : lock.info().who(), "not checked"));
        }
        ui.render(ctx, HttpStatus.OK, ui.pages().workspaces(new WorkspacesView(UiSupport.chrome(ctx, "Workspaces"), filter, rows,
                all.size(), Caller.has(ctx, Role.OPERATOR))));
    }

    public void show(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return;
        }
        Principal who = Caller.principal(ctx);
        boolean admin = Caller.has(ctx, Role.ADMIN);
        WorkspaceName name = new WorkspaceName(ws.name());
        Optional<Template> template = workspaces.template(ws);

        List<Run> wsRuns = runs.forWorkspace(ws);
        List<WorkspaceView.RunRow> runRows = wsRuns.stream()
                .map(r -> new WorkspaceView.RunRow(r.id(), RunPagesController.status(r.status()), r.destroy(),
                        r.queuedBy(), UiSupport.when(r.queuedAt()), RunPagesController.changes(r)))
                .toList();

        Optional<StoredState> stored = state.current(name, who);
        WorkspaceView.Current current = stored.map(WorkspacePagesController::current).orElse(null);
        WorkspaceView.Deployment deployment = deployment(ws, template, stored);
        List<WorkspaceView.Version> versions = List.of();
        WorkspaceView.Diff diff = null;
        if (admin) {
            List<StateVersion> all = state.versions(name, who);
            long head = all.isEmpty() ? 0 : all.getFirst().version();
            versions = all.stream().map(v -> new WorkspaceView.Version(v.version(), v.serial(), v.lineage(), v.size(),
                    v.sha256(), v.who(), UiSupport.when(v.when()), v.deleted(), v.version() == head,
                    runOf(v, ws.name(), wsRuns))).toList();
            Long from = longParam(ctx, "from");
            Long to = longParam(ctx, "to");
            if (from != null && to != null) {
                diff = state.diff(name, from, to, who)
                        .map(d -> new WorkspaceView.Diff(d.from(), d.to(), d.added(), d.removed(), d.changed()))
                        .orElse(null);
            }
        }

        var files = new ArrayList<WorkspaceView.File>();
        new TreeMap<>(workspaces.files(ws).files()).forEach((file, bytes) ->
                files.add(new WorkspaceView.File(file, masked(file, bytes, ws, template))));

        WorkspaceView.Lock lock = state.lockOf(name)
                .map(l -> new WorkspaceView.Lock(l.info().id(), l.info().operation(), l.info().who(), l.holder(),
                        UiSupport.when(l.since())))
                .orElse(null);

        var chrome = UiSupport.chrome(ctx, ws.name());
        if (admin && ctx.queryParam("from") != null && diff == null) {
            chrome = chrome.withFlash("Those two versions cannot be compared: one is not retained, or a state is encrypted.", true);
        }
        ui.render(ctx, HttpStatus.OK, ui.pages().workspace(new WorkspaceView(chrome, ws.name(), ws.template(), ws.tofuVersion(),
                ws.createdBy(), UiSupport.when(ws.createdAt()), inputs(workspaces.maskedInputs(ws), template), deployment, Caller.has(ctx, Role.OPERATOR), admin,
                runRows, current, versions, diff, files, lock)));
    }

    public void queue(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return;
        }
        boolean destroy = "true".equals(ctx.formParam("destroy"));
        List<String> replace = ctx.formParams("replace").stream().map(String::strip).filter(a -> !a.isEmpty()).toList();
        List<String> problems = new ArrayList<>(ResourceAddress.problems(replace));
        if (destroy && !replace.isEmpty()) {
            problems.add("replace: a destroy plan replaces nothing; give destroy or replace, not both");
        }
        if (!problems.isEmpty()) {
            ui.message(ctx, HttpStatus.BAD_REQUEST, UiSupport.chrome(ctx, ws.name()), "Plan not queued",
                    "Nothing was queued: " + String.join("; ", problems) + ".");
            return;
        }
        Run run = runs.queue(ws, destroy, replace, Caller.principal(ctx));
        ctx.redirect("/runs/" + run.id() + "?done=queued", HttpStatus.SEE_OTHER);
    }

    public void forceUnlock(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return;
        }
        UnlockOutcome outcome = state.forceUnlock(new WorkspaceName(ws.name()), Caller.principal(ctx));
        if (outcome instanceof UnlockOutcome.HeldByOther) {
            ui.message(ctx, HttpStatus.CONFLICT, UiSupport.chrome(ctx, ws.name()), "Lock changed",
                    "The lock of " + ws.name() + " changed while it was being released; look again and retry.");
            return;
        }
        ctx.redirect("/workspaces/" + ws.name() + "?done=unlocked", HttpStatus.SEE_OTHER);
    }

    public void rollback(Context ctx) {
        Workspace ws = workspace(ctx);
        if (ws == null) {
            return;
        }
        Long version = longParamForm(ctx, "version");
        if (version == null) {
            ui.message(ctx, HttpStatus.BAD_REQUEST, UiSupport.chrome(ctx, ws.name()), "No version",
                    "The rollback form did not say which version to roll back to.");
            return;
        }
        switch (state.rollback(new WorkspaceName(ws.name()), version, Caller.principal(ctx))) {
            case UpdateOutcome.Accepted a -> ctx.redirect("/workspaces/" + ws.name() + "?done=rolledback", HttpStatus.SEE_OTHER);
            case UpdateOutcome.Unchanged u -> ctx.redirect("/workspaces/" + ws.name() + "?done=rolledback", HttpStatus.SEE_OTHER);
            case UpdateOutcome.Locked l -> ui.message(ctx, HttpStatus.LOCKED, UiSupport.chrome(ctx, ws.name()), "Locked",
                    "Workspace " + ws.name() + " is locked by " + l.holder().info().who() + "; roll back after that run ends.");
            case UpdateOutcome.LockNotHeld n -> ui.message(ctx, HttpStatus.CONFLICT, UiSupport.chrome(ctx, ws.name()),
                    "Lock changed", "The lock changed during the rollback; nothing was written.");
            case UpdateOutcome.Refused r -> ui.message(ctx, HttpStatus.CONFLICT, UiSupport.chrome(ctx, ws.name()),
                    "Rollback refused", r.reason() + "; nothing was written.");
        }
    }

    /** The workspace in the path; renders a 400 or 404 page and returns null when there is none. */
    private Workspace workspace(Context ctx) {
        String raw = ctx.pathParam("workspace");
        if (!WorkspaceName.isValid(raw)) {
            ui.message(ctx, HttpStatus.BAD_REQUEST, UiSupport.chrome(ctx, "Bad workspace name"), "Bad workspace name",
                    "Workspace names are 1 to 63 characters of a-z, 0-9, '-' and '_', starting with a letter or digit.");
            return null;
        }
        Optional<Workspace> ws = workspaces.get(raw);
        if (ws.isEmpty()) {
            ui.message(ctx, HttpStatus.NOT_FOUND, UiSupport.chrome(ctx, "No such workspace"), "No such workspace",
                    "There is no workspace named " + raw + ".");
            return null;
        }
        return ws.get();
    }

    /** The inputs to show ({@link WorkspaceService#maskedInputs}); a sensitive or undeclared one shows only that it is set. */
    static List<WorkspaceView.Input> inputs(JsonNode shown, Optional<Template> template) {
        Map<String, Boolean> sensitive = new HashMap<>();
        template.ifPresent(t -> t.variables().forEach(v -> sensitive.put(v.name(), v.sensitive())));
        List<WorkspaceView.Input> out = new ArrayList<>();
        if (shown != null) {
            shown.fields().forEachRemaining(e -> {
                boolean secret = sensitive.getOrDefault(e.getKey(), true); // unknown to the template: assume secret
                JsonNode v = e.getValue();
                out.add(new WorkspaceView.Input(e.getKey(), secret ? "" : (v.isTextual() ? v.asText() : v.toString()), secret));
            });
        }
        return out;
    }

    /**
     * A generated file as the page shows it: in a JSON file, the value of every sensitive input in
     * a module call ({@code module.<name>.<variable>}) replaced by "(sensitive)", whatever the
     * generator wrote there; a JSON file that does not parse is not shown at all, since it cannot
     * be checked. Other files carry no inputs.
     */
    static String masked(String file, byte[] bytes, Workspace ws, Optional<Template> template) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!file.endsWith(".json")) {
            return text;
        }
        java.util.Set<String> sensitive = new java.util.HashSet<>();
        template.ifPresent(t -> t.variables().stream().filter(v -> v.sensitive()).forEach(v -> sensitive.add(v.name())));
        if (ws.inputs() != null) { // inputs the template does not declare are treated as secret, as on the page
            ws.inputs().fieldNames().forEachRemaining(n -> {
                if (template.isEmpty() || template.get().variables().stream().noneMatch(v -> v.name().equals(n))) {
                    sensitive.add(n);
                }
            });
        }
        try {
            JsonNode root = JSON.readTree(bytes);
            boolean changed = false;
            for (JsonNode call : root.path("module")) {
                if (call instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    for (String name : sensitive) {
                        if (o.has(name)) {
                            o.put(name, dev.baozi.orchestrator.run.PlanJson.SENSITIVE);
                            changed = true;
                        }
                    }
                }
            }
            return changed ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) : text;
        } catch (IOException e) {
            return "(not shown: the file is not JSON, so its secrets cannot be masked)";
        }
    }

    /** The name a workspace's runs write its state under: the state token Baozi issued them. */
    static String runWriter(String workspace) {
        return "state-token:" + workspace + "/baozi-runs";
    }

    /**
     * The run whose apply wrote {@code version}: written with the runs' own state token while that
     * run was under way (started, not yet finished). Only one run of a workspace is under way at a
     * time (a run holds its workspace from planning to the end of its apply), so at most one
     * matches; null for writes by anyone else (a person's tofu, a rollback) or that no run explains.
     */
    static Long runOf(StateVersion version, String workspace, List<Run> runs) {
        if (!runWriter(workspace).equals(version.who()) || version.when() == null) {
            return null;
        }
        for (Run r : runs) {
            if (r.startedAt() == null || r.startedAt().toInstant().isAfter(version.when())) {
                continue;
            }
            if (r.finishedAt() == null || !r.finishedAt().toInstant().isBefore(version.when())) {
                return r.id();
            }
        }
        return null;
    }

    /**
     * What the workspace deployed, from its provider, its inputs ({@code hostname}, {@code aliases})
     * and its state's outputs ({@code address}, {@code vm_id} on {@code node}); null for a workspace
     * with none of these.
     */
    static WorkspaceView.Deployment deployment(Workspace ws, Optional<Template> template, Optional<StoredState> stored) {
        List<WorkspaceView.Output> outputs = new ArrayList<>();
        Map<String, JsonNode> values = new HashMap<>();
        if (stored.isPresent()) {
            try {
                JsonNode root = JSON.readTree(stored.get().content());
                root.path("outputs").properties().forEach(e -> {
                    boolean sensitive = e.getValue().path("sensitive").asBoolean(false);
                    JsonNode value = e.getValue().path("value");
                    outputs.add(new WorkspaceView.Output(e.getKey(), sensitive ? "" : value.isTextual() ? value.asText()
                            : value.toString(), sensitive));
                    if (!sensitive) {
                        values.put(e.getKey(), value);
                    }
                });
            } catch (IOException e) {
                // encrypted client-side: no outputs to show
            }
        }
        List<String> dnsNames = new ArrayList<>();
        boolean deploymentTemplate = template.map(Template::isDeployment).orElse(false);
        if (deploymentTemplate && ws.inputs() != null) {
            if (ws.inputs().path("hostname").isTextual()) {
                dnsNames.add(ws.inputs().path("hostname").asText());
            }
            ws.inputs().path("aliases").forEach(a -> dnsNames.add(a.asText()));
        }
        if (!deploymentTemplate && ws.provider() == null && outputs.isEmpty()) {
            return null;
        }
        String address = values.containsKey("address") ? values.get("address").asText() : null;
        String vm = values.containsKey("vm_id") ? "VM " + values.get("vm_id").asText()
                + (values.containsKey("node") ? " on node " + values.get("node").asText() : "") : null;
        return new WorkspaceView.Deployment(deploymentTemplate || ws.provider() != null, ws.provider(), address, vm, dnsNames,
                outputs);
    }

    private static WorkspaceView.Current current(StoredState stored) {
        List<String> resources;
        try {
            resources = StateDiff.addresses(stored.content());
        } catch (IllegalArgumentException e) {
            resources = List.of("(the state is encrypted client-side: its resources cannot be listed)");
        }
        StateVersion v = stored.version();
        return new WorkspaceView.Current(v.version(), v.serial(), v.lineage(), v.size(), v.who(), UiSupport.when(v.when()),
                resources);
    }

    private static Long longParam(Context ctx, String name) {
        return parseLong(ctx.queryParam(name));
    }

    private static Long longParamForm(Context ctx, String name) {
        return parseLong(ctx.formParam(name));
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
