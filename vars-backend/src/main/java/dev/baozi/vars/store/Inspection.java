package dev.baozi.vars.store;

import java.util.List;
import java.util.Optional;

/**
 * What the store holds for one generator: its committed manifest (if its latest version is live),
 * the manifest path's current KV version (what the next commit must check-and-set against) and the
 * problems found.
 */
public record Inspection(Optional<CommittedManifest> committed, long manifestVersion, List<StoreProblem> problems) {

    public Inspection {
        problems = List.copyOf(problems);
    }
}
