package dev.baozi.orchestrator;

import dev.baozi.openbao.OpenBaoRefusedException;
import dev.baozi.openbao.OpenBaoUnavailableException;
import dev.baozi.orchestrator.migration.TargetChoices;
import dev.baozi.orchestrator.netbox.NetBoxClient;
import dev.baozi.orchestrator.netbox.NetBoxException;
import dev.baozi.orchestrator.provider.Provider;
import dev.baozi.orchestrator.provider.ProviderService;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.ProxmoxException;
import dev.baozi.orchestrator.proxmox.Storage;
import java.util.List;
import java.util.Optional;

/**
 * The migration wizard's choices from the provider registry (each provider's storages that hold VM
 * disks and its bridges, on its default node) and NetBox (prefixes and IP ranges). A list that
 * cannot be read says why, and the wizard asks for that value as text.
 */
final class WizardChoices implements TargetChoices {

    private final ProviderService providers;
    private final Optional<NetBoxClient> netbox;

    WizardChoices(ProviderService providers, Optional<NetBoxClient> netbox) {
        this.providers = providers;
        this.netbox = netbox;
    }

    @Override
    public List<String> providers() {
        return providers.all().stream().map(Provider::name).sorted().toList();
    }

    @Override
    public Listing pools() {
        if (netbox.isEmpty()) {
            return Listing.unknown("NetBox is not configured (netbox.url), so type the pool");
        }
        try {
            var choices = new java.util.ArrayList<Choice>();
            netbox.get().prefixes().forEach(p -> choices.add(new Choice(p.prefix(), "prefix " + p.prefix() + label(p.description()))));
            netbox.get().ranges().forEach(r -> {
                String range = host(r.start()) + "-" + host(r.end());
                choices.add(new Choice(range, "range " + range + label(r.description())));
            });
            return choices.isEmpty() ? Listing.unknown("NetBox has no prefixes or IP ranges yet") : new Listing(choices, null);
        } catch (NetBoxException e) {
            return Listing.unknown("listing NetBox's pools: " + e.getMessage());
        }
    }

    private static String host(String address) {
        int slash = address.indexOf('/');
        return slash < 0 ? address : address.substring(0, slash);
    }

    private static String label(String description) {
        return description == null || description.isBlank() ? "" : " (" + description + ")";
    }

    @Override
    public Placement placement(String name) {
        Optional<Provider> provider = providers.get(name);
        if (provider.isEmpty()) {
            return new Placement(null, Listing.unknown(null), Listing.unknown(null));
        }
        String node = provider.get().defaultNode();
        ProxmoxClient client;
        try {
            client = providers.client(provider.get());
        } catch (IllegalStateException | OpenBaoUnavailableException | OpenBaoRefusedException e) {
            String why = "reading the API token of " + name + ": " + e.getMessage() + "; type the storage and bridge";
            return new Placement(node, Listing.unknown(why), Listing.unknown(why));
        }
        Listing storages;
        try {
            storages = new Listing(client.storages(node).stream().filter(WizardChoices::holdsDisks)
                    .map(s -> new Choice(s.storage(), s.storage() + " (" + s.type() + ", " + gib(s.avail()) + " free" + (s.shared()
                            ? ", shared" : "") + ")")).toList(), null);
        } catch (ProxmoxException e) {
            storages = Listing.unknown("listing the storages of " + name + " (node " + node + "): " + e.getMessage());
        }
        Listing bridges;
        try {
            bridges = new Listing(client.bridges(node).stream().map(b -> new Choice(b, b)).toList(), null);
        } catch (ProxmoxException e) {
            bridges = Listing.unknown("listing the bridges of " + name + " (node " + node + "): " + e.getMessage());
        }
        return new Placement(node, storages, bridges);
    }

    /** A storage that holds VM disks and is enabled. */
    static boolean holdsDisks(Storage s) {
        return s.content().contains("images") && s.enabled();
    }

    private static String gib(long bytes) {
        return bytes / (1024L * 1024 * 1024) + " GiB";
    }
}
