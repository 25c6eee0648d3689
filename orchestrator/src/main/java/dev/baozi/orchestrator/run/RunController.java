package dev.baozi.orchestrator.run;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.auth.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.web.ErrorBody;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** {@code /api/v1/workspaces/{workspace}/runs} and {@code /api/v1/runs/{id}}: queue, show, plan, decide, logs. */
public final class RunController {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunController.class);

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = dev.baozi.orchestrator.web.StrictJsonMapper.objectMapper();

    private final RunService runs;
    private final WorkspaceService workspaces;
    private final LogBus bus;

    public RunController(RunService runs, WorkspaceService workspaces, LogBus bus) {
        this.runs = runs;
        this.workspaces = workspaces;
        this.bus = bus;
    }

    public void queue(Context ctx) {
        Workspace ws = workspace(ctx);
        boolean destroy = false;
        List<String> replace = new ArrayList<>();
        if (!ctx.body().isBlank()) {
            JsonNode body = ctx.bodyAsClass(JsonNode.class);
            if (body == null || !body.isObject()) {
                throw new BadRequestResponse("the body must be a JSON object (destroy, replace) or empty");
            }
            JsonNode d = body.path("destroy");
            if (!d.isMissingNode() && !d.isBoolean()) {
                throw new BadRequestResponse("destroy must be true or false");
            }
            destroy = d.asBoolean(false);
            JsonNode r = body.path("replace");
            if (!r.isMissingNode()) {
                if (!r.isArray()) {
                    throw new BadRequestResponse("replace must be a list of resource addresses");
                }
                for (JsonNode a : r) {
                    if (!a.isTextual()) {
                        throw new BadRequestResponse("replace must be a list of resource addresses (strings)");
                    }
                    replace.add(a.asText());
                }
            }
        }
        List<String> problems = new ArrayList<>(ResourceAddress.problems(replace));
        if (destroy && !replace.isEmpty()) {
            problems.add("replace: a destroy plan replaces nothing; give destroy or replace, not both");
        }
        if (!problems.isEmpty()) {
            throw new BadRequestResponse(String.join("; ", problems));
        }
        ctx.status(HttpStatus.CREATED).json(runs.queue(ws, destroy, List.copyOf(replace), Caller.principal(ctx)));
    }

    public void list(Context ctx) {
        ctx.json(Map.of("runs", runs.forWorkspace(workspace(ctx)).stream().map(this::view).toList()));
    }

    public void show(Context ctx) {
        ctx.json(view(run(ctx)));
    }

    /**
     * The run as stored; for a run that waits, {@code waiting}: why ("waiting behind run 19, which
     * awaits approval"); and {@code sidePlans}: what extensions planned beside tofu, each with
     * its kind's presenter's table and its document.
     */
    private JsonNode view(Run run) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(run);
        runs.waiting(run).ifPresent(why -> node.put("waiting", why));
        var sides = node.putArray("sidePlans");
        for (RunService.ShownSidePlan shown : runs.sidePlans(run.id())) {
            SidePlan p = shown.plan();
            var side = sides.addObject().put("kind", p.kind()).put("label", shown.label()).put("changes", p.changes())
                    .put("forceReason", p.forceReason()).put("forced", p.forced());
            side.set("table", JSON.valueToTree(shown.table()));
            try {
                side.set("document", JSON.readTree(p.document()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the stored " + p.kind() + " plan of run " + run.id() + " is not JSON", e);
            }
        }
        return node;
    }

    public void plan(Context ctx) {
        Run run = run(ctx);
        ctx.json(runs.plan(run.id()).orElseThrow(() -> new NotFoundResponse("run " + run.id() + " has no plan yet (it is "
                + run.status().wire() + ")")));
    }

    public void approve(Context ctx) {
        JsonNode body = body(ctx);
        respond(ctx, runs.approve(id(ctx), Caller.principal(ctx), body.path("comment").asText(""),
                body.path("confirm_destroy").asBoolean(false), force(body)));
    }

    /**
     * The side plan kinds an approval forces: {@code force: ["dns"]}; {@code force_<kind>: true}
     * ({@code force_dns}, as clients wrote it before) is the same as naming the kind.
     */
    static java.util.Set<String> force(JsonNode body) {
        var kinds = new java.util.TreeSet<String>();
        JsonNode force = body.path("force");
        if (!force.isMissingNode()) {
            if (!force.isArray()) {
                throw new BadRequestResponse("force must be a list of side plan kinds, like [\"dns\"]");
            }
            for (JsonNode kind : force) {
                if (!kind.isTextual()) {
                    throw new BadRequestResponse("force must be a list of side plan kinds (strings), like [\"dns\"]");
                }
                kinds.add(kind.asText());
            }
        }
        for (var field : body.properties()) {
            if (field.getKey().startsWith("force_") && !field.getKey().equals("force_")) {
                if (!field.getValue().isBoolean()) {
                    throw new BadRequestResponse(field.getKey() + " must be true or false");
                }
                if (field.getValue().asBoolean()) {
                    kinds.add(field.getKey().substring("force_".length()));
                }
            }
        }
        return kinds;
    }

    public void discard(Context ctx) {
        respond(ctx, runs.discard(id(ctx), Caller.principal(ctx), body(ctx).path("comment").asText("")));
    }

    public void cancel(Context ctx) {
        respond(ctx, runs.cancel(id(ctx), Caller.principal(ctx), body(ctx).path("force").asBoolean(false)));
    }

    public void logs(Context ctx) {
        Run run = run(ctx);
        int after = ctx.queryParamAsClass("after", Integer.class).getOrDefault(0);
        ctx.json(Map.of("run", run.id(), "status", run.status(), "lines", runs.logs(run.id(), after)));
    }

    /**
     * Server-sent events: every stored line first (replay), then new lines as they come, then
     * an {@code end} event when the run is final. {@code Last-Event-ID} resumes after a line.
     */
    public void stream(SseClient client) {
        Context ctx = client.ctx();
        Run run = run(ctx);
        // A reconnecting EventSource sends Last-Event-ID; a page that already shows lines up to N asks ?after=N.
        String lastEventId = ctx.header("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = ctx.queryParam("after");
        }
        int after;
        try {
            after = lastEventId == null ? 0 : Math.max(0, Integer.parseInt(lastEventId.strip()));
        } catch (NumberFormatException e) {
            throw new BadRequestResponse("Last-Event-ID and ?after= are line numbers; " + lastEventId + " is not one");
        }
        var live = new LinkedBlockingQueue<LogLine>();
        client.keepAlive();
        try (AutoCloseable following = bus.follow(run.id(), live::add)) {
            for (LogLine line : runs.logs(run.id(), after)) {
                client.sendEvent("line", line, Integer.toString(line.seq()));
                after = line.seq();
            }
            while (!client.terminated()) {
                LogLine line = live.poll(1, TimeUnit.SECONDS);
                if (line != null && line.seq() > after) {
                    client.sendEvent("line", line, Integer.toString(line.seq()));
                    after = line.seq();
                } else if (line == null) {
                    Run now = runs.get(run.id()).orElseThrow();
                    if (now.status().isFinal() || now.status() == RunStatus.PLANNED) {
                        for (LogLine rest : runs.logs(run.id(), after)) {
                            client.sendEvent("line", rest, Integer.toString(rest.seq()));
                            after = rest.seq();
                        }
                        client.sendEvent("end", Map.of("status", now.status()));
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("streaming the log of run {}: {}", run.id(), e.toString());
        } finally {
            client.close();
        }
    }

    private static void respond(Context ctx, RunService.Decision decision) {
        switch (decision) {
            case RunService.Decision.Done d -> ctx.json(d.run());
            case RunService.Decision.NotFound n -> throw new NotFoundResponse("no run " + n.id());
            case RunService.Decision.WrongState w -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(w.reason()));
            case RunService.Decision.Forbidden f -> ctx.status(HttpStatus.FORBIDDEN).json(new ErrorBody(f.reason()));
            case RunService.Decision.NeedsConfirmation c -> ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(c.reason()));
        }
    }

    private static JsonNode body(Context ctx) {
        if (ctx.body().isBlank()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        JsonNode body = ctx.bodyAsClass(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw new BadRequestResponse("the body must be a JSON object");
        }
        return body;
    }

    private Workspace workspace(Context ctx) {
        String name = WorkspaceName.fromPath(ctx).value();
        return workspaces.get(name).orElseThrow(() -> new NotFoundResponse("no workspace named " + name));
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new BadRequestResponse("run ids are numbers, got '" + ctx.pathParam("id") + "'");
        }
    }

    private Run run(Context ctx) {
        long id = id(ctx);
        return runs.get(id).orElseThrow(() -> new NotFoundResponse("no run " + id));
    }
}
