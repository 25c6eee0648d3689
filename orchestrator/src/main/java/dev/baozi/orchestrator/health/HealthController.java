package dev.baozi.orchestrator.health;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;

/** {@code /healthz} (the process answers) and {@code /readyz} (its dependencies answer). */
public final class HealthController {

    private final ReadinessService readiness;

    public HealthController(ReadinessService readiness) {
        this.readiness = readiness;
    }

    public void healthz(Context ctx) {
        ctx.json(Map.of("status", "alive"));
    }

    public void readyz(Context ctx) {
        Readiness result = readiness.check();
        ctx.status(result.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(result);
    }
}
