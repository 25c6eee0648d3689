package dev.baozi.vars.generate;

import dev.baozi.vars.definition.GeneratorName;
import java.util.Map;

/** What a generator is run with: its prompts' values and its dependencies' committed files. */
public record GeneratorInput(Map<String, FileValue> prompts, Map<GeneratorName, Map<String, FileValue>> dependencies) {

    public GeneratorInput {
        prompts = Map.copyOf(prompts);
        dependencies = Map.copyOf(dependencies);
    }

    public static GeneratorInput none() {
        return new GeneratorInput(Map.of(), Map.of());
    }

    public FileValue dependencyFile(GeneratorName generator, String file) {
        Map<String, FileValue> files = dependencies.get(generator);
        FileValue v = files == null ? null : files.get(file);
        if (v == null) {
            throw new IllegalStateException("the input from generator " + generator + " has no file " + file);
        }
        return v;
    }

    @Override
    public String toString() {
        return "GeneratorInput[prompts=" + prompts.keySet() + ", dependencies=" + dependencies.keySet() + "]";
    }
}
