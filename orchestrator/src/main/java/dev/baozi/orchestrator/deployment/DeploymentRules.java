package dev.baozi.orchestrator.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.dns.ManagedZones;
import dev.baozi.orchestrator.netbox.AddressReservations;
import dev.baozi.orchestrator.netbox.Pool;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a deployment's inputs must be before anything is planned or allocated: a host name and
 * aliases that are RFC 1123 names inside managed zones (aliases, being CNAMEs, not at a zone's
 * apex), used by no other deployment; a pool NetBox has; and a provider for its VM.
 */
public final class DeploymentRules implements WorkspaceService.TemplateRules {

    private final ManagedZones zones;
    private final Optional<AddressReservations> netbox;
    private final Supplier<List<Workspace>> workspaces;
    private final int defaultTtl;

    public DeploymentRules(ManagedZones zones, Optional<AddressReservations> netbox, Supplier<List<Workspace>> workspaces,
            int defaultTtl) {
        this.zones = zones;
        this.netbox = netbox;
        this.workspaces = workspaces;
        this.defaultTtl = defaultTtl;
    }

    @Override
    public List<String> problems(Template template, JsonNode inputs, String provider, String workspace) {
        if (!template.isDeployment()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        DeploymentInputs d = DeploymentInputs.of(inputs, defaultTtl);
        name("hostname", d.hostname(), false).ifPresent(problems::add);
        Set<String> seen = new HashSet<>(List.of(d.hostname()));
        for (String alias : d.aliases()) {
            name("aliases", alias, true).ifPresent(problems::add);
            if (!seen.add(alias)) {
                problems.add("aliases: " + alias + " is named twice (or is the host name)");
            }
        }
        JsonNode ttl = inputs.path("dns_ttl");
        boolean wholeInt = ttl.isMissingNode() || ttl.isNull() || (ttl.isIntegralNumber() && ttl.canConvertToInt());
        if (!wholeInt || d.ttl() < 30 || d.ttl() > 604_800) { // asInt would wrap 4294967396 to 100 and cut 60.5 to 60
            problems.add("dns_ttl: must be a whole number from 30 to 604800 seconds, got " + inputs.path("dns_ttl"));
        }
        for (Workspace other : workspaces.get()) {
            if (other.name().equals(workspace) || !other.template().equals(template.name())) {
                continue;
            }
            List<String> theirs = DeploymentInputs.of(other.inputs(), defaultTtl).names();
            for (String n : d.names()) {
                if (theirs.contains(n)) {
                    problems.add((n.equals(d.hostname()) ? "hostname" : "aliases") + ": " + n + " is already a name of deployment "
                            + other.name());
                }
            }
        }
        Optional<Pool> pool = Pool.parse(d.pool());
        if (pool.isEmpty()) {
            problems.add("pool: '" + d.pool() + "' is neither a prefix (10.0.0.0/24) nor an IP range (10.0.0.10-10.0.0.50)");
        } else if (netbox.isEmpty()) {
            problems.add("pool: NetBox is not configured (set netbox.url and netbox.token-file), so no address can be had");
        } else if (netbox.get().resolve(pool.get()).isEmpty()) {
            problems.add("pool: NetBox has no " + pool.get());
        }
        if (provider == null) {
            problems.add("provider: a deployment's VM needs a provider (a Proxmox cluster); name one");
        }
        return problems;
    }

    /** Why {@code name} cannot be one of the deployment's DNS names; empty when it can. */
    private Optional<String> name(String variable, String name, boolean alias) {
        if (zones.isEmpty()) {
            return ManagedZones.problem(name).map(p -> variable + ": " + p);
        }
        return switch (zones.place(name)) {
            case ManagedZones.Outcome.Refused r -> Optional.of(variable + ": " + r.reason());
            case ManagedZones.Outcome.Placed p -> alias && p.placement().relative().isEmpty()
                    ? Optional.of(variable + ": " + name + " is the apex of zone " + p.placement().zone()
                            + ", which cannot hold a CNAME; use it as the host name instead")
                    : Optional.empty();
        };
    }
}
