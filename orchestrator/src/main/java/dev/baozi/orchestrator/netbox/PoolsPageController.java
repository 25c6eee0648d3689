package dev.baozi.orchestrator.netbox;

import dev.baozi.orchestrator.web.UiSupport;
import dev.baozi.orchestrator.netbox.PoolsService;
import dev.baozi.ui.view.PoolsView;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Optional;

/** The address pools page (viewers): NetBox's prefixes and ranges, utilisation, who holds what. */
public final class PoolsPageController {

    private final Optional<PoolsService> pools;
    private final UiSupport ui;

    public PoolsPageController(Optional<PoolsService> pools, UiSupport ui) {
        this.pools = pools;
        this.ui = ui;
    }

    public void page(Context ctx) {
        var chrome = UiSupport.chrome(ctx, "Address pools");
        if (pools.isEmpty()) {
            ui.render(ctx, HttpStatus.OK, ui.pages().pools(new PoolsView(chrome, List.of(),
                    "NetBox is not configured (netbox.url), so there are no pools.")));
            return;
        }
        var rows = pools.get().usage().stream().map(p -> new PoolsView.Pool(p.kind(), p.pool(), p.status(), p.description(),
                p.size() == null ? "too many to count" : Long.toString(p.size()), p.used(), p.percent(),
                p.holders().stream().map(h -> new PoolsView.Holder(h.address(), h.deployment(), h.dnsName(), h.status())).toList()))
                .toList();
        ui.render(ctx, HttpStatus.OK, ui.pages().pools(new PoolsView(chrome, rows,
                rows.isEmpty() ? "NetBox has no prefixes or IP ranges yet." : null)));
    }
}
