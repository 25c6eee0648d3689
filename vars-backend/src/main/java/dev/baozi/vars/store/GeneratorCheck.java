package dev.baozi.vars.store;

import dev.baozi.vars.definition.GeneratorName;
import java.util.Optional;

/**
 * One generator's state: where it lives, its status, its committed manifest if any, and whether
 * that manifest's hash is the expected one (also known for a {@link GeneratorStatus.Partial} one).
 */
public record GeneratorCheck(GeneratorName generator, Placement placement, GeneratorStatus status,
                             Optional<CommittedManifest> committed, boolean current) {

    /** True when {@code generate} has to make new files for this generator. */
    public boolean needsGeneration() {
        return switch (status) {
            case GeneratorStatus.Ok ok -> false;
            case GeneratorStatus.Missing missing -> true;
            case GeneratorStatus.Outdated outdated -> true;
            case GeneratorStatus.Partial partial -> !partial.committedIntact() || !current;
        };
    }
}
