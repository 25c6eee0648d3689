package dev.baozi.orchestrator.app;

import dev.baozi.orchestrator.audit.AuditRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Audits refusals of unauthenticated callers on the state backend by sample, so a scanner
 * cannot fill the audit table: the first refusal of a source (an address) in a window is
 * recorded as it happens; the rest in that window are counted, and once the window has ended
 * one summary row says how many there were, from where, and for which workspaces. Summaries are
 * written by the next state request after the window ends (there is no timer).
 */
final class RefusalSampler {

    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Sources tracked at once; past this, new sources share one window named {@link #OTHERS}. */
    static final int MAX_SOURCES = 10_000;
    static final String OTHERS = "(other sources)";
    private static final int NAMED_TARGETS = 5;

    private static final class Window {
        final Instant start;
        final Set<String> targets = new LinkedHashSet<>();
        long counted;

        Window(Instant start) {
            this.start = start;
        }
    }

    private final AuditRepository audit;
    private final Clock clock;
    /** In order of their start: the ones that ended are always at the front. */
    private final Map<String, Window> windows = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    RefusalSampler(AuditRepository audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** A refusal of an unauthenticated request from {@code source}: recorded, or counted for the window's summary. */
    void refused(String source, String action, String target) {
        lock.lock();
        try {
            Instant now = clock.instant();
            summarise(now);
            String key = source;
            if (!windows.containsKey(key) && windows.size() >= MAX_SOURCES) {
                key = OTHERS;
            }
            Window w = windows.get(key);
            if (w == null) {
                windows.put(key, new Window(now));
                audit.record("anonymous", action, target, "401", "refused (from " + source + "); further refusals from "
                        + (key.equals(OTHERS) ? "new sources" : "this source") + " in the next " + WINDOW.toSeconds()
                        + "s are counted and summarised in one later record");
            } else {
                w.counted++;
                if (w.targets.size() < NAMED_TARGETS) {
                    w.targets.add(target);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes the summary of every window that has ended. */
    void summarise() {
        lock.lock();
        try {
            summarise(clock.instant());
        } finally {
            lock.unlock();
        }
    }

    private void summarise(Instant now) {
        Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Window> e = it.next();
            Window w = e.getValue();
            if (w.start.plus(WINDOW).isAfter(now)) {
                return;
            }
            it.remove();
            if (w.counted > 0) {
                audit.record("anonymous", "state.refused-summary", String.join(", ", w.targets), "401",
                        w.counted + " more unauthenticated request(s) from " + e.getKey() + " refused between " + w.start
                                + " and " + w.start.plus(WINDOW) + " (workspaces: " + String.join(", ", w.targets)
                                + (w.targets.size() == NAMED_TARGETS ? ", ..." : "") + ")");
            }
        }
    }
}
