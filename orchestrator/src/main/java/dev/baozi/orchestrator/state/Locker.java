package dev.baozi.orchestrator.state;

import dev.baozi.orchestrator.workspace.WorkspaceName;
import java.util.List;
import java.util.Optional;

/** Workspace locks that hold across every orchestrator sharing the same store. */
public interface Locker {

    /** Takes the lock unless somebody holds it. Exactly one of any number of concurrent callers wins. */
    LockOutcome lock(WorkspaceName workspace, LockInfo info, String holder);

    /** Releases the lock if {@code lockId} is the holder's ID. */
    UnlockOutcome unlock(WorkspaceName workspace, String lockId);

    /** Releases the lock whoever holds it. */
    UnlockOutcome forceUnlock(WorkspaceName workspace);

    Optional<HeldLock> current(WorkspaceName workspace);

    List<HeldLock> held();
}
