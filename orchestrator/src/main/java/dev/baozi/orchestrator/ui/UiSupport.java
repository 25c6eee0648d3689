package dev.baozi.orchestrator.ui;

import dev.baozi.orchestrator.auth.Role;
import dev.baozi.orchestrator.auth.UiSession;
import dev.baozi.orchestrator.web.Requests;
import dev.baozi.ui.Pages;
import dev.baozi.ui.view.Chrome;
import dev.baozi.ui.view.MessageView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** What every page controller shares: rendering, the page chrome of the session, flashes, times. */
public final class UiSupport {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    /** What a redirect's {@code ?done=} says on the page it lands on. */
    private static final Map<String, String> DONE = Map.ofEntries(
            Map.entry("created", "Workspace created: queue a plan to build it."),
            Map.entry("inputs", "Inputs saved: the next plan uses them."),
            Map.entry("unchanged", "The inputs were already so: nothing changed."),
            Map.entry("queued", "Plan queued."),
            Map.entry("approved", "Run approved: it applies exactly the plan shown."),
            Map.entry("discarded", "Run discarded."),
            Map.entry("canceled", "Cancel requested."),
            Map.entry("unlocked", "The state lock was force-released."),
            Map.entry("rolledback", "Rolled back: the old content is now the newest version."),
            Map.entry("password", "Your password was changed."));

    private final Pages pages;

    public UiSupport(Pages pages) {
        this.pages = pages;
    }

    public void render(Context ctx, HttpStatus status, String template, Object view) {
        ctx.status(status).html(pages.render(template, view));
    }

    /** The chrome of a page for the logged-in session, with the flash a redirect asked for. */
    public static Chrome chrome(Context ctx, String title) {
        UiSession s = Requests.session(ctx);
        String done = ctx.queryParam("done");
        String flash = done == null ? null : DONE.get(done);
        return new Chrome(title, s.userName(), s.role().wire(), s.role() == Role.ADMIN, s.csrfToken(), flash, false);
    }

    public void message(Context ctx, HttpStatus status, Chrome chrome, String heading, String message) {
        render(ctx, status, "message.jte", new MessageView(chrome.titled(heading), status.getCode(), heading, message));
    }

    public static String when(OffsetDateTime at) {
        return at == null ? null : WHEN.format(at.withOffsetSameInstant(ZoneOffset.UTC));
    }

    public static String when(java.time.Instant at) {
        return at == null ? null : WHEN.format(at.atOffset(ZoneOffset.UTC));
    }

    public static boolean has(Context ctx, Role needed) {
        return Requests.session(ctx).role().includes(needed);
    }
}
