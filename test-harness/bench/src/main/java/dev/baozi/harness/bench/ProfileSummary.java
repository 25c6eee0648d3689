package dev.baozi.harness.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a {@code .jfr} recording of {@link ProfileState} with the {@code jdk.jfr.consumer} API and
 * sums it up in Markdown: CPU samples per thread group and per phase; in Baozi's threads (the
 * request threads and the threads of its OpenBao client, not the load's) the top frames by self
 * and total share, grouped by library (Jetty, Javalin, Jackson, java.net.http, JDBC/H2/jOOQ, gzip,
 * digests) and by Baozi class; which Baozi method the samples are under; allocation hot spots; and
 * park time (the thread hand-offs).
 */
record ProfileSummary(Path file, List<ProfileState.Phase> phases, List<String> loadClientTags, List<RecordedEvent> events) {

    private static final int TOP = 15;

    static ProfileSummary of(Path file, List<ProfileState.Phase> phases, List<String> loadClientTags) throws IOException {
        return new ProfileSummary(file, phases, loadClientTags, RecordingFile.readAllEvents(file));
    }

    /** Where a thread belongs: the load (not Baozi), Baozi's request handling, Baozi's OpenBao client, or else. */
    String threadGroup(RecordedThread thread) {
        if (thread == null) {
            return "no thread";
        }
        String name = thread.getJavaName() == null ? "" : thread.getJavaName();
        if (name.startsWith("pool-") || loadClientTags.stream().anyMatch(name::startsWith)) {
            return "load (bench client)";
        }
        if (name.startsWith("HttpClient-")) {
            return "Baozi: OpenBao client threads (java.net.http)";
        }
        if (name.equals("audit-writer")) {
            return "Baozi: audit writer (background, off the request path)";
        }
        if (thread.isVirtual()) {
            return "Baozi: request threads (virtual)";
        }
        if (name.startsWith("JettyServerThreadPool") || name.startsWith("qtp") || name.startsWith("ForkJoinPool")) {
            return "Baozi: Jetty and carrier threads";
        }
        return "other (" + name.replaceAll("\\d+", "N") + ")";
    }

    private boolean baozi(RecordedThread thread) {
        return threadGroup(thread).startsWith("Baozi");
    }

    /** A frame's library, or its class for Baozi's own code. */
    static String category(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        if (type.startsWith("dev.baozi.")) {
            return "Baozi " + simpleName(type);
        }
        if (type.startsWith("org.eclipse.jetty.")) {
            return "Jetty";
        }
        if (type.startsWith("io.javalin.")) {
            return "Javalin";
        }
        if (type.startsWith("com.fasterxml.jackson.")) {
            return "Jackson";
        }
        if (type.startsWith("java.net.http.") || type.startsWith("jdk.internal.net.http.")) {
            return "java.net.http";
        }
        if (type.startsWith("org.h2.") || type.startsWith("org.jooq.") || type.startsWith("com.zaxxer.")
                || type.startsWith("java.sql.") || type.startsWith("org.flywaydb.")) {
            return "JDBC/H2/jOOQ";
        }
        if (type.startsWith("java.util.zip.")) {
            return "gzip (java.util.zip)";
        }
        if (type.startsWith("sun.security.provider.") || type.startsWith("java.security.")) {
            return "digests (MessageDigest)";
        }
        if (type.startsWith("sun.nio.") || type.startsWith("java.nio.") || type.startsWith("sun.net.")) {
            return "NIO/sockets";
        }
        if (type.startsWith("java.util.concurrent.") || type.startsWith("java.lang.VirtualThread")
                || type.startsWith("jdk.internal.vm.") || type.startsWith("jdk.internal.misc.")) {
            return "threads/locks (j.u.c, virtual threads)";
        }
        if (type.startsWith("org.slf4j.") || type.startsWith("ch.qos.")) {
            return "logging";
        }
        if (type.startsWith("java.util.regex.")) {
            return "regex";
        }
        if (type.startsWith("java.lang.invoke.") || type.startsWith("jdk.internal.reflect.")) {
            return "reflection/invoke";
        }
        int dot = type.lastIndexOf('.');
        return dot < 0 ? type : type.substring(0, dot);
    }

    static String method(RecordedFrame frame) {
        RecordedMethod m = frame.getMethod();
        return simpleName(m.getType().getName()) + "." + m.getName();
    }

