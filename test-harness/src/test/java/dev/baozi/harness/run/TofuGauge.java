package dev.baozi.harness.run;

import dev.baozi.orchestrator.run.Tofu;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Wraps the orchestrator's tofu port to count the tofu calls running at once, overall and per
 * workspace, and the most seen at once.
 */
final class TofuGauge implements Tofu {

    private final Tofu tofu;
    private final Map<String, Integer> perWorkspace = new HashMap<>();
    private int running;
    private int maxRunning;
    private int maxPerWorkspace;

    TofuGauge(Tofu tofu) {
        this.tofu = tofu;
    }

    @Override
    public Running prepare(Call call) {
        Running real = tofu.prepare(call);
        return new Running() {
            @Override
            public Outcome run(Consumer<String> stdout, Consumer<String> stderr) {
                started(call.workspace());
                try {
                    return real.run(stdout, stderr);
                } finally {
                    ended(call.workspace());
                }
            }

            @Override
            public void interrupt() {
                real.interrupt();
            }

            @Override
            public void kill() {
                real.kill();
            }
        };
    }

    private synchronized void started(String workspace) {
        running++;
        int inWorkspace = perWorkspace.merge(workspace, 1, Integer::sum);
        maxRunning = Math.max(maxRunning, running);
        maxPerWorkspace = Math.max(maxPerWorkspace, inWorkspace);
    }

    private synchronized void ended(String workspace) {
        running--;
        perWorkspace.merge(workspace, -1, Integer::sum);
    }

    synchronized int running() {
        return running;
    }

    synchronized int maxRunning() {
        return maxRunning;
    }

    synchronized int maxPerWorkspace() {
        return maxPerWorkspace;
    }
}
