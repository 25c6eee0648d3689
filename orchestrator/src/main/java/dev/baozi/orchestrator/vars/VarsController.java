package dev.baozi.orchestrator.vars;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.auth.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import dev.baozi.vars.GenerateReport;
import dev.baozi.vars.GenerateRequest;
import dev.baozi.vars.definition.FileSpec;
import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.generate.FileValue;
import dev.baozi.vars.store.CommitOutcome;
import dev.baozi.vars.store.GeneratorCheck;
import dev.baozi.vars.store.GeneratorStatus;
import dev.baozi.vars.store.Repair;
import dev.baozi.vars.store.RollbackOutcome;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/workspaces/{workspace}/vars}: Clan's verbs over HTTP. {@code list} and
 * {@code check} show no secret; {@code get} of a secret file is for admins only and is an audit
 * record; every other verb answers with generator and file names and versions, never values.
 */
public final class VarsController {

    private final WorkspaceVars vars;
    private final WorkspaceService workspaces;

    public VarsController(WorkspaceVars vars, WorkspaceService workspaces) {
        this.vars = vars;
        this.workspaces = workspaces;
    }

    private record Target(Workspace ws, GeneratorSet set) {}

    private Target target(Context ctx) {
        String name = WorkspaceName.fromPath(ctx).value();
        Workspace ws = workspaces.get(name).orElseThrow(() -> new NotFoundResponse("no workspace named " + name));
        GeneratorSet set = vars.generators(ws).orElseThrow(() ->
                new NotFoundResponse("template " + ws.template() + " of workspace " + name + " declares no vars generators"));
        return new Target(ws, set);
    }

    private static GeneratorDefinition generator(Target t, Context ctx) {
        String name = ctx.pathParam("generator");
        GeneratorName g;
        try {
            g = GeneratorName.of(name);
        } catch (IllegalArgumentException e) {
            throw new NotFoundResponse("no generator named " + name);
        }
        return t.set().find(g).orElseThrow(() -> new NotFoundResponse("template " + t.ws().template()
                + " declares no generator named " + name));
    }

    private static FileSpec file(GeneratorDefinition g, Context ctx) {
        String file = ctx.pathParam("file");
        return g.file(file).orElseThrow(() -> new NotFoundResponse("generator " + g.name() + " has no file named " + file));
    }

