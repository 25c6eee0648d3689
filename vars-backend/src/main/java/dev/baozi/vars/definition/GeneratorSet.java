package dev.baozi.vars.definition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A checked set of generators in dependency order: every dependency exists, none is in a cycle,
 * and no shared generator depends on a per-deployment one.
 */
public final class GeneratorSet {

    private final List<GeneratorDefinition> ordered;
    private final Map<GeneratorName, GeneratorDefinition> byName;

    private GeneratorSet(List<GeneratorDefinition> ordered) {
        this.ordered = List.copyOf(ordered);
        var map = new HashMap<GeneratorName, GeneratorDefinition>();
        ordered.forEach(g -> map.put(g.name(), g));
        this.byName = Map.copyOf(map);
    }

    /** The set, or {@link InvalidDefinitionsException} naming every graph problem. */
    public static GeneratorSet of(String source, Collection<GeneratorDefinition> generators) {
        var problems = new ArrayList<DefinitionProblem>();
        GeneratorSet set = check(generators, problems);
        if (!problems.isEmpty()) {
            throw new InvalidDefinitionsException(source, problems);
        }
        return set;
    }

    /** Checks the graph, adding its problems; the set when there were none, else null. */
    static GeneratorSet check(Collection<GeneratorDefinition> generators, List<DefinitionProblem> problems) {
        return check(generators, Set.of(), problems);
    }

    /** As above; dependencies on {@code invalid} names (declared, but with problems of their own) are not reported again. */
    static GeneratorSet check(Collection<GeneratorDefinition> generators, Set<String> invalid, List<DefinitionProblem> problems) {
        var byName = new TreeMap<GeneratorName, GeneratorDefinition>();
        generators.forEach(g -> byName.put(g.name(), g));
        int before = problems.size();
        for (GeneratorDefinition g : byName.values()) {
            for (GeneratorName dep : g.dependencies()) {
                GeneratorDefinition target = byName.get(dep);
                if (target == null && invalid.contains(dep.value())) {
                    continue;
                }
                if (target == null) {
                    problems.add(new DefinitionProblem(g.name().value(),
                            "depends on generator " + dep + ", which is not defined"));
                } else if (g.share() && !target.share()) {
                    problems.add(new DefinitionProblem(g.name().value(), "is shared but depends on generator " + dep
                            + ", which is per deployment; a shared value cannot be made from one deployment's files"));
                }
            }
        }
        List<GeneratorDefinition> order = new ArrayList<>();
        Set<GeneratorName> done = new HashSet<>();
        Set<String> cyclesSeen = new HashSet<>();
        for (GeneratorName start : byName.keySet()) {
            visit(start, byName, done, new LinkedHashSet<>(), order, cyclesSeen, problems);
        }
        return problems.size() == before ? new GeneratorSet(order) : null;
    }

    private static void visit(GeneratorName name, Map<GeneratorName, GeneratorDefinition> byName, Set<GeneratorName> done,
                              Set<GeneratorName> onPath, List<GeneratorDefinition> order,
                              Set<String> cyclesSeen, List<DefinitionProblem> problems) {
        GeneratorDefinition g = byName.get(name);
        if (g == null || done.contains(name)) {
            return;
        }
        if (onPath.contains(name)) {
            List<GeneratorName> cycle = new ArrayList<>();
            boolean in = false;
            for (GeneratorName n : onPath) {
                in |= n.equals(name);
                if (in) {
                    cycle.add(n);
                }
            }
            reportCycle(cycle, cyclesSeen, problems);
            return;
        }
        onPath.add(name);
        for (GeneratorName dep : g.dependencies()) {
            visit(dep, byName, done, onPath, order, cyclesSeen, problems);
        }
        onPath.remove(name);
        if (done.add(name)) {
            order.add(g);
        }
    }

    private static void reportCycle(List<GeneratorName> cycle, Set<String> seen, List<DefinitionProblem> problems) {
        // Start the cycle at its smallest name so each cycle is reported once, however it was entered.
        int start = cycle.indexOf(cycle.stream().min(GeneratorName::compareTo).orElseThrow());
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= cycle.size(); i++) {
            names.add(cycle.get((start + i) % cycle.size()).value());
        }
        String text = String.join(" -> ", names);
        if (seen.add(text)) {
            String subject = cycle.size() == 1 ? "generator " + text + " depends on itself" : "generators " + text + " form a cycle";
            problems.add(new DefinitionProblem(names.getFirst(), subject));
        }
    }

    /** Every generator, each after the generators it depends on. */
    public List<GeneratorDefinition> ordered() {
        return ordered;
    }

    public Optional<GeneratorDefinition> find(GeneratorName name) {
        return Optional.ofNullable(byName.get(name));
    }

    public GeneratorDefinition get(GeneratorName name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("generator " + name + " is not defined"));
    }

    /** The generators that depend on {@code name}, directly or through others. */
    public Set<GeneratorName> dependentsOf(GeneratorName name) {
        Set<GeneratorName> result = new LinkedHashSet<>();
        for (GeneratorDefinition g : ordered) {
            if (g.dependencies().contains(name) || g.dependencies().stream().anyMatch(result::contains)) {
                result.add(g.name());
            }
        }
        return result;
    }

    /** The generators {@code name} depends on, directly or through others. */
    public Set<GeneratorName> dependenciesOf(GeneratorName name) {
        Set<GeneratorName> result = new LinkedHashSet<>();
        Deque<GeneratorName> todo = new ArrayDeque<>(get(name).dependencies());
        while (!todo.isEmpty()) {
            GeneratorName n = todo.pop();
            if (result.add(n)) {
                todo.addAll(get(n).dependencies());
            }
        }
        return result;
    }

    public int size() {
        return ordered.size();
    }

    @Override
    public String toString() {
        return "GeneratorSet" + ordered.stream().map(g -> g.name().value()).toList();
    }
}
