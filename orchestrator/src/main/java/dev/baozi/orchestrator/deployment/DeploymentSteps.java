package dev.baozi.orchestrator.deployment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.dns.DnsRecord;
import dev.baozi.orchestrator.dns.DnsService;
import dev.baozi.orchestrator.dns.ManagedZones;
import dev.baozi.orchestrator.dns.ZonePlan;
import dev.baozi.orchestrator.netbox.AddressReservations;
import dev.baozi.orchestrator.netbox.IpAddress;
import dev.baozi.orchestrator.netbox.Pool;
import dev.baozi.orchestrator.run.Run;
import dev.baozi.orchestrator.run.RunSteps;
import dev.baozi.orchestrator.state.StateService;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A deployment's runs beyond tofu: its address, reserved in NetBox before tofu plans (and given
 * back when a run ends without the workspace's state holding it), and its DNS records, planned
 * with octoDNS after tofu plans and applied with the approved checksum.
 */
public final class DeploymentSteps implements RunSteps {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The resource that takes a reserved address over, inside a deployment template's module (its baozi.json may say otherwise). */
    static final String ADDRESS_RESOURCE = "module.ip.netbox_ip_address.this[0]";

    private final WorkspaceService workspaces;
    private final Optional<AddressReservations> netbox;
    private final Optional<DnsService> dns;
    private final StateService state;
    private final int defaultTtl;

    public DeploymentSteps(WorkspaceService workspaces, Optional<AddressReservations> netbox, Optional<DnsService> dns,
            StateService state, int defaultTtl) {
        this.workspaces = workspaces;
        this.netbox = netbox;
        this.dns = dns;
        this.state = state;
        this.defaultTtl = defaultTtl;
    }

    private Optional<Template> deploymentTemplate(Workspace ws) {
        return workspaces.template(ws).filter(Template::isDeployment);
    }

    @Override
    public Supplied beforePlan(Run run, Workspace ws, Consumer<String> log) throws Refused {
        Optional<Template> template = deploymentTemplate(ws);
        if (template.isEmpty()) {
            return Supplied.NONE;
        }
        if (netbox.isEmpty()) {
            throw new Refused("deployment " + ws.name() + " needs an address from NetBox, and NetBox is not configured (netbox.url)");
        }
        DeploymentInputs d = DeploymentInputs.of(ws.inputs(), defaultTtl);
        Map<String, JsonNode> inputs = new java.util.TreeMap<>();
        inputs.put("deployment", TextNode.valueOf(ws.name()));
        if (run.destroy()) {
            Optional<IpAddress> held = netbox.get().held(ws.name());
            inputs.put("ip_address", TextNode.valueOf(held.map(IpAddress::address).orElse("")));
            log.accept(held.map(a -> "destroying deployment " + ws.name() + ", which holds " + a.address() + " (NetBox address "
                    + a.id() + ")").orElse("deployment " + ws.name() + " holds no address in NetBox"));
            return new Supplied(inputs, List.of());
        }
        Pool pool = Pool.parse(d.pool()).orElseThrow(() -> new Refused("pool: '" + d.pool() + "' is not a prefix or IP range"));
        var outcome = netbox.get().reserve(ws.name(), pool, d.hostname(), "reserved by Baozi for deployment " + ws.name()
                + " (run " + run.id() + ")");
        return switch (outcome) {
            case AddressReservations.Outcome.Exhausted e -> throw new Refused(e.message());
            case AddressReservations.Outcome.UnknownPool u -> throw new Refused(u.message());
            case AddressReservations.Outcome.Reserved r -> {
                log.accept((r.found() ? "deployment " + ws.name() + " holds " : "reserved ") + r.address().address()
                        + (r.found() ? "" : " in " + pool + " for deployment " + ws.name()) + " (NetBox address " + r.address().id() + ")");
                inputs.put("ip_address", TextNode.valueOf(r.address().address()));
                yield new Supplied(inputs, List.of(new Supplied.Import(addressResource(template.get()), Long.toString(r.address().id()))));
            }
        };
    }

    @Override
    public Optional<DnsPlanned> planDns(Run run, Workspace ws, Supplied supplied, Path dir, Consumer<String> log) throws Refused {
        if (deploymentTemplate(ws).isEmpty()) {
            return Optional.empty();
        }
        if (dns.isEmpty()) {
            log.accept("no DNS zones are managed (dns.zones): deployment " + ws.name() + " gets no DNS records");
            return Optional.empty();
        }
        List<DnsRecord> desired = run.destroy() ? List.of() : desired(ws, supplied, dns.get().zones());
        var outcome = dns.get().plan(ws.id(), desired, dir, log);
        return switch (outcome) {
            case DnsService.PlanOutcome.Refused r -> throw new Refused("planning DNS: " + r.reason());
            case DnsService.PlanOutcome.Planned p -> {
                String force = p.zones().stream().map(ZonePlan::forceReason).filter(java.util.Objects::nonNull).findFirst().orElse(null);
                int changes = (int) p.zones().stream().flatMap(z -> stream(z.changes()))
                        .filter(c -> !c.path("name").asText().startsWith("_owner")).count();
                yield Optional.of(new DnsPlanned(write(new Planned(p.zones(), desired)), changes, force));
            }
        };
    }

