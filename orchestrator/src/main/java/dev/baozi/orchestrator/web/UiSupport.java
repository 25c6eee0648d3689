package dev.baozi.orchestrator.web;

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
            Map.entry("password", "Your password was changed."),
            Map.entry("migration", "Migration asked for: its plan step checks the target now."),
            Map.entry("migration-approved", "Approved: the migration goes on."),
            Map.entry("migration-decommission", "Decommission approved: the source VM is destroyed next."),
            Map.entry("migration-skipped", "Wait skipped: the migration goes on now."),
            Map.entry("migration-retried", "Retry asked: the step runs again."),
            Map.entry("migration-rollback", "Rollback asked: the deployment goes back to its source, step by step."));

    private static final String PAGE_USER = "baozi.page-user";

    private final Pages pages;

    public UiSupport(Pages pages) {
        this.pages = pages;
    }

    /** What renders the pages: one typed method per page. */
    public Pages pages() {
        return pages;
    }

    /** Answers with a page {@link #pages()} rendered. */
    public void render(Context ctx, HttpStatus status, String html) {
        ctx.status(status).html(html);
    }

    /** Records who the pages of this request are for (the access guard does, once it found the session). */
    public static void identify(Context ctx, PageUser user) {
        ctx.attribute(PAGE_USER, user);
    }

    /** The chrome of a page for the logged-in session, with the flash a redirect asked for. */
    public static Chrome chrome(Context ctx, String title) {
        PageUser u = ctx.attribute(PAGE_USER);
        if (u == null) {
            throw new IllegalStateException("no session on a UI route that needs one");
        }
        String done = ctx.queryParam("done");
        String flash = done == null ? null : DONE.get(done);
        return new Chrome(title, u.name(), u.role(), u.admin(), u.csrfToken(), flash, false);
    }

    /** The chrome of an error page: the session's when the request has one, else the anonymous one. */
    public static Chrome errorChrome(Context ctx, String title) {
        PageUser u = ctx.attribute(PAGE_USER);
        return u == null ? Chrome.anonymous(title) : new Chrome(title, u.name(), u.role(), u.admin(), u.csrfToken(), null, false);
    }

    public void message(Context ctx, HttpStatus status, Chrome chrome, String heading, String message) {
        render(ctx, status, pages.message(new MessageView(chrome.titled(heading), status.getCode(), heading, message)));
    }

    /** A service's reason as a sentence on a page: capitalised, with a full stop. */
    public static String sentence(String reason) {
        String s = reason.isEmpty() ? reason : Character.toUpperCase(reason.charAt(0)) + reason.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }

    public static String when(OffsetDateTime at) {
        return at == null ? null : WHEN.format(at.withOffsetSameInstant(ZoneOffset.UTC));
    }

    public static String when(java.time.Instant at) {
        return at == null ? null : WHEN.format(at.atOffset(ZoneOffset.UTC));
    }
}
