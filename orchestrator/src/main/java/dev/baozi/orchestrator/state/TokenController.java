package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.auth.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.IssuedToken;
import dev.baozi.orchestrator.auth.TokenAccess;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** Admin API for state tokens: create (the token is in that answer only), list, revoke. */
public final class TokenController {

    /** Whether a workspace exists. A port: the workspace package answers it. */
    public interface Workspaces {
        boolean exists(String workspace);
    }

    private final AuthService auth;
    private final Workspaces workspaces;
    private final Clock clock;

    public TokenController(AuthService auth, Workspaces workspaces, Clock clock) {
        this.auth = auth;
        this.workspaces = workspaces;
        this.clock = clock;
    }

    /**
     * Issues a state token, only for a workspace that exists: a token for a name nobody manages
     * would let state be planted that a workspace of that name created later would inherit.
     */
    public void create(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        if (!workspaces.exists(ws.value())) {
            throw new NotFoundResponse("no workspace named " + ws + "; state tokens are issued for existing workspaces only");
        }
        JsonNode body = ctx.bodyAsClass(JsonNode.class);
        String name = body.path("name").asText("");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}")) {
            throw new BadRequestResponse("name must be 1 to 100 characters of letters, digits, space, '.', '_' or '-'");
        }
        TokenAccess access;
        try {
            access = TokenAccess.fromWire(body.path("access").asText("read-write"));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
        IssuedToken issued = auth.issueStateToken(ws.value(), name, access, Caller.principal(ctx));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", issued.record().id());
        answer.put("workspace", ws.value());
        answer.put("name", name);
        answer.put("access", access);
        answer.put("token", issued.token());
        answer.put("note", "this token is shown once; Baozi keeps only its hash");
        ctx.status(HttpStatus.CREATED).json(answer);
    }

    public void list(Context ctx) {
        ctx.json(Map.of("tokens", auth.tokens().forWorkspace(WorkspaceName.fromPath(ctx).value())));
    }

    public void revoke(Context ctx) {
        WorkspaceName ws = WorkspaceName.fromPath(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new BadRequestResponse("token id must be a number");
        }
        if (!auth.tokens().revoke(ws.value(), id, OffsetDateTime.now(clock))) {
            throw new NotFoundResponse("workspace " + ws + " has no live token " + id);
        }
        ctx.status(HttpStatus.NO_CONTENT);
    }
}
