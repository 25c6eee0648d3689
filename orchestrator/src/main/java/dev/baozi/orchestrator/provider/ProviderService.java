package dev.baozi.orchestrator.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.Principal;
import dev.baozi.openbao.KvV2;
import dev.baozi.orchestrator.proxmox.ApiToken;
import dev.baozi.orchestrator.proxmox.ProxmoxClient;
import dev.baozi.orchestrator.proxmox.ProxmoxException;
import dev.baozi.orchestrator.proxmox.ProxmoxNode;
import dev.baozi.orchestrator.proxmox.ProxmoxVersion;
import dev.baozi.orchestrator.proxmox.Vm;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Creates (after checking the cluster answers with the token), lists and deletes providers, keeps
 * each one's token secret in OpenBao at {@code <kv-mount>/providers/<name>/proxmox-token}, and hands
 * out clients of their Proxmox APIs.
 */
public final class ProviderService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProviderRepository providers;
    private final KvV2 kv;
    private final AuditRepository audit;
    private final Supplier<Set<String>> workspaceNames;
    private final Clock clock;

    public ProviderService(ProviderRepository providers, KvV2 kv, AuditRepository audit, Supplier<Set<String>> workspaceNames,
            Clock clock) {
        this.providers = providers;
        this.kv = kv;
        this.audit = audit;
        this.workspaceNames = workspaceNames;
        this.clock = clock;
    }

    /** What a create request came to. */
    public sealed interface CreateOutcome {
        /** Saved; {@code version} is what the cluster reported when it was checked. */
        record Created(Provider provider, Optional<ProxmoxVersion> version) implements CreateOutcome {}

        record Invalid(List<String> problems) implements CreateOutcome {}

        record Exists(String name) implements CreateOutcome {}

        /** The cluster answered but refused or contradicted the settings (token, TLS, node, template): fix the request. */
        record Rejected(String reason) implements CreateOutcome {}

        /** The cluster could not be reached or failed: nothing was saved, try again later or with {@code check: false}. */
        record Unreachable(String reason) implements CreateOutcome {}
    }

    /** What a delete came to. */
    public sealed interface DeleteOutcome {
        record Deleted(String name) implements DeleteOutcome {}

        record NotFound(String name) implements DeleteOutcome {}
    }

    public CreateOutcome create(ProviderRequest.Parsed request, Principal by) {
        if (request instanceof ProviderRequest.Parsed.Invalid invalid) {
            return new CreateOutcome.Invalid(invalid.problems());
        }
        var valid = (ProviderRequest.Parsed.Valid) request;
        NewProvider p = valid.provider();
        if (providers.byName(p.name()).isPresent()) {
            return new CreateOutcome.Exists(p.name());
        }
        Optional<ProxmoxVersion> version = Optional.empty();
        if (valid.check()) {
            CheckOutcome checked = check(p);
            switch (checked) {
                case CheckOutcome.Passed passed -> version = Optional.of(passed.version());
                case CheckOutcome.Rejected r -> {
                    audit.record(by.name(), "provider.create", p.name(), "422", r.reason());
                    return new CreateOutcome.Rejected(r.reason());
                }
                case CheckOutcome.Unreachable u -> {
                    audit.record(by.name(), "provider.create", p.name(), "502", u.reason());
                    return new CreateOutcome.Unreachable(u.reason());
                }
            }
        }
        Provider created;
        try {
            created = providers.insert(p, by.name(), OffsetDateTime.now(clock));
        } catch (org.jooq.exception.DataAccessException e) {
            if (providers.byName(p.name()).isPresent()) {
                return new CreateOutcome.Exists(p.name()); // another request made it meanwhile
            }
            throw e;
        }
        try {
            kv.put(secretPath(p.name()), JSON.createObjectNode().put("token_id", p.token().tokenId()).put("secret", p.token().secret()));
        } catch (RuntimeException e) {
            providers.delete(p.name()); // nothing half-made: no provider without its secret
            throw e;
        }
        audit.record(by.name(), "provider.create", p.name(), "201", p.endpoint() + " as " + p.token().tokenId() + ", TLS "
                + p.tls().mode() + version.map(v -> ", Proxmox " + v.version()).orElse(", not checked"));
        return new CreateOutcome.Created(created, version);
    }

    /** The outcome of asking the cluster before saving. */
    private sealed interface CheckOutcome {
        record Passed(ProxmoxVersion version) implements CheckOutcome {}

        record Rejected(String reason) implements CheckOutcome {}

        record Unreachable(String reason) implements CheckOutcome {}
    }

    /** Reads the version with the token, then checks the default node and the template exist. */
    private CheckOutcome check(NewProvider p) {
        ProxmoxClient client = ProxmoxClient.connect(p.endpoint(), p.token(), p.tls());
        try {
            ProxmoxVersion version = client.version();
            List<ProxmoxNode> nodes = client.nodes();
            if (nodes.stream().noneMatch(n -> n.name().equals(p.defaultNode()))) {
                return new CheckOutcome.Rejected("default_node: Proxmox at " + client.endpoint() + " has no node '" + p.defaultNode()
                        + "' (it has: " + String.join(", ", nodes.stream().map(ProxmoxNode::name).toList()) + ")");
            }
            if (p.templateVmid().isPresent()) {
                int vmid = p.templateVmid().getAsInt();
                Optional<Vm> template = client.vms().stream().filter(v -> v.vmid() == vmid).findFirst();
                if (template.isEmpty()) {
                    return new CheckOutcome.Rejected("template_vmid: Proxmox at " + client.endpoint() + " has no VM " + vmid
                            + " (or the token may not see it)");
                }
                if (!template.get().template()) {
                    return new CheckOutcome.Rejected("template_vmid: VM " + vmid + " (" + template.get().name()
                            + ") is not a template; convert it to one in Proxmox first");
                }
            }
            return new CheckOutcome.Passed(version);
        } catch (ProxmoxException e) {
            return switch (e) {
                case ProxmoxException.Unreachable u when u.tlsProblem().isPresent() -> new CheckOutcome.Rejected(e.getMessage());
                case ProxmoxException.Unreachable u -> new CheckOutcome.Unreachable(e.getMessage());
                case ProxmoxException.ServerError s -> new CheckOutcome.Unreachable(e.getMessage());
                case ProxmoxException.UnexpectedAnswer a -> new CheckOutcome.Unreachable(e.getMessage());
                case ProxmoxException.TokenRefused t -> new CheckOutcome.Rejected(e.getMessage());
                case ProxmoxException.BadRequest b -> new CheckOutcome.Rejected(e.getMessage());
                case ProxmoxException.Refused r -> new CheckOutcome.Rejected(e.getMessage());
                case ProxmoxException.TaskFailed f -> new CheckOutcome.Rejected(e.getMessage()); // the check starts no task
                case ProxmoxException.TaskUnfinished u -> new CheckOutcome.Unreachable(e.getMessage());
            };
        }
    }

    public List<Provider> all() {
        return providers.all();
    }

    public Optional<Provider> get(String name) {
        return providers.byName(name);
    }

    /** Deletes the provider and its token secret. */
    public DeleteOutcome delete(String name, Principal by) {
        if (!providers.delete(name)) {
            return new DeleteOutcome.NotFound(name);
        }
        kv.deleteAll(secretPath(name));
        audit.record(by.name(), "provider.delete", name, "204", "token secret destroyed in OpenBao");
        return new DeleteOutcome.Deleted(name);
    }

    /** A client of the provider's Proxmox API, with its token secret read from OpenBao. */
    public ProxmoxClient client(Provider provider) {
        String secret = kv.read(secretPath(provider.name())).map(e -> e.text("secret")).orElseThrow(() -> new IllegalStateException(
                "provider " + provider.name() + " has no API token secret in OpenBao at providers/" + provider.name()
                        + "/proxmox-token; delete and create the provider again"));
        return ProxmoxClient.connect(provider.endpoint(), new ApiToken(provider.tokenId(), secret), provider.tls());
    }

    /** The provider's nodes and QEMU VMs now, each VM marked with whether Baozi manages it. */
    public Inventory inventory(Provider provider) {
        ProxmoxClient client = client(provider);
        return Inventory.of(provider.name(), client.nodes(), client.vms(), workspaceNames.get());
    }

    /** Where the provider's token secret is kept, under the orchestrator's KV mount. */
    public static String secretPath(String provider) {
        return "providers/" + provider + "/proxmox-token";
    }
}