    /** A class's simple name; a lambda's ({@code Outer$$Lambda.0x...}) is its outer class's, nested ones keep {@code Outer$Inner}. */
    static String simpleName(String type) {
        int lambda = type.indexOf("$$Lambda");
        String named = lambda < 0 ? type : type.substring(0, lambda);
        return named.substring(named.lastIndexOf('.') + 1);
    }

    /** The nearest Baozi method on the stack (the code that asked for this work), or "(no Baozi frame)". */
    static String baoziCaller(RecordedStackTrace stack) {
        if (stack != null) {
            for (RecordedFrame f : stack.getFrames()) {
                if (f.isJavaFrame() && f.getMethod().getType().getName().startsWith("dev.baozi.")) {
                    return method(f);
                }
            }
        }
        return "(no Baozi frame)";
    }

    String markdown() {
        var out = new StringBuilder();
        List<RecordedEvent> samples = events.stream().filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample")).toList();
        List<RecordedEvent> mine = samples.stream().filter(e -> baozi(e.getThread("sampledThread"))).toList();
        out.append("Profile of the state backend (JFR, ").append(file.getFileName()).append("): ")
                .append(samples.size()).append(" CPU samples in all, ").append(mine.size())
                .append(" in Baozi's threads.\n\n");

        out.append("| phase | calls | p50 ms | p99 ms | Baozi CPU samples | samples per call |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (ProfileState.Phase p : phases) {
            long n = mine.stream().filter(e -> within(e.getStartTime(), p)).count();
            out.append(String.format("| %s | %d | %.2f | %.2f | %d | %.2f |%n", p.name(), p.result().count(),
                    p.result().p50Millis(), p.result().p99Millis(), n, (double) n / Math.max(1, p.result().count())));
        }

        out.append("\nCPU samples by thread group:\n\n");
        table(out, "thread group", "samples", count(samples, e -> threadGroup(e.getThread("sampledThread")), e -> 1),
                samples.size(), 10);

        out.append("\nBaozi's threads, self (the frame on top), by library or Baozi class:\n\n");
        table(out, "category", "samples", count(mine, e -> top(e).map(ProfileSummary::category).orElse("?"), e -> 1),
                mine.size(), TOP);

        out.append("\nBaozi's threads, total (anywhere on the stack), by library or Baozi class:\n\n");
        table(out, "category", "samples", total(mine, ProfileSummary::category), mine.size(), TOP + 10);

        out.append("\nBaozi's threads, self, by method:\n\n");
        table(out, "method", "samples", count(mine, e -> top(e).map(f -> category(f) + ": " + method(f)).orElse("?"), e -> 1),
                mine.size(), TOP);

        out.append("\nBaozi's threads, total, by Baozi method:\n\n");
        table(out, "method", "samples", total(mine, f -> f.getMethod().getType().getName().startsWith("dev.baozi.")
                ? method(f) : null), mine.size(), TOP + 5);

        out.append("\nBaozi's threads, by the nearest Baozi method and the library on top (what each Baozi call costs):\n\n");
        table(out, "Baozi caller / self", "samples", count(mine, e -> baoziCaller(e.getStackTrace()) + " / "
                + top(e).map(ProfileSummary::category).orElse("?"), e -> 1), mine.size(), TOP + 5);

        for (ProfileState.Phase p : phases) {
            List<RecordedEvent> in = mine.stream().filter(e -> within(e.getStartTime(), p)).toList();
            out.append("\n").append(p.name()).append(", total by library or Baozi class (").append(in.size())
                    .append(" samples):\n\n");
            table(out, "category", "samples", total(in, ProfileSummary::category), in.size(), 12);
        }

        List<RecordedEvent> allocations = events.stream()
                .filter(e -> e.getEventType().getName().equals("jdk.ObjectAllocationSample") && baozi(e.getThread())).toList();
        long allocated = allocations.stream().mapToLong(e -> e.getLong("weight")).sum();
        out.append(String.format("%nAllocation samples in Baozi's threads (weight: bytes they stand for, %.0f MiB in all),"
                + " by the nearest Baozi method and the allocating library:%n%n", allocated / 1048576.0));
        table(out, "Baozi caller / allocating frame", "MiB", count(allocations, e -> baoziCaller(e.getStackTrace()) + " / "
                + top(e).map(ProfileSummary::category).orElse("?"), e -> e.getLong("weight")), allocated, TOP);
        out.append("\nAllocation by class:\n\n");
        table(out, "class", "MiB", count(allocations, e -> e.getClass("objectClass").getName(), e -> e.getLong("weight")),
                allocated, 8);

        List<RecordedEvent> parks = events.stream().filter(e -> e.getEventType().getName().equals("jdk.ThreadPark")
                && !threadGroup(e.getThread()).startsWith("load")).toList();
        long parked = parks.stream().mapToLong(e -> e.getDuration().toNanos()).sum();
        int calls = phases.stream().mapToInt(p -> p.result().count()).sum();
        out.append(String.format("%nThread parks outside the load's threads (hand-offs between threads): %d parks,"
                + " %.2f per call, %.0f ms parked in all; by thread group and the code that parked:%n%n",
                parks.size(), (double) parks.size() / Math.max(1, calls), parked / 1e6));
        table(out, "thread group / parked in", "parks", count(parks, e -> threadGroup(e.getThread()) + " / " + parkSite(e),
                e -> 1), parks.size(), 10);
        long pinned = events.stream().filter(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned")).count();
        long monitors = events.stream().filter(e -> e.getEventType().getName().equals("jdk.JavaMonitorEnter")
                && baozi(e.getThread())).count();
        List<RecordedEvent> gcs = events.stream().filter(e -> e.getEventType().getName().equals("jdk.GarbageCollection")).toList();
        out.append(String.format("%nVirtual threads pinned: %d; contended monitor entries in Baozi's threads: %d;"
                + " collections: %d (%.0f ms of pauses).%n", pinned, monitors, gcs.size(),
                gcs.stream().mapToLong(e -> e.getDuration("sumOfPauses").toNanos()).sum() / 1e6));
        return out.toString();
    }

    private static boolean within(Instant t, ProfileState.Phase p) {
        return !t.isBefore(p.from()) && t.isBefore(p.to());
    }

    private static java.util.Optional<RecordedFrame> top(RecordedEvent e) {
        RecordedStackTrace s = e.getStackTrace();
        return s == null || s.getFrames().isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(s.getFrames().getFirst());
    }

    /** The first frame that is not the parking machinery itself. */
    private static String parkSite(RecordedEvent e) {
        RecordedStackTrace s = e.getStackTrace();
        if (s == null) {
            return "?";
        }
        for (RecordedFrame f : s.getFrames()) {
            String type = f.getMethod().getType().getName();
            if (!type.startsWith("jdk.internal.misc.") && !type.startsWith("java.util.concurrent.locks.")
                    && !type.startsWith("java.lang.VirtualThread") && !type.equals("java.lang.Thread")
                    && !type.startsWith("java.util.concurrent.CompletableFuture")
                    && !type.startsWith("java.util.concurrent.SynchronousQueue")
                    && !type.startsWith("java.util.concurrent.LinkedTransferQueue")
                    && !type.startsWith("java.util.concurrent.ForkJoinPool")) {
                return category(f) + ": " + method(f);
            }
        }
        return "?";
    }

    private static Map<String, Long> count(List<RecordedEvent> events, java.util.function.Function<RecordedEvent, String> key,
            ToLongFunction<RecordedEvent> weight) {
        Map<String, Long> counts = new HashMap<>();
        for (RecordedEvent e : events) {
            counts.merge(key.apply(e), weight.applyAsLong(e), Long::sum);
        }
        return counts;
    }

    /** For each key, the samples with at least one frame of that key (each sample counted once per key). */
    private static Map<String, Long> total(List<RecordedEvent> samples, java.util.function.Function<RecordedFrame, String> key) {
        Map<String, Long> counts = new HashMap<>();
        for (RecordedEvent e : samples) {
            RecordedStackTrace s = e.getStackTrace();
            if (s == null) {
                continue;
            }
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : s.getFrames()) {
                String k = key.apply(f);
                if (k != null && seen.add(k)) {
                    counts.merge(k, 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    private static void table(StringBuilder out, String keyHeader, String unit, Map<String, Long> counts, long all, int limit) {
        boolean mib = unit.equals("MiB");
        out.append("| ").append(keyHeader).append(" | ").append(unit).append(" | share |\n| --- | ---: | ---: |\n");
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(limit)
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach((k, v) -> out.append("| ").append(k.replace("|", "\\|")).append(" | ")
                .append(mib ? String.format("%.1f", v / 1048576.0) : String.valueOf(v)).append(" | ")
                .append(String.format("%.1f%%", 100.0 * v / Math.max(1, all))).append(" |\n"));
    }
}
