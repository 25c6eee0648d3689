package dev.baozi.orchestrator.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Which resource instances one state version has that another has not, or has differently. */
public record StateDiff(long from, long to, List<String> added, List<String> removed, List<String> changed) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static StateDiff between(long fromVersion, byte[] from, long toVersion, byte[] to) {
        Map<String, JsonNode> before = instances(from);
        Map<String, JsonNode> after = instances(to);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        after.forEach((address, node) -> {
            JsonNode old = before.get(address);
            if (old == null) {
                added.add(address);
            } else if (!old.equals(node)) {
                changed.add(address);
            }
        });
        before.keySet().stream().filter(a -> !after.containsKey(a)).forEach(removed::add);
        return new StateDiff(fromVersion, toVersion, added, removed, changed);
    }

    /** The resource instance addresses in {@code state}, sorted; throws IllegalArgumentException for a state that is not JSON. */
    public static java.util.List<String> addresses(byte[] state) {
        return java.util.List.copyOf(instances(state).keySet());
    }

    /** Resource instance address (as tofu prints it) → that instance's JSON. */
    static Map<String, JsonNode> instances(byte[] state) {
        JsonNode root;
        try {
            root = JSON.readTree(state);
        } catch (IOException e) {
            throw new IllegalArgumentException("the state is not JSON (encrypted client-side?)");
        }
        Map<String, JsonNode> result = new TreeMap<>();
        for (JsonNode r : root.path("resources")) {
            String module = r.path("module").asText("");
            String base = (module.isEmpty() ? "" : module + ".")
                    + ("data".equals(r.path("mode").asText()) ? "data." : "")
                    + r.path("type").asText() + "." + r.path("name").asText();
            for (JsonNode instance : r.path("instances")) {
                JsonNode key = instance.get("index_key");
                String address = key == null ? base
                        : key.isNumber() ? base + "[" + key.asText() + "]"
                        : base + "[\"" + key.asText() + "\"]";
                result.put(address, instance);
            }
        }
        return result;
    }
}
