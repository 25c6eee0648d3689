package dev.baozi.orchestrator.web;

import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.state.WorkspaceName;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;

/** Typed access to what {@link AccessGuard} established about a request. */
public final class Requests {

    static final String PRINCIPAL = "baozi.principal";
    static final String UI_SESSION = "baozi.ui-session";

    private Requests() {}

    /** The {@code {workspace}} path parameter, validated. */
    public static WorkspaceName workspace(Context ctx) {
        String raw;
        try {
            raw = ctx.pathParam("workspace");
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse("the workspace name in the path is not valid %-encoding");
        }
        if (!WorkspaceName.isValid(raw)) {
            throw new BadRequestResponse("workspace names are 1 to 63 characters of a-z, 0-9, '-' and '_', "
                    + "starting with a letter or digit");
        }
        return new WorkspaceName(raw);
    }

    /** The browser session of a UI route (set by {@link AccessGuard}). */
    public static dev.baozi.orchestrator.auth.UiSession session(Context ctx) {
        dev.baozi.orchestrator.auth.UiSession s = ctx.attribute(UI_SESSION);
        if (s == null) {
            throw new IllegalStateException("no session on a UI route that needs one");
        }
        return s;
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new IllegalStateException("no principal on a route that needs one");
        }
        return p;
    }
}
