package dev.baozi.vars.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.vars.definition.GeneratorName;
import java.util.ArrayList;
import java.util.List;

/**
 * What a machine fetches: the KV mount and every delivered file at its committed version. It holds
 * no secret, so it can travel in cloud-init user data beside the wrapping token.
 */
public record DeliveryPlan(String mount, List<DeliveredFile> files) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public DeliveryPlan {
        files = List.copyOf(files);
    }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode().put("mount", mount);
        var list = n.putArray("files");
        files.forEach(f -> list.addObject().put("generator", f.generator().value()).put("file", f.file())
                .put("path", f.path()).put("version", f.version()));
        return n;
    }

    public static DeliveryPlan fromJson(JsonNode n) {
        List<DeliveredFile> files = new ArrayList<>();
        n.path("files").forEach(f -> files.add(new DeliveredFile(GeneratorName.of(f.path("generator").asText()),
                f.path("file").asText(), f.path("path").asText(), f.path("version").asLong())));
        return new DeliveryPlan(n.path("mount").asText(), files);
    }
}
