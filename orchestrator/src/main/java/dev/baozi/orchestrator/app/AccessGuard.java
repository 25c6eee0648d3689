package dev.baozi.orchestrator.app;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.Caller;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.auth.SessionService;
import dev.baozi.orchestrator.auth.TokenAccess;
import dev.baozi.orchestrator.auth.Tokens;
import dev.baozi.orchestrator.auth.UiSession;
import dev.baozi.orchestrator.web.Access;
import dev.baozi.orchestrator.web.PageRefusedException;
import dev.baozi.orchestrator.web.PageUser;
import dev.baozi.orchestrator.web.SessionCookies;
import dev.baozi.orchestrator.web.UiSupport;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.Handler;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.security.RouteRole;
import java.util.Optional;
import java.util.Set;

/**
 * Runs before every matched route: finds the caller from its credentials (basic auth with a
 * state token as password; {@code Authorization: Bearer} with the admin token) and applies the
 * route's {@link Access} rule. Refusals on state routes are audited too (those of unauthenticated
 * callers by sample, see {@link RefusalSampler}). Web UI routes
 * ({@link Access#BROWSER}) take the session cookie instead, and check the CSRF token of every
 * request that is not a GET.
 */
public final class AccessGuard implements Handler {

    /** Where a browser goes when it must change its one-time password first. */
    static final String PASSWORD_PAGE = "/password";

    private final AuthService auth;
    private final AuditRepository audit;
    private final SessionService sessions;
    private final SessionCookies cookies;
    private final RefusalSampler anonymous;

    public AccessGuard(AuthService auth, AuditRepository audit, SessionService sessions, SessionCookies cookies,
            java.time.Clock clock) {
        this.auth = auth;
        this.audit = audit;
        this.sessions = sessions;
        this.cookies = cookies;
        this.anonymous = new RefusalSampler(audit, clock);
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
        if (roles.contains(Access.BROWSER)) {
            browser(ctx, roles);
            return;
        }
        boolean stateRoute = roles.contains(Access.STATE_READ) || roles.contains(Access.STATE_WRITE);
        String workspace = ctx.pathParamMap().containsKey("workspace") ? WorkspaceName.fromPath(ctx).value() : null;
        Optional<Principal> caller = authenticate(ctx);
        if (caller.isEmpty()) {
            if (stateRoute) {
                anonymous.refused(ctx.ip(), "state." + ctx.method().name().toLowerCase(java.util.Locale.ROOT), workspace);
            }
            ctx.header("WWW-Authenticate", stateRoute ? "Basic realm=\"baozi state\"" : "Bearer realm=\"baozi\"");
            throw new UnauthorizedResponse(stateRoute
                    ? "the state backend needs basic auth with a state token of this workspace as password"
                    : "this endpoint needs a bearer token: a user's API token or the admin token");
        }
        if (stateRoute) {
            anonymous.summarise();
        }
        Principal principal = caller.get();
        String refusal = refusal(roles, principal, workspace);
        if (refusal != null) {
            refuse(ctx, stateRoute, principal.name(), workspace, "403");
            throw new ForbiddenResponse(refusal);
        }
        Caller.identify(ctx, principal);
    }

    /**
     * A UI route: no live session → to the login page (GET) or 401; a one-time password → to the
     * password page first; a missing or wrong CSRF token → 403; then the route's role.
     */
    private void browser(Context ctx, Set<RouteRole> roles) {
        String cookie = cookies.session(ctx);
        Optional<UiSession> session = cookie == null ? Optional.empty() : sessions.find(cookie);
        if (session.isEmpty()) {
            if (cookie != null) {
                cookies.clearSession(ctx);
            }
            if (ctx.method().name().equals("GET")) {
                String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                ctx.redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
                ctx.skipRemainingHandlers();
                return;
            }
            throw new PageRefusedException(HttpStatus.UNAUTHORIZED, "Logged out",
                    "Your session ended, so nothing was done. Log in again and retry.");
        }
        UiSession s = session.get();
        Principal principal = new Principal.User(s.userId(), s.userName(), s.role());
        Caller.identify(ctx, principal, s);
        UiSupport.identify(ctx, new PageUser(s.userName(), s.role().wire(), s.role() == Role.ADMIN, s.csrfToken()));
        boolean changes = !ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD");
        if (changes) {
            String sent = ctx.formParam("_csrf");
            if (sent == null) {
                sent = ctx.header("X-CSRF-Token");
            }
            if (sent == null || !Tokens.sameHash(Tokens.hash(sent), Tokens.hash(s.csrfToken()))) {
                audit.record(principal.name(), "ui.csrf-refused", ctx.path(), "403", ctx.method().name());
                throw new PageRefusedException(HttpStatus.FORBIDDEN, "Refused",
                        "This form's security token is missing or stale, so nothing was done. Reload the page and try again.");
            }
        }
        if (s.mustChangePassword() && !ctx.path().equals(PASSWORD_PAGE) && !ctx.path().equals("/logout")) {
            ctx.redirect(PASSWORD_PAGE, HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
            return;
        }
        String refusal = refusal(roles, principal, null);
        if (refusal != null) {
            if (changes) {
                audit.record(principal.name(), "ui.refused", ctx.path(), "403", refusal);
            }
            throw new PageRefusedException(HttpStatus.FORBIDDEN, "Not allowed", "You may not do this: " + refusal + ".");
        }
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
        String password = basicPassword(header);
        return password == null ? Optional.empty() : auth.stateTokenHolder(password);
    }

    /**
     * The password of a {@code Basic} Authorization header; null when the header is not basic
     * auth or is malformed (not base64, not UTF-8, no colon): those callers are unauthenticated.
     */
    static String basicPassword(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = java.util.Base64.getDecoder().decode(header.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String pair;
        try {
            pair = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(decoded)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
        int colon = pair.indexOf(':');
        return colon < 0 ? null : pair.substring(colon + 1);
    }

    private void refuse(Context ctx, boolean stateRoute, String who, String workspace, String status) {
        if (stateRoute) {
            audit.record(who, "state." + ctx.method().name().toLowerCase(java.util.Locale.ROOT), workspace, status, "refused");
        }
    }
}
