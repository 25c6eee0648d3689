package dev.baozi.orchestrator.auth;

import io.javalin.http.Context;

/**
 * Who is calling, as the access guard established it for this request: the principal of every
 * route that needs one, and the browser session of a web UI route.
 */
public final class Caller {

    private static final String PRINCIPAL = "baozi.principal";
    private static final String UI_SESSION = "baozi.ui-session";

    private Caller() {}

    /** Records the caller of an API or state route. */
    public static void identify(Context ctx, Principal principal) {
        ctx.attribute(PRINCIPAL, principal);
    }

    /** Records the caller of a web UI route: the session's user and the session itself. */
    public static void identify(Context ctx, Principal principal, UiSession session) {
        ctx.attribute(PRINCIPAL, principal);
        ctx.attribute(UI_SESSION, session);
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("no principal on a route that needs one");
        }
        return p;
    }

    /** The browser session of a UI route. */
    public static UiSession session(Context ctx) {
        UiSession s = ctx.attribute(UI_SESSION);
        if (s == null) {
            throw new IllegalStateException("no session on a UI route that needs one");
        }
        return s;
    }

    /** Whether the session's user has at least {@code needed}. */
    public static boolean has(Context ctx, Role needed) {
        return session(ctx).role().includes(needed);
    }
}
