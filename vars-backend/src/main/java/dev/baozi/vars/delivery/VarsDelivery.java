package dev.baozi.vars.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.vars.definition.FileSpec;
import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.openbao.OpenBaoApi;
import dev.baozi.openbao.OpenBaoResponse;
import dev.baozi.vars.store.CommittedManifest;
import dev.baozi.vars.store.DeploymentName;
import dev.baozi.vars.store.OpenBaoVarsStore;
import dev.baozi.vars.store.Placement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The orchestrator's half of delivery. For a deployment it asks the token role
 * {@code baozi-vars-delivery} for an orphan, non-renewable token with only the read policy
 * {@link DeploymentPolicy} and the deployment as its entity alias (so the policy resolves to that
 * deployment's paths), a short TTL
 * and exactly as many uses as there are files to read, response-wrapped
 * ({@code X-Vault-Wrap-TTL}): the orchestrator only ever holds the wrapping token, which the
 * machine unwraps once ({@link MachineFetch}).
 */
public final class VarsDelivery {

    public static final String TOKEN_ROLE = "baozi-vars-delivery";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenBaoApi api;
    private final OpenBaoVarsStore store;
    private final String tokenRole;

    public VarsDelivery(OpenBaoApi api, OpenBaoVarsStore store, String tokenRole) {
        this.api = api;
        this.store = store;
        this.tokenRole = tokenRole;
    }

    public VarsDelivery(OpenBaoApi api, OpenBaoVarsStore store) {
        this(api, store, TOKEN_ROLE);
    }

    /** Every delivered file at its committed version, and why some have none. */
    private record Planned(DeliveryPlan plan, List<String> missing) {}

    private Planned plan(DeploymentName deployment, GeneratorSet set) {
        List<DeliveredFile> files = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (GeneratorDefinition g : set.ordered()) {
            if (g.files().stream().noneMatch(FileSpec::deploy)) {
                continue;
            }
            Placement placement = Placement.of(g, deployment);
            Optional<CommittedManifest> m = store.manifest(placement, g.name());
            for (FileSpec f : g.files()) {
                if (!f.deploy()) {
                    continue;
                }
                Long version = m.map(c -> c.manifest().files().get(f.name())).orElse(null);
                if (version == null) {
                    missing.add("generator " + g.name() + " (" + placement + ") has no committed " + f.name() + "; run generate");
                } else {
                    files.add(new DeliveredFile(g.name(), f.name(), placement.file(g.name(), f.name()), version));
                }
            }
        }
        if (files.isEmpty() && missing.isEmpty()) {
            missing.add("deployment " + deployment + " has no files to deliver");
        }
        return new Planned(new DeliveryPlan(store.mount(), files), missing);
    }

    /** Issues a wrapped token that can read each planned file once, and only its deployment's files. */
    public DeliveryOutcome issue(DeploymentName deployment, GeneratorSet set, DeliveryOptions options) {
        Planned planned = plan(deployment, set);
        if (!planned.missing().isEmpty()) {
            return new DeliveryOutcome.NotReady(planned.missing());
        }
        String policy = DeploymentPolicy.NAME;
        ObjectNode body = JSON.createObjectNode();
        body.putArray("policies").add(policy);
        // the token's entity alias is its deployment: the policy's paths resolve to it
        body.put("entity_alias", deployment.value());
        body.put("ttl", options.tokenTtl().toSeconds() + "s");
        body.put("explicit_max_ttl", options.tokenTtl().toSeconds() + "s");
        body.put("num_uses", planned.plan().files().size());
        body.put("renewable", false);
        body.put("no_default_policy", true);
        body.put("display_name", "vars-" + deployment.value());
        body.putObject("meta").put("deployment", deployment.value());
        String path = "auth/token/create/" + tokenRole;
        OpenBaoResponse r = api.send("POST", path, body, Map.of("X-Vault-Wrap-TTL", options.wrapTtl().toSeconds() + "s"))
                .requireOk("issuing the delivery token of deployment " + deployment + " through " + path);
        JsonNode wrap = r.body().path("wrap_info");
        if (!wrap.path("token").isTextual()) {
            throw new IllegalStateException("issuing the delivery token of deployment " + deployment
                    + ": OpenBao answered without wrap_info, so the token was not wrapped; refusing to use it");
        }
        WrappedToken token = new WrappedToken(wrap.path("token").asText(), wrap.path("accessor").asText(),
                wrap.path("wrapped_accessor").asText(), Duration.ofSeconds(wrap.path("ttl").asLong()),
                Instant.parse(wrap.path("creation_time").asText()));
        return new DeliveryOutcome.Issued(token, planned.plan(), policy);
    }
}
