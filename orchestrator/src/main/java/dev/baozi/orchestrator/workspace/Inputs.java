package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks a workspace's input values against its template's declared variables. */
public final class Inputs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Inputs() {}

    /** Every problem with {@code inputs}, each naming its variable; empty when they fit the template. */
    public static List<String> problems(Template template, JsonNode inputs) {
        List<String> problems = new ArrayList<>();
        if (inputs == null || !inputs.isObject()) {
            problems.add("inputs must be a JSON object of variable names to values");
            return problems;
        }
        Map<String, TemplateVariable> declared = new TreeMap<>();
        template.variables().forEach(v -> declared.put(v.name(), v));
        Iterator<String> names = inputs.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            TemplateVariable v = declared.get(name);
            JsonNode value = inputs.get(name);
            if (v != null && template.supplied().contains(name)) {
                problems.add("variable " + name + ": Baozi supplies it itself; leave it out");
            } else if (v == null) {
                problems.add("variable " + name + ": template " + template.name() + " declares no such variable"
                        + (declared.isEmpty() ? "" : " (it has: " + String.join(", ", declared.keySet()) + ")"));
            } else if (value.isNull()) {
                problems.add("variable " + name + ": null is not a value; leave it out to use the default");
            } else if (!v.type().accepts(value)) {
                problems.add("variable " + name + ": must be " + v.type().describe() + ", got " + kind(value));
            }
        }
        for (TemplateVariable v : template.variables()) {
            if (v.required() && !inputs.has(v.name()) && !template.supplied().contains(v.name())) {
                problems.add("variable " + v.name() + ": required by template " + template.name() + " and missing");
            }
        }
        return problems;
    }

    /** Inputs split by where they are kept: {@code open} in the database, {@code sensitive} in OpenBao. */
    public record Split(ObjectNode open, ObjectNode sensitive) {}

    /**
     * Splits {@code inputs} by the template's {@code sensitive} flags, each half canonical. A
     * value of a variable the template does not declare counts as sensitive: nobody said it may be shown.
     */
    public static Split split(Template template, JsonNode inputs) {
        ObjectNode open = JSON.createObjectNode();
        ObjectNode sensitive = JSON.createObjectNode();
        if (inputs != null) {
            Map<String, TemplateVariable> declared = new TreeMap<>();
            template.variables().forEach(v -> declared.put(v.name(), v));
            inputs.properties().forEach(e -> {
                TemplateVariable v = declared.get(e.getKey());
                (v == null || v.sensitive() ? sensitive : open).set(e.getKey(), e.getValue());
            });
        }
        return new Split((ObjectNode) canonical(open), (ObjectNode) canonical(sensitive));
    }

    /** The same values with object keys sorted at every level, so equal inputs are equal bytes. */
    public static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            ObjectNode sorted = JSON.createObjectNode();
            var keys = new ArrayList<String>();
            node.fieldNames().forEachRemaining(keys::add);
            keys.sort(String::compareTo);
            keys.forEach(k -> sorted.set(k, canonical(node.get(k))));
            return sorted;
        }
        if (node.isArray()) {
            var array = JSON.createArrayNode();
            node.forEach(e -> array.add(canonical(e)));
            return array;
        }
        return node;
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a bool";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
