package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import java.util.List;
import java.util.Optional;

/** Where states and their versions live. Writes are all-or-nothing: a reader sees the old state or the new one. */
public interface StateStore {

    /** The newest version record (a deleted one too), or empty when the workspace never had a state. */
    Optional<StateVersion> head(WorkspaceName workspace);

    /**
     * The newest version record this process saw, without asking the store; may be stale.
     * Good enough as {@code expectedHead} for a write: a stale one only makes the write {@link WriteOutcome.Moved}.
     */
    Optional<StateVersion> lastKnownHead(WorkspaceName workspace);

    /** The content of {@code version} (0: the newest); empty when that version is a deletion or no longer retained. */
    Optional<StoredState> read(WorkspaceName workspace, long version);

    /** As {@link #read}, but the content gzip-compressed as stored, not decompressed here. */
    Optional<CompressedState> readCompressed(WorkspaceName workspace, long version);

    /**
     * Stores {@code content} as the next version if the head is still {@code expectedHead}
     * (0: no state yet); {@link WriteOutcome.Moved} otherwise, with nothing written.
     */
    WriteOutcome write(WorkspaceName workspace, StateBody body, String who, long expectedHead);

    /** As {@link #write(WorkspaceName, StateBody, String, long)}, the digests worked out here. */
    default WriteOutcome write(WorkspaceName workspace, byte[] content, StateFacts facts, String who, long expectedHead) {
        return write(workspace, StateBody.of(content, facts), who, expectedHead);
    }

    /** Marks the state deleted as the next version; earlier versions stay readable. */
    WriteOutcome delete(WorkspaceName workspace, String who, long expectedHead);

    /** The retained versions, newest first. */
    List<StateVersion> versions(WorkspaceName workspace);
}
