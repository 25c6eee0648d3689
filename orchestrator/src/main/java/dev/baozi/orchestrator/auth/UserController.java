package dev.baozi.orchestrator.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.web.ErrorBody;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.util.Map;

/**
 * Admin API for people: create users with a role (and, for the web UI, a first password they
 * must change at their first login), list them, issue their API tokens.
 */
public final class UserController {

    private final AuthService auth;
    private final SessionService sessions;

    public UserController(AuthService auth, SessionService sessions) {
        this.auth = auth;
        this.sessions = sessions;
    }

    public void create(Context ctx) {
        JsonNode body = ctx.bodyAsClass(JsonNode.class);
        String name = body.path("name").asText("");
        if (!name.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
            throw new BadRequestResponse("name must be 1 to 100 characters of a-z, 0-9, '.', '_' or '-'");
        }
        Role role;
        try {
            role = Role.fromWire(body.path("role").asText(""));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
        String password = null;
        JsonNode given = body.get("password");
        if (given != null && !given.isNull()) {
            if (!given.isTextual()) {
                throw new BadRequestResponse("password must be a string");
            }
            password = given.asText();
            String problem = PasswordPolicy.check(name, password);
            if (problem != null) {
                throw new BadRequestResponse(problem);
            }
        }
        if (auth.users().byName(name).isPresent()) {
            ctx.status(HttpStatus.CONFLICT).json(new ErrorBody("user " + name + " already exists"));
            return;
        }
        AppUser user = auth.createUser(name, role);
        if (password != null) {
            sessions.setPassword(name, password, true);
        }
        ctx.status(HttpStatus.CREATED).json(user);
    }

    public void list(Context ctx) {
        ctx.json(Map.of("users", auth.users().all()));
    }

    public void token(Context ctx) {
        String name = ctx.pathParam("name");
        AppUser user = auth.users().byName(name).orElseThrow(() -> new NotFoundResponse("no user named " + name));
        String tokenName = ctx.body().isBlank() ? "api" : ctx.bodyAsClass(JsonNode.class).path("name").asText("api");
        String token = auth.issueUserToken(user, tokenName);
        ctx.status(HttpStatus.CREATED).json(Map.of("user", user.name(), "role", user.role(), "token", token,
                "note", "this token is shown once; Baozi keeps only its hash"));
    }
}
