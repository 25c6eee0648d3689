package dev.baozi.orchestrator.web;

import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.auth.TokenAccess;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.Handler;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.security.BasicAuthCredentials;
import io.javalin.security.RouteRole;
import java.util.Optional;
import java.util.Set;

/**
 * Runs before every matched route: finds the caller from its credentials (basic auth with a
 * state token as password; {@code Authorization: Bearer} with the admin token) and applies the
 * route's {@link Access} rule. Refusals on state routes are audited too.
 */
public final class AccessGuard implements Handler {

    private final AuthService auth;
    private final AuditRepository audit;

    public AccessGuard(AuthService auth, AuditRepository audit) {
        this.auth = auth;
        this.audit = audit;
    }

    @Override
    public void handle(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty()) {
            throw new ForbiddenResponse("this route declares no access rule, so nobody may call it");
        }
        if (roles.contains(Access.PUBLIC)) {
            return;
        }
        boolean stateRoute = roles.contains(Access.STATE_READ) || roles.contains(Access.STATE_WRITE);
        String workspace = ctx.pathParamMap().containsKey("workspace") ? Requests.workspace(ctx).value() : null;
        Optional<Principal> caller = authenticate(ctx);
        if (caller.isEmpty()) {
            refuse(ctx, stateRoute, "anonymous", workspace, "401");
            ctx.header("WWW-Authenticate", stateRoute ? "Basic realm=\"baozi state\"" : "Bearer realm=\"baozi\"");
            throw new UnauthorizedResponse(stateRoute
                    ? "the state backend needs basic auth with a state token of this workspace as password"
                    : "this endpoint needs a bearer token: a user's API token or the admin token");
        }
        Principal principal = caller.get();
        String refusal = refusal(roles, principal, workspace);
        if (refusal != null) {
            refuse(ctx, stateRoute, principal.name(), workspace, "403");
            throw new ForbiddenResponse(refusal);
        }
        ctx.attribute(Requests.PRINCIPAL, principal);
    }

    /** Why {@code principal} may not call a route with these roles, or null when it may. */
    private static String refusal(Set<RouteRole> roles, Principal principal, String workspace) {
        for (RouteRole r : roles) {
            Role needed = switch ((Access) r) {
                case VIEWER -> Role.VIEWER;
                case OPERATOR -> Role.OPERATOR;
                case APPROVER -> Role.APPROVER;
                case ADMIN -> Role.ADMIN;
                default -> null;
            };
            if (needed != null) {
                if (principal.role() == null) {
                    return needed == Role.ADMIN ? "this endpoint is for the admin only" : "this endpoint needs a user's API token";
                }
                if (!principal.role().includes(needed)) {
                    return needed == Role.ADMIN ? "this endpoint is for the admin only"
                            : "this needs the " + needed.wire() + " role; " + principal.name() + " is " + principal.role().wire();
                }
                return null;
            }
        }
        if (!(principal instanceof Principal.StateTokenHolder holder)) {
            return "the state backend takes state tokens only";
        }
        if (!holder.token().workspace().equals(workspace)) {
            return "this token is for workspace " + holder.token().workspace() + ", not " + workspace;
        }
        if (roles.contains(Access.STATE_WRITE) && holder.token().access() != TokenAccess.READ_WRITE) {
            return "this token is read-only; writing, locking and deleting need a read-write token";
        }
        return null;
    }

    private Optional<Principal> authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null) {
            return Optional.empty();
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.bearer(header.substring(7).strip());
        }
        BasicAuthCredentials basic = ctx.basicAuthCredentials();
        return basic == null ? Optional.empty() : auth.stateTokenHolder(basic.getPassword());
    }

    private void refuse(Context ctx, boolean stateRoute, String who, String workspace, String status) {
        if (stateRoute) {
            audit.record(who, "state." + ctx.method().name().toLowerCase(java.util.Locale.ROOT), workspace, status, "refused");
        }
    }
}
