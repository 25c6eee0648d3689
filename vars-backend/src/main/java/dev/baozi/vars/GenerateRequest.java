package dev.baozi.vars;

import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.generate.FileValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code generate} is asked to do, like Clan's {@code vars generate}: all generators or only
 * {@code generators} (with the ones they need, and by default the ones that depend on them);
 * {@code regenerate} forces new values for the named ones (all when none are named) even when they
 * are up to date; {@code prompts} holds values people supplied, per generator and prompt.
 */
public record GenerateRequest(Set<GeneratorName> generators, boolean regenerate, boolean withDependents,
                              Map<GeneratorName, Map<String, FileValue>> prompts) {

    public GenerateRequest {
        generators = Set.copyOf(generators);
        var copy = new HashMap<GeneratorName, Map<String, FileValue>>();
        prompts.forEach((g, values) -> copy.put(g, Map.copyOf(values)));
        prompts = Map.copyOf(copy);
    }

    public static GenerateRequest all() {
        return new GenerateRequest(Set.of(), false, true, Map.of());
    }

    public static GenerateRequest only(GeneratorName... names) {
        return new GenerateRequest(Set.of(names), false, true, Map.of());
    }

    public static GenerateRequest only(List<GeneratorName> names) {
        return new GenerateRequest(Set.copyOf(names), false, true, Map.of());
    }

    public GenerateRequest regenerating() {
        return new GenerateRequest(generators, true, withDependents, prompts);
    }

    /** Leaves the dependents of the named generators alone (they become outdated if a dependency changes). */
    public GenerateRequest withoutDependents() {
        return new GenerateRequest(generators, regenerate, false, prompts);
    }

    public GenerateRequest withPrompt(GeneratorName generator, String prompt, FileValue value) {
        var copy = new HashMap<>(prompts);
        var values = new HashMap<>(copy.getOrDefault(generator, Map.of()));
        values.put(prompt, value);
        copy.put(generator, values);
        return new GenerateRequest(generators, regenerate, withDependents, copy);
    }

    boolean forces(GeneratorName name) {
        return regenerate && (generators.isEmpty() || generators.contains(name));
    }

    @Override
    public String toString() {
        var promptNames = new TreeSet<String>();
        prompts.forEach((g, values) -> values.keySet().forEach(p -> promptNames.add(g + "/" + p)));
        return "GenerateRequest[generators=" + new TreeSet<>(generators) + ", regenerate=" + regenerate
                + ", withDependents=" + withDependents + ", prompts=" + promptNames + " (values hidden)]";
    }
}
