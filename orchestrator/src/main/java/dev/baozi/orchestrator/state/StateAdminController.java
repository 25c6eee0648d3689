package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.auth.Caller;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.util.Map;

/** Admin API over states and locks: versions, content, diff, rollback, lock list and force-unlock. */
public final class StateAdminController {

    private final StateService service;

    public StateAdminController(StateService service) {
        this.service = service;
    }

    public void versions(Context ctx) {
        ctx.json(Map.of("versions", service.versions(WorkspaceName.fromPath(ctx), Caller.principal(ctx))));
    }

    public void version(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        long v = longParam(ctx.pathParam("version"), "version");
        StoredState state = service.version(ws, v, Caller.principal(ctx))
                .orElseThrow(() -> new NotFoundResponse("workspace " + ws + " has no retained state version " + v));
        ctx.header("Content-MD5", state.version().md5()).contentType("application/json").result(state.content());
    }

    public void diff(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        long from = longParam(ctx.queryParam("from"), "from");
        long to = longParam(ctx.queryParam("to"), "to");
        try {
            ctx.json(service.diff(ws, from, to, Caller.principal(ctx)).orElseThrow(() ->
                    new NotFoundResponse("workspace " + ws + " does not have both state versions " + from + " and " + to)));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("cannot diff: " + e.getMessage());
        }
    }

    public void rollback(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        var v = ctx.bodyAsClass(com.fasterxml.jackson.databind.JsonNode.class).path("version");
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 1) {
            throw new BadRequestResponse("rollback needs a JSON body {\"version\": N} with N a version number (a whole number from 1), got "
                    + (v.isMissingNode() ? "no version" : v.toString()));
        }
        StateController.respond(ctx, ws, service.rollback(ws, v.asLong(), Caller.principal(ctx)));
    }

    public void locks(Context ctx) {
        ctx.json(Map.of("locks", service.locks()));
    }

    public void lock(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        ctx.json(service.lockOf(ws).orElseThrow(() -> new NotFoundResponse("workspace " + ws + " is not locked")));
    }

    public void forceUnlock(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        switch (service.forceUnlock(ws, Caller.principal(ctx))) {
            case UnlockOutcome.Released r -> ctx.status(HttpStatus.OK).json(Map.of("released", r.released()));
            case UnlockOutcome.NotLocked n -> throw new NotFoundResponse("workspace " + ws + " is not locked");
            case UnlockOutcome.HeldByOther h -> throw new IllegalStateException("force-unlock cannot be refused");
        }
    }

    private static long longParam(String raw, String name) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(name + " must be a version number, got '" + raw + "'");
        }
    }
}
