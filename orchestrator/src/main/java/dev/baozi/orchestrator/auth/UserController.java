package dev.baozi.orchestrator.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.web.ErrorBody;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import dev.baozi.orchestrator.audit.AuditRepository;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Admin API for people: create users with a role (and, for the web UI, a first password they
 * must change at their first login), list them, issue and revoke their API tokens, change their
 * role, disable or delete them, set their password.
 */
public final class UserController {

    private final AuthService auth;
    private final SessionService sessions;
    private final AuditRepository audit;
    private final Clock clock;

    public UserController(AuthService auth, SessionService sessions, AuditRepository audit, Clock clock) {
        this.auth = auth;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
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

    /**
     * {@code PATCH /api/v1/users/{name}}: {@code {"role": R}} and/or {@code {"disabled": true|false}}.
     * Disabling ends the user's sessions and stops its API tokens (enabling again brings the tokens
     * back, not the sessions). Nobody changes their own role or disables themselves.
     */
    public void update(Context ctx) {
        AppUser user = user(ctx);
        JsonNode body = object(ctx, "role and/or disabled");
        var unknown = new TreeSet<String>();
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("role") && !f.equals("disabled")) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw new BadRequestResponse("only role and disabled can be changed, not " + String.join(", ", unknown));
        }
        if (!body.has("role") && !body.has("disabled")) {
            throw new BadRequestResponse("give role and/or disabled to change");
        }
        Role role = user.role();
        if (body.has("role")) {
            try {
                role = Role.fromWire(body.get("role").isTextual() ? body.get("role").asText() : body.get("role").toString());
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse(e.getMessage());
            }
        }
        Boolean disabled = null;
        if (body.has("disabled")) {
            if (!body.get("disabled").isBoolean()) {
                throw new BadRequestResponse("disabled must be true or false");
            }
            disabled = body.get("disabled").asBoolean();
        }
        boolean demoting = role != user.role() || Boolean.TRUE.equals(disabled);
        if (demoting && isCaller(ctx, user)) {
            refuse(ctx, "user.update", user, "you cannot change your own role or disable yourself; ask another admin");
            return;
        }
        List<String> changed = new ArrayList<>();
        if (role != user.role()) {
            auth.users().setRole(user.id(), role);
            changed.add("role " + user.role().wire() + " -> " + role.wire());
        }
        if (disabled != null && disabled != user.disabled()) {
            auth.users().setDisabled(user.id(), disabled ? OffsetDateTime.now(clock) : null);
            if (disabled) {
                changed.add("disabled; " + sessions.endSessionsOf(user.id()) + " session(s) ended");
            } else {
                changed.add("enabled");
            }
        }
        audit.record(Caller.principal(ctx).name(), "user.update", "user:" + user.name(), "200",
                changed.isEmpty() ? "nothing changed" : String.join("; ", changed));
        ctx.json(auth.users().byName(user.name()).orElseThrow());
    }

    /** {@code DELETE /api/v1/users/{name}}: the user, its API tokens and its sessions; the audit log keeps its name. */
    public void delete(Context ctx) {
        AppUser user = user(ctx);
        if (isCaller(ctx, user)) {
            refuse(ctx, "user.delete", user, "you cannot delete yourself; ask another admin");
            return;
        }
        auth.users().delete(user.id());
        audit.record(Caller.principal(ctx).name(), "user.delete", "user:" + user.name(), "200", "with its API tokens and sessions");
        ctx.json(Map.of("deleted", user.name()));
    }

    /** {@code DELETE /api/v1/users/{name}/tokens}: revokes every API token of the user. */
    public void revokeTokens(Context ctx) {
        AppUser user = user(ctx);
        int revoked = auth.users().revokeTokens(user.id(), OffsetDateTime.now(clock));
        audit.record(Caller.principal(ctx).name(), "user.tokens.revoke", "user:" + user.name(), "200", revoked + " revoked");
        ctx.json(Map.of("user", user.name(), "revoked", revoked));
    }

    /**
     * {@code PUT /api/v1/users/{name}/password}: {@code {"password": P}}, checked by the password
     * policy; the user must choose a new one at their next login, and their sessions end.
     */
    public void password(Context ctx) {
        AppUser user = user(ctx);
        JsonNode given = object(ctx, "password").get("password");
        if (given == null || !given.isTextual()) {
            throw new BadRequestResponse("password must be a string");
        }
        String problem = PasswordPolicy.check(user.name(), given.asText());
        if (problem != null) {
            throw new BadRequestResponse(problem);
        }
        sessions.setPassword(user.name(), given.asText(), true);
        audit.record(Caller.principal(ctx).name(), "user.password.set", "user:" + user.name(), "200",
                "to be changed at the next login; every session of this user was ended");
        ctx.json(Map.of("user", user.name(), "must_change_password", true));
    }

    private AppUser user(Context ctx) {
        String name = ctx.pathParam("name");
        return auth.users().byName(name).orElseThrow(() -> new NotFoundResponse("no user named " + name));
    }

    private static JsonNode object(Context ctx, String what) {
        JsonNode body = ctx.body().isBlank() ? null : ctx.bodyAsClass(JsonNode.class);
        if (body == null || !body.isObject()) {
            throw new BadRequestResponse("the body must be a JSON object with " + what);
        }
        return body;
    }

    private static boolean isCaller(Context ctx, AppUser user) {
        return Caller.principal(ctx) instanceof Principal.User u && u.id() == user.id();
    }

    private void refuse(Context ctx, String action, AppUser user, String reason) {
        audit.record(Caller.principal(ctx).name(), action, "user:" + user.name(), "409", reason);
        ctx.status(HttpStatus.CONFLICT).json(new ErrorBody(reason));
    }
}
