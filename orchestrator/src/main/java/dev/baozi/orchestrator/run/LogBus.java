package dev.baozi.orchestrator.run;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Live log lines of running runs, for followers that joined (after replaying what was stored). */
public final class LogBus {

    private final Map<Long, List<Consumer<LogLine>>> followers = new ConcurrentHashMap<>();

    /** Starts following run {@code runId}; close the returned handle to stop. */
    public AutoCloseable follow(long runId, Consumer<LogLine> follower) {
        followers.computeIfAbsent(runId, id -> new CopyOnWriteArrayList<>()).add(follower);
        return () -> {
            var list = followers.get(runId);
            if (list != null) {
                list.remove(follower);
            }
        };
    }

    public void publish(LogLine line) {
        var list = followers.get(line.runId());
        if (list != null) {
            list.forEach(f -> f.accept(line));
        }
    }
}
