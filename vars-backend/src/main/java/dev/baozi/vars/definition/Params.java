package dev.baozi.vars.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one generator's {@code params} object, recording a problem (naming the generator and
 * the parameter) for each bad value instead of stopping at the first, and any parameter the kind
 * does not know.
 */
final class Params {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private final String generator;
    private final String kind;
    private final JsonNode node;
    private final List<DefinitionProblem> problems;
    private final Set<String> known = new LinkedHashSet<>();

    Params(String generator, String kind, JsonNode node, List<DefinitionProblem> problems) {
        this.generator = generator;
        this.kind = kind;
        this.node = node;
        this.problems = problems;
    }

    void problem(String message) {
        problems.add(new DefinitionProblem(generator, message));
    }

    int integer(String key, int fallback, int min, int max) {
        known.add(key);
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            problem("params." + key + " must be a whole number between " + min + " and " + max + ", not " + v);
            return fallback;
        }
        int i = v.intValue();
        if (i < min || i > max) {
            problem("params." + key + " is " + i + "; it must be between " + min + " and " + max);
            return fallback;
        }
        return i;
    }

    /** A text value; {@code fallback} null means the parameter is required. */
    String text(String key, String fallback) {
        known.add(key);
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            if (fallback == null) {
                problem("params." + key + " is required for kind " + kind);
                return "";
            }
            return fallback;
        }
        if (!v.isTextual()) {
            problem("params." + key + " must be text, not " + v.getNodeType().name().toLowerCase());
            return fallback == null ? "" : fallback;
        }
        return v.asText();
    }

    List<String> texts(String key) {
        known.add(key);
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            problem("params." + key + " must be a list of text");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().isBlank()) {
                problem("params." + key + " must be a list of non-empty text, not " + v);
                return List.of();
            }
            out.add(item.asText());
        }
        return out;
    }

    Duration duration(String key, Duration fallback, Duration min, Duration max) {
        known.add(key);
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(v.asText());
        if (!v.isTextual() || !m.matches()) {
            problem("params." + key + " must be a duration such as 30s, 500ms, 5m or 1h, not " + v);
            return fallback;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problem("params." + key + " is " + v.asText() + "; it must be between " + min.toMillis() + "ms and "
                    + max.toSeconds() + "s");
            return fallback;
        }
        return d;
    }

    KeyType keyType(String key, KeyType fallback) {
        String id = text(key, fallback.id());
        KeyType t = KeyType.fromId(id);
        if (t == null) {
            problem("params." + key + " is \"" + id + "\"; it must be one of " + KeyType.ids());
            return fallback;
        }
        return t;
    }

    /** Records a problem for every parameter that no read asked for. */
    void rejectUnknown() {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            problem("params must be an object");
            return;
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problem("unknown parameter params." + name + " for kind " + kind
                        + (known.isEmpty() ? " (it takes none)" : " (known: " + String.join(", ", known) + ")"));
            }
        });
    }
}
