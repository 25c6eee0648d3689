package dev.baozi.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.run.PlanJson;
import dev.baozi.ui.view.RunView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a stored plan ({@link PlanJson}) into what the run page shows: resources grouped by action
 * and, for each, every attribute's before and after as text. Values the plan already masked show
 * as "(sensitive)"; values tofu learns only while applying show as "(known after apply)", never as
 * the empty {@code {}}, {@code []} or {@code null} the plan holds in their place.
 */
public final class PlanPresenter {

    static final String UNKNOWN = "(known after apply)";
    private static final List<String[]> GROUPS = List.of(
            new String[] {"create", "Create"},
            new String[] {"update", "Update in place"},
            new String[] {"replace", "Replace"},
            new String[] {"delete", "Destroy"},
            new String[] {"import", "Import only"});

    private PlanPresenter() {}

    public static RunView.Plan present(JsonNode plan) {
        JsonNode summary = plan.path("summary");
        List<RunView.Group> groups = new ArrayList<>();
        for (String[] group : GROUPS) {
            List<RunView.Resource> resources = new ArrayList<>();
            for (JsonNode change : plan.path("resource_changes")) {
                if (change.path("action").asText().equals(group[0])) {
                    resources.add(resource(change));
                }
            }
            if (!resources.isEmpty()) {
                groups.add(new RunView.Group(group[0], group[1], resources));
            }
        }
        List<RunView.Output> outputs = new ArrayList<>();
        plan.path("output_changes").fields().forEachRemaining(e -> {
            String action = e.getValue().path("action").asText();
            if (!action.equals("no-op")) {
                outputs.add(new RunView.Output(e.getKey(), action, text(e.getValue().get("before")),
                        text(withUnknowns(e.getValue().get("after"), e.getValue().get("after_unknown")))));
            }
        });
        int imports = summary.has("imports") ? summary.path("imports").asInt() : 0;
        return new RunView.Plan(summary.path("adds").asInt(), summary.path("changes").asInt(),
                summary.path("replaces").asInt(), summary.path("destroys").asInt(), imports, groups, outputs);
    }

    static RunView.Resource resource(JsonNode change) {
        Map<String, String> before = flatten(change.get("before"));
        Map<String, String> after = flatten(change.get("after"));
        for (String path : unknownPaths(change.get("after_unknown"))) {
            // the placeholder the plan holds for a block whose parts are unknown is not a value
            after.keySet().removeIf(p -> isAncestor(p, path) && PLACEHOLDERS.contains(after.get(p)));
            after.put(path, UNKNOWN);
        }
        Set<String> paths = new LinkedHashSet<>(after.keySet());
        paths.addAll(before.keySet());
        List<RunView.Attribute> attributes = new ArrayList<>();
        for (String path : paths) {
            String b = before.getOrDefault(path, "");
            String a = after.getOrDefault(path, "");
            attributes.add(new RunView.Attribute(path, b, a, !Objects.equals(b, a)));
        }
        List<String> replacedBy = new ArrayList<>();
        for (JsonNode path : change.path("replace_paths")) {
            List<String> parts = new ArrayList<>();
            path.forEach(p -> parts.add(p.asText()));
            replacedBy.add(String.join(".", parts));
        }
        return new RunView.Resource(change.path("address").asText(), change.path("action").asText(), attributes, replacedBy,
                change.has("importing") ? change.path("importing").asText() : null);
    }

    /**
     * {@code value} with every part {@code unknown} marks true put in as "(known after apply)": the
     * whole value when it is all unknown, else the parts, in the places the plan left empty.
     */
    static JsonNode withUnknowns(JsonNode value, JsonNode unknown) {
        if (unknown == null || unknown.isNull() || unknown.isMissingNode()) {
            return value;
        }
        if (unknown.isBoolean()) {
            return unknown.asBoolean() ? com.fasterxml.jackson.databind.node.TextNode.valueOf(UNKNOWN) : value;
        }
        if (unknown.isObject()) {
            var out = value != null && value.isObject() ? ((com.fasterxml.jackson.databind.node.ObjectNode) value).deepCopy()
                    : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            unknown.properties().forEach(e -> out.set(e.getKey(), withUnknowns(out.get(e.getKey()), e.getValue())));
            return out;
        }
        if (unknown.isArray()) {
            var out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < Math.max(unknown.size(), value != null && value.isArray() ? value.size() : 0); i++) {
                JsonNode v = value != null && value.isArray() ? value.get(i) : null;
                JsonNode part = withUnknowns(v, unknown.get(i));
                out.add(part == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : part);
            }
            return out;
        }
        return value;
    }

    private static final Set<String> PLACEHOLDERS = Set.of("{}", "[]", "null");

    private static boolean isAncestor(String path, String of) {
        return of.startsWith(path) && of.length() > path.length() && (of.charAt(path.length()) == '.' || of.charAt(path.length()) == '[');
    }

    /** Every leaf of {@code value} by its path ({@code a.b[0].c}); empty for null or absent. */
    static Map<String, String> flatten(JsonNode value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            flatten(value, "", out);
        }
        return out;
    }

    private static void flatten(JsonNode value, String path, Map<String, String> out) {
        if (value.isObject() && !value.isEmpty()) {
            value.fields().forEachRemaining(e -> flatten(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
        } else if (value.isArray() && !value.isEmpty()) {
            for (int i = 0; i < value.size(); i++) {
                flatten(value.get(i), path + "[" + i + "]", out);
            }
        } else {
            out.put(path.isEmpty() ? "(value)" : path, text(value));
        }
    }

    /** The paths {@code after_unknown} marks true. */
    private static Set<String> unknownPaths(JsonNode unknown) {
        Set<String> paths = new LinkedHashSet<>();
        if (unknown != null) {
            collectUnknown(unknown, "", paths);
        }
        return paths;
    }

    private static void collectUnknown(JsonNode node, String path, Set<String> paths) {
        if (node.isBoolean() && node.asBoolean()) {
            paths.add(path.isEmpty() ? "(value)" : path);
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> collectUnknown(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), paths));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectUnknown(node.get(i), path + "[" + i + "]", paths);
            }
        }
    }

    /**
     * A value as a reviewer reads it: JSON, except the sensitive and unknown markers, which are not
     * strings the resource has.
     */
    static String text(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "";
        }
        if (value.isTextual() && (value.asText().equals(PlanJson.SENSITIVE) || value.asText().equals(UNKNOWN))) {
            return value.asText();
        }
        return value.toString();
    }
}
