package dev.baozi.orchestrator.netbox;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.Optional;

/** {@code GET /api/v1/pools}: NetBox's prefixes and IP ranges, how full they are, and who holds which address. */
public final class PoolController {

    private final Optional<PoolsService> pools;

    public PoolController(Optional<PoolsService> pools) {
        this.pools = pools;
    }

    public void list(Context ctx) {
        if (pools.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "NetBox is not configured (netbox.url), so there are no pools"));
            return;
        }
        ctx.json(Map.of("pools", pools.get().usage()));
    }
}
