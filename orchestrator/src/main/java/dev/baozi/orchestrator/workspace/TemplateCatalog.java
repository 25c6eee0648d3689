package dev.baozi.orchestrator.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.vars.definition.DefinitionLoader;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.definition.InvalidDefinitionsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The templates in a tf-modules/ folder. A template is a folder holding an ordinary OpenTofu
 * module whose variables are declared in {@code variables.tf.json} (OpenTofu's JSON syntax, so
 * Baozi reads them without an HCL parser) and whose passed-through outputs, if any, are in
 * {@code outputs.tf.json}. Read from disk on each call, so a changed module is seen (and gets a
 * new content hash) without a restart.
 */
public final class TemplateCatalog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public TemplateCatalog(Path root) {
        this.root = root;
    }

    public List<String> names() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("variables.tf.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing templates in " + root, e);
        }
    }

    public Optional<Template> get(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,99}")) {
            return Optional.empty();
        }
        Path dir = root.resolve(name);
        if (!Files.isRegularFile(dir.resolve("variables.tf.json"))) {
            return Optional.empty();
        }
        return Optional.of(load(name, dir));
    }

    private Template load(String name, Path dir) {
        Map<String, byte[]> files = readFiles(dir);
        List<TemplateVariable> variables = new ArrayList<>();
        JsonNode declared = parse(files.get("variables.tf.json"), name, "variables.tf.json").path("variable");
        Iterator<Map.Entry<String, JsonNode>> it = declared.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode v = e.getValue();
            VariableType type;
            try {
                type = VariableType.parse(v.path("type").asText("any"));
            } catch (IllegalArgumentException ex) {
                throw new IllegalStateException("template " + name + ", variable " + e.getKey() + ": " + ex.getMessage());
            }
            variables.add(new TemplateVariable(e.getKey(), type, v.has("default") ? v.get("default") : null,
                    v.path("sensitive").asBoolean(false), v.path("description").asText("")));
        }
        List<String> outputs = new ArrayList<>();
        if (files.containsKey("outputs.tf.json")) {
            parse(files.get("outputs.tf.json"), name, "outputs.tf.json").path("output").fieldNames().forEachRemaining(outputs::add);
        }
        Optional<String> kind = Optional.empty();
        Set<String> supplied = new TreeSet<>();
        if (files.containsKey("baozi.json")) {
            JsonNode meta = parse(files.get("baozi.json"), name, "baozi.json");
            kind = Optional.ofNullable(meta.path("kind").asText(null));
            meta.path("supplied").forEach(n -> supplied.add(n.asText()));
            for (String s : supplied) {
                if (variables.stream().noneMatch(v -> v.name().equals(s))) {
                    throw new IllegalStateException("template " + name + ": baozi.json names supplied variable " + s
                            + ", which variables.tf.json does not declare");
                }
            }
        }
        Optional<GeneratorSet> generators = Optional.empty();
        for (String varsFile : List.of("vars.json", "vars.yaml")) {
            if (files.containsKey(varsFile)) {
                String text = new String(files.get(varsFile), java.nio.charset.StandardCharsets.UTF_8);
                try {
                    generators = Optional.of(varsFile.endsWith(".json") ? DefinitionLoader.fromJson(name + "/" + varsFile, text)
                            : DefinitionLoader.fromYaml(name + "/" + varsFile, text));
                } catch (InvalidDefinitionsException e) {
                    throw new InvalidTemplateException("template " + name + ", " + varsFile + ": " + String.join("; ",
                            e.problems().stream().map(Object::toString).toList()), e);
                }
            }
        }
        Map<String, Map<String, byte[]>> dependencies = new TreeMap<>();
        collectDependencies(name, files, dependencies);
        Map<String, byte[]> hashed = new TreeMap<>(files);
        dependencies.forEach((dep, depFiles) -> depFiles.forEach((path, bytes) -> hashed.put("../" + dep + "/" + path, bytes)));
        return new Template(name, dir, List.copyOf(variables), List.copyOf(outputs), files, dependencies, kind,
                Set.copyOf(supplied), generators, GeneratedFiles.hashOf(hashed));
    }

    /** The sibling modules a module's *.tf.json files call as {@code ../<name>}, and theirs, read from tf-modules/. */
    private void collectDependencies(String name, Map<String, byte[]> files, Map<String, Map<String, byte[]>> into) {
        for (var f : files.entrySet()) {
            if (!f.getKey().endsWith(".tf.json") || f.getKey().contains("/")) {
                continue;
            }
            parse(f.getValue(), name, f.getKey()).path("module").forEach(call -> {
                String source = call.path("source").asText("");
                if (!source.startsWith("../")) {
                    return;
                }
                String dep = source.substring(3).replaceAll("/+$", "");
                if (!dep.matches("[a-z0-9][a-z0-9_-]{0,99}") || !Files.isDirectory(root.resolve(dep))) {
                    throw new IllegalStateException("template " + name + ": " + f.getKey() + " calls module " + source
                            + ", which is not a folder of " + root);
                }
                if (!into.containsKey(dep)) {
                    Map<String, byte[]> depFiles = readFiles(root.resolve(dep));
                    into.put(dep, depFiles);
                    collectDependencies(dep, depFiles, into);
                }
            });
        }
    }

    private static JsonNode parse(byte[] content, String template, String file) {
        try {
            return JSON.readTree(content);
        } catch (IOException e) {
            throw new IllegalStateException("template " + template + ": " + file + " is not valid JSON: " + e.getMessage());
        }
    }

    /** Every regular file of the module (no dot-files, no .terraform), by relative path with / separators. */
    private static Map<String, byte[]> readFiles(Path dir) {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Path rel = dir.relativize(p);
                boolean hidden = false;
                for (Path part : rel) {
                    hidden |= part.toString().startsWith(".");
                }
                if (!hidden) {
                    files.put(rel.toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading template " + dir, e);
        }
        return files;
    }
}
