package dev.baozi.orchestrator.state;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest head this process saw per workspace, least recently used dropped first beyond a
 * byte budget. A cached head may be stale: a change decided against it is written with
 * check-and-set, which refuses it if the head moved.
 */
final class HeadCache {

    static final long DEFAULT_BUDGET = 64L * 1024 * 1024;

    private final long budget;
    private long weight;
    private final LinkedHashMap<String, OpenBaoStateStore.Stored> heads = new LinkedHashMap<>(64, 0.75f, true);

    HeadCache(long budget) {
        this.budget = budget;
    }

    synchronized OpenBaoStateStore.Stored get(String workspace) {
        return heads.get(workspace);
    }

    /** Keeps {@code stored} unless a newer head of the workspace is kept already. */
    synchronized void remember(String workspace, OpenBaoStateStore.Stored stored) {
        OpenBaoStateStore.Stored old = heads.get(workspace);
        if (old != null && old.revision() > stored.revision()) {
            return;
        }
        if (old != null) {
            weight -= old.weight();
        }
        heads.put(workspace, stored);
        weight += stored.weight();
        var eldest = heads.entrySet().iterator();
        while (weight > budget && eldest.hasNext()) {
            Map.Entry<String, OpenBaoStateStore.Stored> e = eldest.next();
            if (e.getKey().equals(workspace)) {
                continue;
            }
            weight -= e.getValue().weight();
            eldest.remove();
        }
    }

    synchronized void forget(String workspace) {
        OpenBaoStateStore.Stored old = heads.remove(workspace);
        if (old != null) {
            weight -= old.weight();
        }
    }
}
