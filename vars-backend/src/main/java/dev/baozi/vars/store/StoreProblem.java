package dev.baozi.vars.store;

import dev.baozi.openbao.KvMetadata;
import java.util.List;

/** Something in the store that does not match a clean commit, as {@code check} finds it and {@code fix} repairs it. */
public sealed interface StoreProblem {

    /** A sentence for people; names paths and versions, never values. */
    String describe();

    /** False when the committed generation itself is damaged (not only left-overs beside it). */
    default boolean leavesCommittedIntact() {
        return false;
    }

    /** Versions written after the last commit that named the file: a generation that never committed. */
    record Uncommitted(String path, List<Long> versions) implements StoreProblem {
        public String describe() {
            return path + " has versions " + versions + " that no commit includes";
        }

        @Override
        public boolean leavesCommittedIntact() {
            return true;
        }
    }

    /** Files with no manifest: a first generation that never committed. */
    record NoManifest(List<String> paths) implements StoreProblem {
        public String describe() {
            return "files " + paths + " exist but no manifest commits them";
        }
    }

    /** The manifest's latest version was deleted. */
    record ManifestDeleted(String path, long version) implements StoreProblem {
        public String describe() {
            return "the manifest " + path + " (version " + version + ") was deleted";
        }
    }

    /** The manifest names a file version OpenBao no longer serves. */
    record VersionGone(String path, long version, KvMetadata.VersionState state) implements StoreProblem {
        public String describe() {
            return "the manifest names version " + version + " of " + path + ", which is "
                    + (state == KvMetadata.VersionState.DELETED ? "deleted" : "destroyed or no longer kept");
        }
    }

    /** A declared file the manifest has no version of (a prompt not set yet, say). */
    record NotCommitted(String path) implements StoreProblem {
        public String describe() {
            return path + " is declared but has no committed value";
        }
    }
}
