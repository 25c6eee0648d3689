package dev.baozi.orchestrator.audit;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import java.util.Map;

/** Admin API: the newest audit events. */
public final class AuditController {

    private final AuditRepository audit;

    public AuditController(AuditRepository audit) {
        this.audit = audit;
    }

    public void list(Context ctx) {
        int limit;
        try {
            limit = Integer.parseInt(ctx.queryParamAsClass("limit", String.class).getOrDefault("100"));
        } catch (NumberFormatException e) {
            throw new BadRequestResponse("limit must be a number from 1 to 1000");
        }
        if (limit < 1 || limit > 1000) {
            throw new BadRequestResponse("limit must be a number from 1 to 1000");
        }
        ctx.json(Map.of("events", audit.latest(limit)));
    }
}
