package dev.baozi.vars.store;

import dev.baozi.vars.definition.GeneratorName;
import java.util.List;

/** One thing {@code fix} did, or could not do. */
public sealed interface Repair {

    String describe();

    /** Uncommitted versions destroyed (they were never delivered, so nothing can miss them). */
    record Dropped(String path, List<Long> versions) implements Repair {
        public String describe() {
            return versions.isEmpty() ? "dropped uncommitted " + path : "dropped uncommitted versions " + versions + " of " + path;
        }
    }

    /** Soft-deleted versions restored because the manifest names them. */
    record Restored(String path, List<Long> versions) implements Repair {
        public String describe() {
            return "restored versions " + versions + " of " + path;
        }
    }

    /** Nothing in the store can repair it: {@code generate} (or {@code set}) has to make new values. */
    record NeedsGeneration(GeneratorName generator, String reason) implements Repair {
        public String describe() {
            return "generator " + generator + " needs new values: " + reason;
        }
    }
}
