package dev.baozi.orchestrator.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baozi.orchestrator.auth.Principal;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A deployment's runs beyond tofu: its address, reserved in NetBox before tofu plans, and given
 * back when a run ends without the workspace's state holding it. Its DNS records are a side plan
 * ({@link DeploymentDns}).
 */
public final class DeploymentSteps implements RunSteps {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The resource that takes a reserved address over, inside a deployment template's module (its baozi.json may say otherwise). */
    static final String ADDRESS_RESOURCE = "module.ip.netbox_ip_address.this[0]";

    private final WorkspaceService workspaces;
    private final Optional<AddressReservations> netbox;
    private final StateService state;
    private final int defaultTtl;

    public DeploymentSteps(WorkspaceService workspaces, Optional<AddressReservations> netbox, StateService state, int defaultTtl) {
        this.workspaces = workspaces;
        this.netbox = netbox;
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
}
