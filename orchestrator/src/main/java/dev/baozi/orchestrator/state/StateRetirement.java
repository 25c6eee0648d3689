package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.orchestrator.auth.Principal;
import java.io.IOException;
import java.util.Optional;

/**
 * What deleting a workspace asks of its state: no lock on it and no managed resources left in
 * it (an encrypted state counts as empty only after a destroy was applied); then the state is
 * marked deleted, so a new workspace of the same name starts from no state. Its earlier versions
 * stay readable in the version list, for the audit and for an admin's rollback.
 */
public final class StateRetirement {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Principal WHO = new Principal.Internal("workspace-delete");

    private final StateService state;

    public StateRetirement(StateService state) {
        this.state = state;
    }

    /** Why the state of {@code ws} blocks deleting the workspace, or empty. {@code destroyedLast}: its newest apply was a destroy. */
    public Optional<String> blocks(WorkspaceName ws, boolean destroyedLast) {
        Optional<HeldLock> lock = state.lockOf(ws);
        if (lock.isPresent()) {
            return Optional.of("its state is locked by " + lock.get().holder() + " (lock " + lock.get().info().id()
                    + "); release the lock first (bin/baozi lock force-unlock --workspace " + ws + ")");
        }
        Optional<StoredState> current = state.current(ws, WHO);
        if (current.isEmpty() || destroyedLast) {
            return Optional.empty();
        }
        int managed = managedResources(current.get().content());
        if (managed < 0) {
            return Optional.of("its state is encrypted, so Baozi cannot tell whether resources are left in it; plan and apply"
                    + " a destroy run first (bin/baozi run plan --workspace " + ws + " --destroy)");
        }
        if (managed > 0) {
            return Optional.of("its state still has " + managed + " resource(s); plan and apply a destroy run first"
                    + " (bin/baozi run plan --workspace " + ws + " --destroy)");
        }
        return Optional.empty();
    }

    /** Marks the state of {@code ws} deleted; empty when done (or there was none), else why not. */
    public Optional<String> release(WorkspaceName ws, Principal by) {
        return switch (state.delete(ws, by)) {
            case UpdateOutcome.Accepted a -> Optional.empty();
            case UpdateOutcome.Unchanged u -> Optional.empty();
            case UpdateOutcome.Refused r -> r.reason().endsWith("has no state to delete") ? Optional.empty()
                    : Optional.of(r.reason() + "; nothing was deleted");
            case UpdateOutcome.Locked l -> Optional.of("its state was locked meanwhile by " + l.holder().holder() + "; nothing was deleted");
            case UpdateOutcome.LockNotHeld n -> Optional.empty();
        };
    }

    /** How many instances of managed resources (not data sources) a state lists; -1 when it is not readable JSON (encrypted). */
    static int managedResources(byte[] content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (IOException e) {
            return -1;
        }
        if (root == null || !root.isObject() || root.has("encrypted_data") || !root.has("version")) {
            return -1;
        }
        int managed = 0;
        for (JsonNode r : root.path("resources")) {
            if (!r.path("mode").asText("managed").equals("data")) {
                managed += r.path("instances").size();
            }
        }
        return managed;
    }
}
