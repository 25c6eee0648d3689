package dev.baozi.orchestrator.deployment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.baozi.orchestrator.dns.DnsPlanPresenter;
import dev.baozi.orchestrator.dns.DnsRecord;
import dev.baozi.orchestrator.dns.DnsService;
import dev.baozi.orchestrator.dns.ManagedZones;
import dev.baozi.orchestrator.dns.ZonePlan;
import dev.baozi.orchestrator.run.Run;
import dev.baozi.orchestrator.run.RunSteps;
import dev.baozi.orchestrator.run.SidePlan;
import dev.baozi.orchestrator.run.SidePlanner;
import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A deployment's DNS records as a side plan (kind {@code dns}): planned with octoDNS after tofu
 * plans (its host name at the address tofu is given, its aliases), applied after tofu with the
 * approved checksums, or before tofu when the run destroys.
 */
public final class DeploymentDns implements SidePlanner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkspaceService workspaces;
    private final Optional<DnsService> dns;

    public DeploymentDns(WorkspaceService workspaces, Optional<DnsService> dns) {
        this.workspaces = workspaces;
        this.dns = dns;
    }

    @Override
    public String kind() {
        return DnsPlanPresenter.KIND;
    }

    @Override
    public String label() {
        return "DNS";
    }

    @Override
    public SidePlan.Order order() {
        return SidePlan.Order.AFTER_TOFU;
    }

    @Override
    public Optional<Planned> plan(Run run, Workspace ws, Supplied supplied, Path dir, Consumer<String> log) throws RunSteps.Refused {
        if (workspaces.template(ws).filter(Template::isDeployment).isEmpty()) {
            return Optional.empty();
        }
        if (dns.isEmpty()) {
            log.accept("no DNS zones are managed (dns.zones): deployment " + ws.name() + " gets no DNS records");
            return Optional.empty();
        }
        List<DnsRecord> desired = run.destroy() ? List.of() : desired(ws, supplied, dns.get().zones());
        var outcome = dns.get().plan(ws.id(), desired, dir, log);
        return switch (outcome) {
            case DnsService.PlanOutcome.Refused r -> throw new RunSteps.Refused("planning DNS: " + r.reason());
            case DnsService.PlanOutcome.Planned p -> {
                String force = p.zones().stream().map(ZonePlan::forceReason).filter(Objects::nonNull).findFirst().orElse(null);
                int changes = 0;
                for (ZonePlan z : p.zones()) {
                    for (JsonNode c : z.changes()) {
                        changes += c.path("name").asText().startsWith("_owner") ? 0 : 1;
                    }
                }
                yield Optional.of(new Planned(write(new Document(p.zones(), desired)), changes, force));
            }
        };
    }

    @Override
    public void apply(Run run, Workspace ws, SidePlan planned, Path dir, Consumer<String> log) throws RunSteps.Refused {
        if (dns.isEmpty()) {
            throw new RunSteps.Refused("the run planned DNS changes, but no DNS zones are managed any more (dns.zones)");
        }
        Document d = read(planned.document());
        var outcome = dns.get().apply(ws.id(), d.zones(), d.desired(), planned.forced(), dir, log);
        if (outcome instanceof DnsService.ApplyOutcome.Refused r) {
            throw new RunSteps.Refused(r.reason() + (r.done().isEmpty() ? "" : " (zones already synced: " + String.join(", ", r.done()) + ")"));
        }
    }

    /** The deployment's records: its host name at its address (A or AAAA), each alias a CNAME to it. */
    static List<DnsRecord> desired(Workspace ws, Supplied supplied, ManagedZones zones) throws RunSteps.Refused {
        DeploymentInputs d = DeploymentInputs.of(ws.inputs(), 300);
        String address = supplied.inputs().getOrDefault("ip_address", TextNode.valueOf("")).asText();
        String host = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
        List<DnsRecord> records = new ArrayList<>();
        var place = zones.place(d.hostname());
        if (!(place instanceof ManagedZones.Outcome.Placed hostPlace)) {
            throw new RunSteps.Refused("hostname: " + ((ManagedZones.Outcome.Refused) place).reason());
        }
        if (!host.isEmpty()) {
            records.add(new DnsRecord(hostPlace.placement().zone(), hostPlace.placement().relative(), host.contains(":") ? "AAAA" : "A",
                    d.ttl(), List.of(host)));
        }
        for (String alias : d.aliases()) {
            if (!(zones.place(alias) instanceof ManagedZones.Outcome.Placed p)) {
                throw new RunSteps.Refused("aliases: " + alias + " is in none of the managed zones");
            }
            records.add(new DnsRecord(p.placement().zone(), p.placement().relative(), "CNAME", d.ttl(), List.of(d.hostname() + ".")));
        }
        return records;
    }

    /** What a run records of its DNS plan: octoDNS's plan per zone, and the records it leads to. */
    record Document(List<ZonePlan> zones, List<DnsRecord> desired) {}

    private static String write(Document d) {
        try {
            return JSON.writeValueAsString(d);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a DNS plan as JSON", e);
        }
    }

    private static Document read(String json) {
        try {
            return JSON.readValue(json, Document.class);
        } catch (IOException e) {
            throw new IllegalStateException("a run's stored DNS plan is not what Baozi wrote: " + e.getMessage(), e);
        }
    }
}
