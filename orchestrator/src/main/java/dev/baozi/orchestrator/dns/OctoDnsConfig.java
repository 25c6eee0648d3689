package dev.baozi.orchestrator.dns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The octoDNS configuration of one sync: the operator's base ({@code octodns-config/baozi.yaml}:
 * the target providers and processors, and under {@code baozi:} which of them Baozi's zones use)
 * plus what Baozi sets itself: its own source provider {@code baozi} (the zone files it writes),
 * {@code manager.enable_checksum} (without it {@code --checksum} checks nothing), the JSON plan
 * output, and the one zone being synced. Built as data with Jackson.
 */
public final class OctoDnsConfig {

    static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());

    /** The name of Baozi's own source provider; a base configuration may not use it. */
    static final String SOURCE = "baozi";

    private final ObjectNode base;
    private final List<String> targets;
    private final List<String> processors;

    private OctoDnsConfig(ObjectNode base, List<String> targets, List<String> processors) {
        this.base = base;
        this.targets = targets;
        this.processors = processors;
    }

    /** Reads and checks a base configuration; every problem is named in one exception. */
    public static OctoDnsConfig load(Path file) {
        JsonNode tree;
        try {
            tree = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("the octoDNS base configuration " + file + " cannot be read: " + e.getMessage(), e);
        }
        return of(tree, file.toString());
    }

    static OctoDnsConfig of(JsonNode tree, String source) {
        List<String> problems = new ArrayList<>();
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("the octoDNS base configuration " + source + " is not a YAML mapping");
        }
        ObjectNode base = ((ObjectNode) tree).deepCopy();
        JsonNode providers = base.path("providers");
        if (!providers.isObject() || providers.isEmpty()) {
            problems.add("providers: at least one target provider is needed");
        } else if (providers.has(SOURCE)) {
            problems.add("providers: '" + SOURCE + "' is Baozi's own source provider; name yours otherwise");
        }
        List<String> targets = names(base.path(SOURCE).path("targets"));
        if (targets.isEmpty()) {
            problems.add("baozi.targets: name the providers Baozi's zones are synced to");
        }
        for (String t : targets) {
            if (!providers.has(t)) {
                problems.add("baozi.targets: '" + t + "' is not one of the providers");
            }
        }
        List<String> processors = names(base.path(SOURCE).path("processors"));
        for (String p : processors) {
            if (!base.path("processors").has(p)) {
                problems.add("baozi.processors: '" + p + "' is not one of the processors");
            }
        }
        if (base.has("zones")) {
            problems.add("zones: Baozi writes the zones itself; remove them from the base configuration");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the octoDNS base configuration " + source + ": " + String.join("; ", problems));
        }
        base.remove(SOURCE);
        return new OctoDnsConfig(base, List.copyOf(targets), List.copyOf(processors));
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        if (list.isArray()) {
            list.forEach(n -> names.add(n.asText()));
        }
        return names;
    }

    /**
     * The configuration syncing {@code zone} from the zone files in {@code zonesDir}, writing its
     * JSON plan to {@code planFile}.
     */
    public String forZone(String zone, Path zonesDir, Path planFile, int defaultTtl) {
        ObjectNode config = base.deepCopy();
        ObjectNode manager = config.has("manager") && config.get("manager").isObject()
                ? (ObjectNode) config.get("manager") : config.putObject("manager");
        manager.put("enable_checksum", true);
        manager.remove("plan_outputs");
        manager.putObject("plan_outputs").putObject("json")
                .put("class", "octodns.provider.plan.PlanJson")
                .put("sort_keys", false)
                .put("output_filename", planFile.toString());
        ObjectNode source = providers(config).putObject(SOURCE);
        source.put("class", "octodns.provider.yaml.YamlProvider")
                .put("directory", zonesDir.toString())
                .put("default_ttl", defaultTtl)
                .put("enforce_order", false)
                .put("escaped_semicolons", true);
        ObjectNode z = config.putObject("zones").putObject(zone + ".");
        z.putArray("sources").add(SOURCE);
        ArrayNode t = z.putArray("targets");
        targets.forEach(t::add);
        if (!processors.isEmpty()) {
            ArrayNode p = z.putArray("processors");
            processors.forEach(p::add);
        }
        return write(config);
    }

    private static ObjectNode providers(ObjectNode config) {
        return (ObjectNode) config.get("providers");
    }

    public List<String> targets() {
        return targets;
    }

    static String write(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing octoDNS YAML", e);
        }
    }
}
