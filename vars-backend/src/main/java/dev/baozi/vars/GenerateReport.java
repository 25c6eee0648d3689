package dev.baozi.vars;

import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.store.Placement;
import java.util.List;

/** What {@code generate} did with each generator it looked at, in dependency order. */
public record GenerateReport(List<Outcome> outcomes) {

    public GenerateReport {
        outcomes = List.copyOf(outcomes);
    }

    /** One generator's result; expected refusals (a missing prompt, a lost race) are outcomes, not exceptions. */
    public sealed interface Outcome {
        GeneratorName generator();
    }

    /** New files were committed; {@code reason} says why (missing, outdated and why, partial, asked to regenerate). */
    public record Generated(GeneratorName generator, Placement placement, String reason) implements Outcome {}

    public record UpToDate(GeneratorName generator, Placement placement) implements Outcome {}

    /** Not generated: a prompt has no value, or a dependency has none. */
    public record Skipped(GeneratorName generator, String reason) implements Outcome {}

    /** Another writer committed the generator during this run; its files stand, this run's were destroyed. */
    public record Conflict(GeneratorName generator, String message) implements Outcome {}

    public List<GeneratorName> generated() {
        return outcomes.stream().filter(o -> o instanceof Generated).map(Outcome::generator).toList();
    }

    public List<GeneratorName> skipped() {
        return outcomes.stream().filter(o -> o instanceof Skipped).map(Outcome::generator).toList();
    }
}
