package dev.baozi.orchestrator.ui;

import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.ui.view.AuditView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/** The audit log page (admins): who did what, filterable by who, action and target. */
public final class AuditPageController {

    static final int LIMIT = 500;

    private final AuditRepository audit;
    private final UiSupport ui;

    public AuditPageController(AuditRepository audit, UiSupport ui) {
        this.audit = audit;
        this.ui = ui;
    }

    public void page(Context ctx) {
        String actor = blankToEmpty(ctx.queryParam("actor"));
        String action = blankToEmpty(ctx.queryParam("action"));
        String target = blankToEmpty(ctx.queryParam("target"));
        var rows = audit.search(actor, action, target, LIMIT).stream()
                .map(e -> new AuditView.Row(e.id(), UiSupport.when(e.occurredAt()), e.actor(), e.action(), e.target(),
                        e.outcome(), e.detail()))
                .toList();
        ui.render(ctx, HttpStatus.OK, "audit.jte", new AuditView(UiSupport.chrome(ctx, "Audit log"), actor, action, target,
                rows, LIMIT));
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.strip();
    }
}