    @Override
    public void applyDns(Run run, Workspace ws, String planned, boolean forced, Path dir, Consumer<String> log) throws Refused {
        if (dns.isEmpty()) {
            throw new Refused("the run planned DNS changes, but no DNS zones are managed any more (dns.zones)");
        }
        Planned p = read(planned);
        var outcome = dns.get().apply(ws.id(), p.zones(), p.desired(), forced, dir, log);
        if (outcome instanceof DnsService.ApplyOutcome.Refused r) {
            throw new Refused(r.reason() + (r.done().isEmpty() ? "" : " (zones already synced: " + String.join(", ", r.done()) + ")"));
        }
    }

    @Override
    public void ended(Run run, Workspace ws, Consumer<String> log) {
        if (deploymentTemplate(ws).isEmpty() || netbox.isEmpty()) {
            return;
        }
        List<IpAddress> held = netbox.get().allHeld(ws.name());
        if (held.isEmpty()) {
            return;
        }
        Optional<JsonNode> current = currentState(ws);
        if (current.isPresent() && !current.get().has("resources")) {
            return; // an encrypted state: what it holds cannot be read, so nothing is given back
        }
        for (IpAddress a : held) {
            if (current.isEmpty() || !holds(current.get(), a)) {
                if (netbox.get().release(a)) {
                    log.accept("gave back " + a.address() + " (NetBox address " + a.id() + "): the workspace's state does not hold it");
                }
            }
        }
    }

    /** The deployment's records: its host name at its address (A or AAAA), each alias a CNAME to it. */
    static List<DnsRecord> desired(Workspace ws, Supplied supplied, ManagedZones zones) throws Refused {
        DeploymentInputs d = DeploymentInputs.of(ws.inputs(), 300);
        String address = supplied.inputs().getOrDefault("ip_address", TextNode.valueOf("")).asText();
        String host = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
        List<DnsRecord> records = new ArrayList<>();
        var place = zones.place(d.hostname());
        if (!(place instanceof ManagedZones.Outcome.Placed hostPlace)) {
            throw new Refused("hostname: " + ((ManagedZones.Outcome.Refused) place).reason());
        }
        if (!host.isEmpty()) {
            records.add(new DnsRecord(hostPlace.placement().zone(), hostPlace.placement().relative(), host.contains(":") ? "AAAA" : "A",
                    d.ttl(), List.of(host)));
        }
        for (String alias : d.aliases()) {
            if (!(zones.place(alias) instanceof ManagedZones.Outcome.Placed p)) {
                throw new Refused("aliases: " + alias + " is in none of the managed zones");
            }
            records.add(new DnsRecord(p.placement().zone(), p.placement().relative(), "CNAME", d.ttl(), List.of(d.hostname() + ".")));
        }
        return records;
    }

    private Optional<JsonNode> currentState(Workspace ws) {
        return state.current(new WorkspaceName(ws.name()), new Principal.Internal("reservation-check")).map(s -> {
            try {
                return JSON.readTree(s.content());
            } catch (IOException e) {
                return JSON.createObjectNode(); // not JSON (encrypted): treated as unreadable
            }
        });
    }

    private static boolean holds(JsonNode state, IpAddress address) {
        for (JsonNode r : state.path("resources")) {
            if (!r.path("type").asText().equals("netbox_ip_address") && !r.path("type").asText().equals("netbox_available_ip_address")) {
                continue;
            }
            for (JsonNode i : r.path("instances")) {
                if (i.path("attributes").path("id").asText().equals(Long.toString(address.id()))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String addressResource(Template template) {
        byte[] meta = template.files().get("baozi.json");
        try {
            return meta == null ? ADDRESS_RESOURCE : JSON.readTree(meta).path("address_resource").asText(ADDRESS_RESOURCE);
        } catch (IOException e) {
            return ADDRESS_RESOURCE;
        }
    }

    private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list.stream();
    }

    /** What a run records of its DNS plan: octoDNS's plan per zone, and the records it leads to. */
    record Planned(List<ZonePlan> zones, List<DnsRecord> desired) {}

    private static String write(Planned p) {
        try {
            return JSON.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a DNS plan as JSON", e);
        }
    }

    private static Planned read(String json) {
        try {
            return JSON.readValue(json, Planned.class);
        } catch (IOException e) {
            throw new IllegalStateException("a run's stored DNS plan is not what Baozi wrote: " + e.getMessage(), e);
        }
    }
}
