package dev.baozi.orchestrator.provider;

import dev.baozi.orchestrator.auth.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.proxmox.ProxmoxException;
import dev.baozi.orchestrator.proxmox.ProxmoxNode;
import dev.baozi.orchestrator.proxmox.TlsSettings;
import dev.baozi.orchestrator.proxmox.Vm;
import dev.baozi.orchestrator.web.ErrorBody;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/v1/providers}: list, create (checked against the cluster unless {@code check: false}),
 * delete, and a provider's inventory. No answer ever holds a token secret.
 */
public final class ProviderController {

    private final ProviderService service;

    public ProviderController(ProviderService service) {
        this.service = service;
    }

    public void list(Context ctx) {
        ctx.json(Map.of("providers", service.all().stream().map(ProviderController::view).toList()));
    }

    public void create(Context ctx) {
        JsonNode body;
        try {
            body = ctx.bodyAsClass(JsonNode.class);
        } catch (RuntimeException e) {
            throw new BadRequestResponse("the body must be a JSON object with name, endpoint, token_id, token_secret and default_node");
        }
        var outcome = service.create(ProviderRequest.parse(body), Caller.principal(ctx));
        switch (outcome) {
            case ProviderService.CreateOutcome.Created c -> {
                Map<String, Object> view = view(c.provider());
                view.put("checked", c.version().isPresent());
                view.put("proxmox_version", c.version().map(v -> v.version()).orElse(null));
                ctx.status(HttpStatus.CREATED).json(view);
            }
            case ProviderService.CreateOutcome.Invalid i -> ctx.status(HttpStatus.BAD_REQUEST)
                    .json(Map.of("error", String.join("; ", i.problems()), "problems", i.problems()));
            case ProviderService.CreateOutcome.Exists e -> ctx.status(HttpStatus.CONFLICT)
                    .json(new ErrorBody("provider " + e.name() + " already exists; delete it first to change it"));
            case ProviderService.CreateOutcome.Rejected r -> ctx.status(HttpStatus.UNPROCESSABLE_CONTENT)
                    .json(new ErrorBody("checking the provider, nothing was saved: " + r.reason()));
            case ProviderService.CreateOutcome.Unreachable u -> ctx.status(HttpStatus.BAD_GATEWAY)
                    .json(new ErrorBody("checking the provider, nothing was saved: " + u.reason()
                            + " (retry, or send \"check\": false to save it unchecked)"));
        }
    }

    public void delete(Context ctx) {
        switch (service.delete(name(ctx), Caller.principal(ctx))) {
            case ProviderService.DeleteOutcome.Deleted d -> ctx.status(HttpStatus.NO_CONTENT);
            case ProviderService.DeleteOutcome.NotFound n -> throw new NotFoundResponse("no provider named " + n.name());
        }
    }

    public void inventory(Context ctx) {
        String name = name(ctx);
        Provider provider = service.get(name).orElseThrow(() -> new NotFoundResponse("no provider named " + name));
        Inventory inventory;
        try {
            inventory = service.inventory(provider);
        } catch (ProxmoxException e) {
            ctx.status(HttpStatus.BAD_GATEWAY).json(new ErrorBody("reading the inventory of provider " + name + ": " + e.getMessage()));
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", inventory.provider());
        m.put("nodes", inventory.nodes().stream().map(ProviderController::node).toList());
        m.put("vms", inventory.vms().stream().map(ProviderController::vm).toList());
        ctx.json(m);
    }

    private static String name(Context ctx) {
        String name = ctx.pathParam("name");
        if (!ProviderRequest.isValidName(name)) {
            throw new BadRequestResponse(ProviderRequest.NAME_RULE);
        }
        return name;
    }

    static Map<String, Object> view(Provider p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("endpoint", p.endpoint().toString());
        m.put("token_id", p.tokenId());
        m.put("tls", tls(p.tls()));
        m.put("default_node", p.defaultNode());
        m.put("template_vmid", p.templateVmid().isPresent() ? p.templateVmid().getAsInt() : null);
        m.put("backup_storage", p.backupStorage());
        m.put("created_by", p.createdBy());
        m.put("created_at", p.createdAt());
        return m;
    }

    private static Map<String, Object> tls(TlsSettings tls) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", tls.mode());
        switch (tls) {
            case TlsSettings.PinnedFingerprint pin -> m.put("fingerprint", pin.sha256());
            case TlsSettings.CaCertificate ca -> {
                X509Certificate first = ca.certificates().getFirst();
                m.put("ca_subject", first.getSubjectX500Principal().getName());
                m.put("ca_fingerprint", sha256(first));
            }
            case TlsSettings.SystemTrust s -> { }
            case TlsSettings.Insecure i -> m.put("warning", "certificate verification is off for this provider");
        }
        return m;
    }

    private static String sha256(X509Certificate c) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("hashing the CA certificate", e);
        }
    }

    private static Map<String, Object> node(ProxmoxNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", n.name());
        m.put("status", n.status());
        m.put("cpu", n.cpu());
        m.put("maxcpu", n.maxcpu());
        m.put("mem", n.mem());
        m.put("maxmem", n.maxmem());
        m.put("uptime", n.uptime());
        return m;
    }

    private static Map<String, Object> vm(Inventory.ManagedVm managed) {
        Vm v = managed.vm();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vmid", v.vmid());
        m.put("name", v.name());
        m.put("node", v.node());
        m.put("status", v.status());
        m.put("template", v.template());
        m.put("cpus", v.cpus());
        m.put("maxmem", v.maxmem());
        m.put("maxdisk", v.maxdisk());
        m.put("uptime", v.uptime());
        m.put("tags", v.tags());
        m.put("managed", managed.managed());
        return m;
    }
}
