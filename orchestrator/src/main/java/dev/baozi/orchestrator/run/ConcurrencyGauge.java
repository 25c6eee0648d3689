package dev.baozi.orchestrator.run;

import java.util.HashMap;
import java.util.Map;

/** Counts tofu processes running now, overall and per workspace, and the most seen at once. */
public final class ConcurrencyGauge {

    private final Map<String, Integer> perWorkspace = new HashMap<>();
    private int running;
    private int maxRunning;
    private int maxPerWorkspace;

    public synchronized void started(String workspace) {
        running++;
        int inWorkspace = perWorkspace.merge(workspace, 1, Integer::sum);
        maxRunning = Math.max(maxRunning, running);
        maxPerWorkspace = Math.max(maxPerWorkspace, inWorkspace);
    }

    public synchronized void ended(String workspace) {
        running--;
        perWorkspace.merge(workspace, -1, Integer::sum);
    }

    public synchronized int running() {
        return running;
    }

    public synchronized int maxRunning() {
        return maxRunning;
    }

    public synchronized int maxPerWorkspace() {
        return maxPerWorkspace;
    }
}