    /** GET: every generator's status and files (secrets masked). */
    public void list(Context ctx) {
        Target t = target(ctx);
        Map<String, String> status = new LinkedHashMap<>();
        for (GeneratorCheck c : vars.check(t.ws(), t.set())) {
            status.put(c.generator().value(), describe(c.status()));
        }
        List<Map<String, Object>> generators = new ArrayList<>();
        Map<String, List<Map<String, Object>>> files = new LinkedHashMap<>();
        vars.list(t.ws(), t.set()).forEach(l -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("file", l.file());
            f.put("secret", l.secret());
            f.put("deploy", l.deploy());
            f.put("version", l.version().orElse(null));
            f.put("value", l.shown());
            files.computeIfAbsent(l.generator().value(), k -> new ArrayList<>()).add(f);
        });
        for (GeneratorDefinition g : t.set().ordered()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", g.name().value());
            m.put("shared", g.share());
            m.put("status", status.get(g.name().value()));
            m.put("files", files.getOrDefault(g.name().value(), List.of()));
            generators.add(m);
        }
        ctx.json(Map.of("workspace", t.ws().name(), "generators", generators));
    }

    /** POST generate: {@code {"generators": [...], "regenerate": true}}, both optional. */
    public void generate(Context ctx) {
        Target t = target(ctx);
        JsonNode body = ctx.body().isBlank() ? null : ctx.bodyAsClass(JsonNode.class);
        GenerateRequest request = GenerateRequest.all();
        if (body != null && body.has("generators")) {
            if (!body.get("generators").isArray()) {
                throw new BadRequestResponse("generators must be a list of generator names");
            }
            List<GeneratorName> names = new ArrayList<>();
            for (JsonNode n : body.get("generators")) {
                GeneratorName g;
                try {
                    g = GeneratorName.of(n.isTextual() ? n.asText() : n.toString());
                } catch (IllegalArgumentException e) {
                    throw new BadRequestResponse("generators: " + e.getMessage());
                }
                if (t.set().find(g).isEmpty()) {
                    throw new BadRequestResponse("generators: template " + t.ws().template() + " declares no generator named " + g);
                }
                names.add(g);
            }
            request = GenerateRequest.only(names);
        }
        if (body != null && body.has("regenerate") && !body.get("regenerate").isBoolean()) {
            throw new BadRequestResponse("regenerate must be true or false");
        }
        if (body != null && body.path("regenerate").asBoolean(false)) {
            request = request.regenerating();
        }
        GenerateReport report = vars.generate(t.ws(), t.set(), request, Caller.principal(ctx));
        List<Map<String, Object>> outcomes = report.outcomes().stream().map(o -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("generator", o.generator().value());
            switch (o) {
                case GenerateReport.Generated g -> {
                    m.put("outcome", "generated");
                    m.put("reason", g.reason());
                }
                case GenerateReport.UpToDate u -> m.put("outcome", "up to date");
                case GenerateReport.Skipped s -> {
                    m.put("outcome", "skipped");
                    m.put("reason", s.reason());
                }
                case GenerateReport.Conflict c -> {
                    m.put("outcome", "conflict");
                    m.put("reason", c.message());
                }
            }
            return m;
        }).toList();
        ctx.json(Map.of("workspace", t.ws().name(), "outcomes", outcomes));
    }

    /** GET one file: public values to viewers, secret ones to admins only. */
    public void get(Context ctx) {
        Target t = target(ctx);
        GeneratorDefinition g = generator(t, ctx);
        FileSpec f = file(g, ctx);
        Role role = Caller.principal(ctx).role();
        if (f.secret() && (role == null || !role.includes(Role.ADMIN))) {
            throw new ForbiddenResponse("file " + f.name() + " of generator " + g.name() + " is secret: only admins may read it");
        }
        FileValue value = vars.get(t.ws(), t.set(), g.name(), f.name(), f.secret(), Caller.principal(ctx))
                .orElseThrow(() -> new NotFoundResponse("generator " + g.name() + " has no committed " + f.name() + "; generate it"));
        ctx.json(Map.of("generator", g.name().value(), "file", f.name(), "secret", f.secret(), "value", value.text()));
    }

    /**
     * PUT one file: {@code {"value": "..."}}, committed like a generation. Operators may set a
     * persisted prompt's value; overwriting a file the generator makes (a generated password, a
     * key) is for admins only. Either way it is an audit record, without the value.
     */
    public void set(Context ctx) {
        Target t = target(ctx);
        GeneratorDefinition g = generator(t, ctx);
        FileSpec f = file(g, ctx);
        Role role = Caller.principal(ctx).role();
        if (!g.isPromptFile(f.name()) && (role == null || !role.includes(Role.ADMIN))) {
            throw new ForbiddenResponse("file " + f.name() + " of generator " + g.name() + " is generated, not a prompt's value: "
                    + "only admins may overwrite it (operators may set prompts, or regenerate it)");
        }
        JsonNode body = ctx.body().isBlank() ? null : ctx.bodyAsClass(JsonNode.class);
        if (body == null || !body.path("value").isTextual()) {
            throw new BadRequestResponse("the body must be {\"value\": \"...\"}");
        }
        CommitOutcome outcome = vars.set(t.ws(), t.set(), g.name(), f.name(), FileValue.of(body.path("value").asText()),
                Caller.principal(ctx));
        if (outcome instanceof CommitOutcome.Conflict c) {
            throw new ConflictResponse(c.message());
        }
        ctx.json(Map.of("generator", g.name().value(), "file", f.name(), "outcome", "committed"));
    }

    public void fix(Context ctx) {
        Target t = target(ctx);
        List<Map<String, Object>> repairs = vars.fix(t.ws(), t.set(), Caller.principal(ctx)).stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            switch (r) {
                case Repair.Dropped d -> {
                    m.put("repair", "dropped uncommitted");
                    m.put("path", d.path());
                    m.put("versions", d.versions());
                }
                case Repair.Restored s -> {
                    m.put("repair", "restored");
                    m.put("path", s.path());
                    m.put("versions", s.versions());
                }
                case Repair.NeedsGeneration n -> {
                    m.put("repair", "needs generate");
                    m.put("generator", n.generator().value());
                    m.put("reason", n.reason());
                }
            }
            return m;
        }).toList();
        ctx.json(Map.of("workspace", t.ws().name(), "repairs", repairs));
    }

    public void rollback(Context ctx) {
        Target t = target(ctx);
        GeneratorDefinition g = generator(t, ctx);
        switch (vars.rollback(t.ws(), t.set(), g.name(), Caller.principal(ctx))) {
            case RollbackOutcome.RolledBack r -> ctx.json(Map.of("generator", g.name().value(), "outcome", "rolled back",
                    "from", r.from(), "to", r.to()));
            case RollbackOutcome.NothingToRollBack n -> throw new ConflictResponse(n.reason());
            case RollbackOutcome.Conflict c -> throw new ConflictResponse(c.message());
        }
    }

    static String describe(GeneratorStatus s) {
        return switch (s) {
            case GeneratorStatus.Ok ok -> "ok";
            case GeneratorStatus.Missing m -> "missing";
            case GeneratorStatus.Partial p -> "partial: " + String.join("; ", p.problems().stream().map(Object::toString).toList());
            case GeneratorStatus.Outdated o -> "outdated: " + o.reason();
        };
    }
}
