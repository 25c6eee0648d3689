package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An OpenTofu variable type Baozi can check before a run: primitives, and lists, sets and maps of them. */
public sealed interface VariableType {

    /** Whether {@code value} has this type; null means "no value". */
    boolean accepts(JsonNode value);

    String describe();

    record Primitive(String name) implements VariableType {
        @Override
        public boolean accepts(JsonNode v) {
            return switch (name) {
                case "string" -> v.isTextual();
                case "number" -> v.isNumber();
                case "bool" -> v.isBoolean();
                default -> false;
            };
        }

        @Override
        public String describe() {
            return name;
        }
    }

    record Collection(String kind, VariableType element) implements VariableType {
        @Override
        public boolean accepts(JsonNode v) {
            if (kind.equals("map")) {
                if (!v.isObject()) {
                    return false;
                }
                for (JsonNode e : v) {
                    if (!element.accepts(e)) {
                        return false;
                    }
                }
                return true;
            }
            if (!v.isArray()) {
                return false;
            }
            for (JsonNode e : v) {
                if (!element.accepts(e)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String describe() {
            return kind + "(" + element.describe() + ")";
        }
    }

    record Any() implements VariableType {
        @Override
        public boolean accepts(JsonNode v) {
            return true;
        }

        @Override
        public String describe() {
            return "any";
        }
    }

    Pattern COLLECTION = Pattern.compile("(list|set|map)\\((.+)\\)");

    /** Parses a type expression as written in variables.tf.json ({@code "list(string)"}). */
    static VariableType parse(String expression) {
        String e = expression.replace("${", "").replace("}", "").strip();
        switch (e) {
            case "string", "number", "bool" -> {
                return new Primitive(e);
            }
            case "any", "" -> {
                return new Any();
            }
            default -> {
                Matcher m = COLLECTION.matcher(e);
                if (m.matches()) {
                    return new Collection(m.group(1), parse(m.group(2)));
                }
                throw new IllegalArgumentException("unsupported variable type '" + expression
                        + "' (Baozi checks string, number, bool, any, and list/set/map of those)");
            }
        }
    }
}
