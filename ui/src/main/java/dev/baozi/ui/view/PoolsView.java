package dev.baozi.ui.view;

import java.util.List;

/** NetBox's pools: each prefix or IP range, how full it is, and who holds which address. {@code problem} explains an empty page. */
public record PoolsView(Chrome chrome, List<Pool> pools, String problem) {

    public record Pool(String kind, String pool, String status, String description, String size, int used, Integer percent,
                       List<Holder> holders) {}

    public record Holder(String address, String deployment, String dnsName, String status) {}
}
