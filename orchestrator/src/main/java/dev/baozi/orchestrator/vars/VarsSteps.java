package dev.baozi.orchestrator.vars;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.orchestrator.provider.Provider;
import dev.baozi.orchestrator.provider.ProviderService;
import dev.baozi.orchestrator.proxmox.ProxmoxException;
import dev.baozi.orchestrator.run.Run;
import dev.baozi.orchestrator.run.RunSteps;
import dev.baozi.orchestrator.state.StateService;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.workspace.Supplied;
import dev.baozi.orchestrator.workspace.Workspace;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import dev.baozi.vars.GenerateReport;
import dev.baozi.vars.GenerateRequest;
import dev.baozi.vars.VarListing;
import dev.baozi.vars.definition.FileSpec;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.delivery.DeliveryOptions;
import dev.baozi.vars.delivery.DeliveryOutcome;
import dev.baozi.vars.delivery.VarsDelivery;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A workspace's vars around its runs. Before a plan, missing and outdated generators are generated
 * (so a machine never waits for secrets that were never made) and the public values go to the
 * template's supplied variable {@code vars_public} (a map of {@code <generator>/<file>} to value)
 * when it declares one. After an apply, the machine gets its secrets without tofu ever seeing them:
 * a response-wrapped, single-use OpenBao token that reads exactly its delivered files is written by
 * the VM's guest agent to {@link #GUEST_FILE} inside the VM (through Proxmox's API), together with
 * the delivery plan and OpenBao's address; the machine unwraps it once at boot and reads its files.
 * Neither the token nor a value is in the generated files, the plan, the state, a log or the database.
 */
public final class VarsSteps implements RunSteps {

    /** Where, inside the guest, the delivery lands (tmpfs on systemd machines: it does not outlive a reboot). */
    public static final String GUEST_FILE = "/run/baozi/vars.json";
    static final String PUBLIC_VARIABLE = "vars_public";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkspaceVars vars;
    private final WorkspaceService workspaces;
    private final VarsDelivery delivery;
    private final ProviderService providers;
    private final StateService state;
    private final URI machineOpenBao;
    private final DeliveryOptions options;

    public VarsSteps(WorkspaceVars vars, WorkspaceService workspaces, VarsDelivery delivery, ProviderService providers,
            StateService state, URI machineOpenBao, DeliveryOptions options) {
        this.vars = vars;
        this.workspaces = workspaces;
        this.delivery = delivery;
        this.providers = providers;
        this.state = state;
        this.machineOpenBao = machineOpenBao;
        this.options = options;
    }

    @Override
    public Supplied beforePlan(Run run, Workspace ws, Consumer<String> log) throws Refused {
        Optional<GeneratorSet> set = vars.generators(ws);
        if (set.isEmpty() || run.destroy()) {
            return Supplied.NONE;
        }
        GenerateReport report = vars.generate(ws, set.get(), GenerateRequest.all(), new Principal.Internal("run " + run.id()));
        List<String> problems = new ArrayList<>();
        for (GenerateReport.Outcome o : report.outcomes()) {
            switch (o) {
                case GenerateReport.Generated g -> log.accept("vars: generated " + g.generator() + " (" + g.reason() + ")");
                case GenerateReport.UpToDate u -> { }
                case GenerateReport.Skipped s -> problems.add("generator " + s.generator() + " was not generated: " + s.reason());
                case GenerateReport.Conflict c -> problems.add("generator " + c.generator() + ": " + c.message());
            }
        }
        if (!problems.isEmpty()) {
            throw new Refused("vars: " + String.join("; ", problems) + "; give missing values with bin/baozi vars set --workspace "
                    + ws.name() + " and queue the run again");
        }
        boolean wantsPublic = workspaces.template(ws).map(t -> t.supplied().contains(PUBLIC_VARIABLE)).orElse(false);
        if (!wantsPublic) {
            return Supplied.NONE;
        }
        ObjectNode values = JSON.createObjectNode();
        for (VarListing l : vars.list(ws, set.get())) {
            if (!l.secret()) {
                l.publicValue().ifPresent(v -> values.put(l.generator().value() + "/" + l.file(), v));
            }
        }
        return new Supplied(Map.of(PUBLIC_VARIABLE, values), List.of());
    }

    @Override
    public void afterApply(Run run, Workspace ws, Consumer<String> log) throws Refused {
        Optional<GeneratorSet> set = vars.generators(ws);
        if (set.isEmpty() || set.get().ordered().stream().flatMap(g -> g.files().stream()).noneMatch(FileSpec::deploy)) {
            return;
        }
        if (ws.provider() == null) {
            throw new Refused("vars: workspace " + ws.name() + " has secrets to deliver but no provider, so no machine to give them to");
        }
        Map<String, JsonNode> outputs = outputs(ws);
        if (!outputs.containsKey("vm_id") || !outputs.containsKey("node")) {
            throw new Refused("vars: template " + ws.template() + " does not output vm_id and node, so the secrets have no machine");
        }
        int vmid = outputs.get("vm_id").asInt();
        String node = outputs.get("node").asText();
        var outcome = delivery.issue(WorkspaceVars.deployment(ws), set.get(), options);
        if (outcome instanceof DeliveryOutcome.NotReady n) {
            throw new Refused("vars: nothing delivered: " + String.join("; ", n.reasons()));
        }
        var issued = (DeliveryOutcome.Issued) outcome;
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("openbao", machineOpenBao.toString());
        envelope.put("wrapping_token", issued.token().wrappingToken());
        envelope.put("expires_at", issued.token().created().plus(issued.token().ttl()).toString());
        envelope.set("plan", issued.plan().toJson());
        Provider provider = providers.get(ws.provider()).orElseThrow(() ->
                new Refused("vars: provider " + ws.provider() + " of workspace " + ws.name() + " is gone"));
        try {
            providers.client(provider).writeGuestFile(node, vmid, GUEST_FILE, envelope.toString());
        } catch (ProxmoxException e) {
            throw new Refused("vars: handing VM " + vmid + " its delivery token failed: " + e.getMessage()
                    + " (the VM needs its guest agent enabled and running: agent_enabled)");
        }
        log.accept("vars: delivered " + issued.plan().files().size() + " file(s) to VM " + vmid + " on " + node + " as a single-use"
                + " token at " + GUEST_FILE + ", to be unwrapped by " + envelope.path("expires_at").asText());
    }

    private Map<String, JsonNode> outputs(Workspace ws) {
        Map<String, JsonNode> out = new TreeMap<>();
        state.current(new WorkspaceName(ws.name()), new Principal.Internal("vars-delivery")).ifPresent(s -> {
            try {
                JSON.readTree(s.content()).path("outputs").properties().forEach(e -> out.put(e.getKey(), e.getValue().path("value")));
            } catch (IOException e) {
                // an encrypted state: no outputs to read
            }
        });
        return out;
    }
}
