package dev.baozi.orchestrator.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The inputs of a deployment Baozi reads itself: its host name, aliases, DNS TTL and pool. */
record DeploymentInputs(String hostname, List<String> aliases, int ttl, String pool) {

    static DeploymentInputs of(JsonNode inputs, int defaultTtl) {
        List<String> aliases = new ArrayList<>();
        inputs.path("aliases").forEach(a -> aliases.add(a.asText().strip().toLowerCase(Locale.ROOT)));
        return new DeploymentInputs(inputs.path("hostname").asText("").strip().toLowerCase(Locale.ROOT), aliases,
                inputs.path("dns_ttl").asInt(defaultTtl), inputs.path("pool").asText(""));
    }

    /** Every DNS name the deployment uses. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(hostname);
        names.addAll(aliases);
        return names;
    }
}
