package dev.baozi.vars.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One generator as declared: its kind, every file it holds (the kind's own plus persisted prompts),
 * the generators whose files it takes as inputs, its prompts, and whether its value is shared by all
 * deployments. Build it through {@link DefinitionLoader}, which checks it.
 */
public record GeneratorDefinition(GeneratorName name, Kind kind, List<FileSpec> files, List<GeneratorName> dependencies,
                                  List<PromptSpec> prompts, boolean share) {

    private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public GeneratorDefinition {
        files = files.stream().sorted(Comparator.comparing(FileSpec::name)).toList();
        dependencies = dependencies.stream().distinct().sorted().toList();
        prompts = prompts.stream().sorted(Comparator.comparing(PromptSpec::name)).toList();
    }

    public Optional<FileSpec> file(String fileName) {
        return files.stream().filter(f -> f.name().equals(fileName)).findFirst();
    }

    public Optional<PromptSpec> prompt(String promptName) {
        return prompts.stream().filter(p -> p.name().equals(promptName)).findFirst();
    }

    /** True when {@code fileName} holds a persisted prompt's value rather than something the kind makes. */
    public boolean isPromptFile(String fileName) {
        return prompt(fileName).map(PromptSpec::persist).orElse(false);
    }

    /** The files the kind itself makes (every file but the persisted prompts). */
    public List<FileSpec> generatedFiles() {
        return files.stream().filter(f -> !isPromptFile(f.name())).toList();
    }

    /**
     * The definition in canonical JSON (keys sorted, defaults filled in, prompt descriptions left
     * out since rewording one changes no value): what the validation hash is computed over.
     */
    public String canonicalJson() {
        Map<String, Object> doc = new TreeMap<>();
        doc.put("name", name.value());
        doc.put("kind", kind.id());
        doc.put("params", kind.parameters());
        Map<String, Object> fileMap = new LinkedHashMap<>();
        files.forEach(f -> fileMap.put(f.name(), Map.of("secret", f.secret(), "deploy", f.deploy())));
        doc.put("files", fileMap);
        doc.put("dependencies", dependencies.stream().map(GeneratorName::value).toList());
        Map<String, Object> promptMap = new LinkedHashMap<>();
        prompts.forEach(p -> promptMap.put(p.name(), Map.of("type", p.type().id(), "persist", p.persist())));
        doc.put("prompts", promptMap);
        doc.put("share", share);
        try {
            return CANONICAL.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing the canonical form of generator " + name, e);
        }
    }

    /** SHA-256 (hex) of {@link #canonicalJson()}. */
    public String definitionHash() {
        return sha256Hex(canonicalJson());
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
