package dev.baozi.vars.definition;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads generator definitions from JSON or YAML:
 *
 * <pre>{@code
 * {"generators": {
 *    "db-password": {"kind": "password", "params": {"length": 40}},
 *    "ca":          {"kind": "ca", "share": true, "params": {"subject": "CN=Shop CA"}},
 *    "web-tls":     {"kind": "ca-signed-certificate", "params": {"ca": "ca", "subject": "web", "sans": ["web.shop.example"]}},
 *    "api-key":     {"kind": "script", "dependencies": ["db-password"],
 *                    "prompts": {"seed": {"description": "Seed phrase", "type": "hidden"}},
 *                    "files": {"key": {"secret": true}}, "params": {"script": "...", "timeout": "10s"}}
 * }}
 * }</pre>
 *
 * Every problem in the document is collected and reported together, each naming its generator.
 */
public final class DefinitionLoader {

    private static final Set<String> GENERATOR_KEYS = Set.of("kind", "params", "files", "dependencies", "prompts", "share");
    private static final Set<String> FILE_KEYS = Set.of("secret", "deploy");
    private static final Set<String> PROMPT_KEYS = Set.of("description", "type", "persist");

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private DefinitionLoader() {}

    /** Reads {@code file}: YAML when it ends in {@code .yaml} or {@code .yml}, JSON otherwise. */
    public static GeneratorSet load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading generator definitions " + file, e);
        }
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") ? fromYaml(file.toString(), text) : fromJson(file.toString(), text);
    }

    public static GeneratorSet fromJson(String source, String text) {
        return fromTree(source, parse(JSON, "JSON", source, text));
    }

    public static GeneratorSet fromYaml(String source, String text) {
        return fromTree(source, parse(YAML, "YAML", source, text));
    }

    private static JsonNode parse(ObjectMapper mapper, String format, String source, String text) {
        try {
            JsonNode root = mapper.readTree(text);
            return root == null ? mapper.createObjectNode() : root;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new InvalidDefinitionsException(source, List.of(new DefinitionProblem("",
                    "not valid " + format + where + ": " + e.getOriginalMessage())));
        }
    }

    /** Checks an already parsed document. */
    public static GeneratorSet fromTree(String source, JsonNode root) {
        List<DefinitionProblem> problems = new ArrayList<>();
        if (!root.isObject() || !root.path("generators").isObject()) {
            throw new InvalidDefinitionsException(source, List.of(new DefinitionProblem("",
                    "the document must be an object with a \"generators\" object")));
        }
        root.fieldNames().forEachRemaining(k -> {
            if (!k.equals("generators")) {
                problems.add(new DefinitionProblem("", "unknown top-level key \"" + k + "\" (known: generators)"));
            }
        });
        List<GeneratorDefinition> parsed = new ArrayList<>();
        Set<String> invalid = new HashSet<>();
        root.path("generators").properties().forEach(e -> {
            int before = problems.size();
            GeneratorDefinition g = generator(e.getKey(), e.getValue(), problems);
            if (g != null && problems.size() == before) {
                parsed.add(g);
            } else {
                invalid.add(e.getKey());
            }
        });
        checkCaReferences(parsed, problems);
        GeneratorSet set = GeneratorSet.check(parsed, invalid, problems);
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionsException(source, problems);
        }
        return set;
    }

    private static GeneratorDefinition generator(String name, JsonNode node, List<DefinitionProblem> problems) {
        if (!GeneratorName.isValid(name)) {
            problems.add(new DefinitionProblem(name, "the name is not valid: use a-z, 0-9 and -, starting with a letter "
                    + "or digit, at most 63 characters"));
            return null;
        }
        if (!node.isObject()) {
            problems.add(new DefinitionProblem(name, "must be an object"));
            return null;
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!GENERATOR_KEYS.contains(k)) {
                problems.add(new DefinitionProblem(name, "unknown setting \"" + k + "\" (known: " + String.join(", ",
                        GENERATOR_KEYS.stream().sorted().toList()) + ")"));
            }
        });
        JsonNode kindNode = node.path("kind");
        if (!kindNode.isTextual()) {
            problems.add(new DefinitionProblem(name, "kind is required (one of " + String.join(", ", KindParser.KINDS) + ")"));
            return null;
        }
        Kind kind = KindParser.parse(kindNode.asText(), new Params(name, kindNode.asText(), node.path("params"), problems));
        boolean share = bool(node, "share", false, name, "share", problems);
        List<GeneratorName> dependencies = dependencies(name, node.path("dependencies"), problems);
        if (kind instanceof Kind.CaSignedCertificate signed && !dependencies.contains(signed.ca())) {
            dependencies.add(signed.ca());
        }
        Map<String, PromptSpec> prompts = prompts(name, node.path("prompts"), problems);
        if (kind == null) {
            return null;
        }
        List<FileSpec> files = files(name, kind, node.path("files"), prompts, problems);
        return new GeneratorDefinition(GeneratorName.of(name), kind, files, dependencies, List.copyOf(prompts.values()), share);
    }

    private static List<GeneratorName> dependencies(String name, JsonNode node, List<DefinitionProblem> problems) {
        List<GeneratorName> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            problems.add(new DefinitionProblem(name, "dependencies must be a list of generator names"));
            return out;
        }
        for (JsonNode d : node) {
            if (!d.isTextual() || !GeneratorName.isValid(d.asText())) {
                problems.add(new DefinitionProblem(name, "dependencies holds " + d + ", which is not a generator name"));
            } else if (d.asText().equals(name)) {
                problems.add(new DefinitionProblem(name, "generator " + name + " depends on itself"));
            } else {
                out.add(GeneratorName.of(d.asText()));
            }
        }
        return out;
    }

    private static Map<String, PromptSpec> prompts(String name, JsonNode node, List<DefinitionProblem> problems) {
        Map<String, PromptSpec> out = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problems.add(new DefinitionProblem(name, "prompts must be an object of prompt name to settings"));
            return out;
        }
        node.properties().forEach(e -> {
            String prompt = e.getKey();
            JsonNode p = e.getValue();
            if (!FileSpec.isValidName(prompt)) {
                problems.add(new DefinitionProblem(name, "prompt name \"" + prompt + "\" is not valid: use letters, digits, "
                        + "'.', '_' and '-', starting with a letter or digit"));
                return;
            }
            if (!p.isObject()) {
                problems.add(new DefinitionProblem(name, "prompts." + prompt + " must be an object"));
                return;
            }
            unknownKeys(name, "prompts." + prompt, p, PROMPT_KEYS, problems);
            PromptType type = PromptType.LINE;
            if (p.has("type")) {
                try {
                    type = PromptType.fromId(p.path("type").asText());
                } catch (IllegalArgumentException ex) {
                    problems.add(new DefinitionProblem(name, "prompts." + prompt + ": " + ex.getMessage()));
                }
            }
            boolean persist = bool(p, "persist", false, name, "prompts." + prompt + ".persist", problems);
            out.put(prompt, new PromptSpec(prompt, p.path("description").asText(prompt), type, persist));
        });
        return out;
    }

    private static List<FileSpec> files(String name, Kind kind, JsonNode node, Map<String, PromptSpec> prompts,
                                        List<DefinitionProblem> problems) {
        Map<String, FileSpec> files = new LinkedHashMap<>();
        kind.defaultFiles().forEach(f -> files.put(f.name(), f));
        prompts.values().stream().filter(PromptSpec::persist).forEach(p -> {
            if (files.containsKey(p.name())) {
                problems.add(new DefinitionProblem(name, "prompt " + p.name() + " is persisted as a file, but kind "
                        + kind.id() + " already makes a file of that name"));
            } else {
                files.put(p.name(), FileSpec.secret(p.name()));
            }
        });
        boolean declaredKind = kind.defaultFiles().isEmpty();
        if (!node.isMissingNode() && !node.isNull() && !node.isObject()) {
            problems.add(new DefinitionProblem(name, "files must be an object of file name to settings"));
            return List.copyOf(files.values());
        }
        node.properties().forEach(e -> {
            String file = e.getKey();
            JsonNode f = e.getValue();
            if (!FileSpec.isValidName(file)) {
                problems.add(new DefinitionProblem(name, "file name \"" + file + "\" is not valid: use letters, digits, "
                        + "'.', '_' and '-', starting with a letter or digit"));
                return;
            }
            if (!f.isObject()) {
                problems.add(new DefinitionProblem(name, "files." + file + " must be an object"));
                return;
            }
            unknownKeys(name, "files." + file, f, FILE_KEYS, problems);
            FileSpec known = files.get(file);
            if (known == null && !declaredKind) {
                problems.add(new DefinitionProblem(name, "kind " + kind.id() + " makes the files "
                        + String.join(", ", kind.defaultFiles().stream().map(FileSpec::name).toList())
                        + "; files." + file + " is not one of them"));
                return;
            }
            boolean secret = bool(f, "secret", known == null || known.secret(), name, "files." + file + ".secret", problems);
            boolean deploy = bool(f, "deploy", known == null || known.deploy(), name, "files." + file + ".deploy", problems);
            boolean fromKind = kind.defaultFiles().stream().anyMatch(d -> d.name().equals(file) && d.secret());
            if (fromKind && !secret) {
                problems.add(new DefinitionProblem(name, "files." + file + " is always secret for kind " + kind.id()));
                return;
            }
            files.put(file, new FileSpec(file, secret, deploy));
        });
        if (kind instanceof Kind.Script && files.values().stream().allMatch(f -> prompts.containsKey(f.name()))) {
            problems.add(new DefinitionProblem(name, "kind script needs at least one file in files (what the script writes)"));
        }
        if (kind instanceof Kind.Prompted) {
            if (prompts.isEmpty() || prompts.values().stream().anyMatch(p -> !p.persist())) {
                problems.add(new DefinitionProblem(name, "kind prompt needs prompts, each with persist: true"));
            }
            files.keySet().stream().filter(f -> !prompts.containsKey(f)).forEach(f -> problems.add(
                    new DefinitionProblem(name, "files." + f + " is not a prompt; kind prompt only holds persisted prompts")));
        }
        return List.copyOf(files.values());
    }

    private static void checkCaReferences(List<GeneratorDefinition> parsed, List<DefinitionProblem> problems) {
        for (GeneratorDefinition g : parsed) {
            if (g.kind() instanceof Kind.CaSignedCertificate signed) {
                parsed.stream().filter(o -> o.name().equals(signed.ca())).findFirst().ifPresent(ca -> {
                    if (!(ca.kind() instanceof Kind.CertificateAuthority)) {
                        problems.add(new DefinitionProblem(g.name().value(), "params.ca names generator " + ca.name()
                                + ", which is of kind " + ca.kind().id() + ", not ca"));
                    }
                });
            }
        }
    }

    private static boolean bool(JsonNode node, String key, boolean fallback, String generator, String what,
                                List<DefinitionProblem> problems) {
        JsonNode v = node.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            problems.add(new DefinitionProblem(generator, what + " must be true or false, not " + v));
            return fallback;
        }
        return v.booleanValue();
    }

    private static void unknownKeys(String generator, String where, JsonNode node, Set<String> known,
                                    List<DefinitionProblem> problems) {
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                problems.add(new DefinitionProblem(generator, "unknown setting " + where + "." + k + " (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")"));
            }
        });
    }
}
