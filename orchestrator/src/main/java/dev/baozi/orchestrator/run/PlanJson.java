package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * Turns {@code tofu show -json <planfile>} into the plan Baozi stores and shows: each resource
 * change with one action (create, update, replace, delete, read) and its before/after values,
 * every value tofu marks sensitive replaced by {@code "(sensitive)"} — and that value wherever
 * else it stands in the plan, since tofu loses the mark on attributes a provider computes from a
 * sensitive one (terraform_data's {@code output} from its {@code input}, say). Input variables,
 * prior state and configuration are dropped: they can hold secrets and a reviewer does not need them.
 */
public final class PlanJson {

    public static final String SENSITIVE = "(sensitive)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanJson() {}

    /** The stored plan and its counts. */
    public record Reviewed(ObjectNode plan, PlanSummary summary) {}

    public static Reviewed review(byte[] showJson) {
        JsonNode raw;
        try {
            raw = JSON.readTree(showJson);
        } catch (IOException e) {
            String start = new String(showJson, 0, Math.min(showJson.length, 200), java.nio.charset.StandardCharsets.UTF_8);
            throw new IllegalStateException("tofu show -json printed something that is not JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "), starting with: " + start, e);
        }
        ObjectNode plan = JSON.createObjectNode();
        plan.put("format_version", raw.path("format_version").asText());
        plan.put("terraform_version", raw.path("terraform_version").asText());
        ArrayNode changes = plan.putArray("resource_changes");
        int adds = 0;
        int updates = 0;
        int deletes = 0;
        int replaces = 0;
        int imports = 0;
        for (JsonNode rc : raw.path("resource_changes")) {
            String action = action(rc.path("change").path("actions"));
            boolean importing = rc.path("change").has("importing");
            if (importing) {
                imports++;
            }
            switch (action) {
                case "create" -> adds++;
                case "update" -> updates++;
                case "delete" -> deletes++;
                case "replace" -> replaces++;
                case "no-op" -> {
                    if (!importing) {
                        continue; // nothing to review
                    }
                    action = "import"; // only brought under management: still worth a reviewer's look
                }
                default -> {
                    continue; // read: nothing to review
                }
            }
            JsonNode change = rc.path("change");
            ObjectNode out = changes.addObject();
            out.put("address", rc.path("address").asText());
            if (rc.hasNonNull("module_address")) {
                out.put("module_address", rc.path("module_address").asText());
            }
            out.put("type", rc.path("type").asText());
            out.put("name", rc.path("name").asText());
            out.put("action", action);
            if (importing) {
                out.put("importing", change.path("importing").path("id").asText(""));
            }
            out.set("before", mask(change.get("before"), change.get("before_sensitive")));
            out.set("after", mask(change.get("after"), change.get("after_sensitive")));
            out.set("after_unknown", change.path("after_unknown").deepCopy());
            if (change.has("replace_paths")) {
                out.set("replace_paths", change.get("replace_paths").deepCopy());
            }
        }
        ObjectNode outputs = plan.putObject("output_changes");
        raw.path("output_changes").fields().forEachRemaining(e -> {
            JsonNode change = e.getValue();
            ObjectNode out = outputs.putObject(e.getKey());
            out.put("action", action(change.path("actions")));
            out.set("before", mask(change.get("before"), change.get("before_sensitive")));
            out.set("after", mask(change.get("after"), change.get("after_sensitive")));
            if (change.has("after_unknown")) {
                out.set("after_unknown", change.get("after_unknown").deepCopy());
            }
        });
        Set<String> marked = new HashSet<>();
        for (JsonNode rc : raw.path("resource_changes")) {
            collect(rc.path("change").get("before"), rc.path("change").get("before_sensitive"), false, marked);
            collect(rc.path("change").get("after"), rc.path("change").get("after_sensitive"), false, marked);
        }
        raw.path("output_changes").forEach(change -> {
            collect(change.get("before"), change.get("before_sensitive"), false, marked);
            collect(change.get("after"), change.get("after_sensitive"), false, marked);
        });
        marked.removeIf(v -> v.length() < MIN_SECRET);
        if (!marked.isEmpty()) {
            plan.set("resource_changes", scrub(plan.get("resource_changes"), marked));
            plan.set("output_changes", scrub(plan.get("output_changes"), marked));
        }
        var summary = new PlanSummary(adds, updates, deletes, replaces);
        plan.set("summary", ((ObjectNode) JSON.valueToTree(summary)).put("imports", imports));
        return new Reviewed(plan, summary);
    }

    static String action(JsonNode actions) {
        List<String> list = new ArrayList<>();
        actions.forEach(a -> list.add(a.asText()));
        if (list.contains("delete") && list.contains("create")) {
            return "replace";
        }
        return list.isEmpty() ? "no-op" : list.getFirst();
    }

    /** Shorter values marked sensitive (a "1", a "true") are masked where marked, but not hunted elsewhere. */
    private static final int MIN_SECRET = 4;

    /** Every scalar of {@code value} that {@code sensitivity} marks (or that lies under a marked part), as text. */
    private static void collect(JsonNode value, JsonNode sensitivity, boolean under, Set<String> into) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        boolean marked = under || (sensitivity != null && sensitivity.isBoolean() && sensitivity.asBoolean());
        if (value.isObject()) {
            value.fields().forEachRemaining(e -> collect(e.getValue(), sensitivity == null ? null : sensitivity.get(e.getKey()),
                    marked, into));
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                collect(value.get(i), sensitivity == null ? null : sensitivity.get(i), marked, into);
            }
        } else if (marked) {
            into.add(value.asText());
        }
    }

    /** {@code node} with every string that is, or contains, one of {@code secrets} masked. */
    private static JsonNode scrub(JsonNode node, Set<String> secrets) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), scrub(e.getValue(), secrets)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(e -> out.add(scrub(e, secrets)));
            return out;
        }
        if (node.isValueNode() && !node.isNull() && secrets.contains(node.asText())) {
            return TextNode.valueOf(SENSITIVE);
        }
        if (node.isTextual()) {
            String text = node.asText();
            for (String secret : secrets) {
                text = text.replace(secret, SENSITIVE);
            }
            return TextNode.valueOf(text);
        }
        return node;
    }

    /** {@code value} with every part that {@code sensitivity} marks true replaced by "(sensitive)". */
    static JsonNode mask(JsonNode value, JsonNode sensitivity) {
        if (value == null || value.isNull()) {
            return value == null ? JSON.nullNode() : value;
        }
        if (sensitivity == null || sensitivity.isNull() || sensitivity.isMissingNode()) {
            return value.deepCopy();
        }
        if (sensitivity.isBoolean()) {
            return sensitivity.asBoolean() ? TextNode.valueOf(SENSITIVE) : value.deepCopy();
        }
        if (value.isObject() && sensitivity.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            value.fields().forEachRemaining(e -> out.set(e.getKey(), mask(e.getValue(), sensitivity.get(e.getKey()))));
            return out;
        }
        if (value.isArray() && sensitivity.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            for (int i = 0; i < value.size(); i++) {
                out.add(mask(value.get(i), sensitivity.get(i)));
            }
            return out;
        }
        return value.deepCopy();
    }
}
