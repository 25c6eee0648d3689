package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What Baozi adds to a workspace's generated directory for one run, beside the workspace's own
 * inputs: values of the template's supplied variables (an address it reserved, say) and
 * {@code import} blocks that hand existing objects to tofu ({@code to} is an address inside the
 * template's module). Recorded with the run, so its apply generates the same bytes as its plan.
 */
public record Supplied(Map<String, JsonNode> inputs, List<Import> imports) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final Supplied NONE = new Supplied(Map.of(), List.of());

    public Supplied {
        inputs = new TreeMap<>(inputs);
        imports = List.copyOf(imports);
    }

    /** An import of the object {@code id} into the resource at {@code to} (relative to the template's module). */
    public record Import(String to, String id) {}

    /** As stored with a run. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode in = root.putObject("inputs");
        inputs.forEach(in::set);
        var list = root.putArray("imports");
        imports.forEach(i -> list.addObject().put("to", i.to()).put("id", i.id()));
        return root.toString();
    }

    public static Supplied fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            Map<String, JsonNode> in = new TreeMap<>();
            root.path("inputs").properties().forEach(e -> in.put(e.getKey(), e.getValue()));
            List<Import> imports = new ArrayList<>();
            root.path("imports").forEach(i -> imports.add(new Import(i.path("to").asText(), i.path("id").asText())));
            return new Supplied(in, imports);
        } catch (IOException e) {
            throw new IllegalStateException("a run's supplied values are not JSON: " + e.getMessage(), e);
        }
    }

    public boolean isEmpty() {
        return inputs.isEmpty() && imports.isEmpty();
    }
}
