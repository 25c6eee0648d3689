package dev.baozi.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.Tools;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code make bench}: starts a dev OpenBao and the real orchestrator in this JVM, then measures
 * GET and POST on {@code /state/{workspace}} against the same reads and writes done straight on
 * OpenBao KV v2, for a ~100 KiB and a ~5 MiB state at 1 and 32 clients; then a 50 MiB round trip
 * with the JVM's peak heap. Prints a Markdown report and writes it to {@code docs/benchmarks.md}
 * (or the path given as the first argument). Every loop is bounded; the run stops by itself.
 */
public final class StateBench {

    static final String KV_MOUNT = "baozi";
    static final int[] CLIENTS = {1, 32};
    /** How many turns the three ways of one cell take (see {@link #row}). */
    static final int ROUNDS = 3;
    private static final int MAX_CLIENTS = 32;
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    /** The two operations of the state backend that a plan/apply cycle makes most. */
    enum Op { GET, POST }

    /** How long to drive one (size, clients, op, target) cell. */
    record Budget(Duration warmup, Duration measure, int maxOpsPerClient) {}

    /**
     * One table row: the same cell through Baozi, straight on OpenBao as one KV value ({@code direct},
     * the target's baseline), and as the OpenBao calls Baozi makes, made straight ({@code layout}).
     */
    record Row(StateFixture fixture, int clients, Op op, LoadRunner.Result baozi, LoadRunner.Result direct,
               LoadRunner.Result layout) {}

    /** The 50 MiB round trip through {@code /state/{ws}}. */
    record RoundTrip(int bytes, double gzipRatio, long postMillis, long getMillis, boolean sameSha256,
                     long baselineMiB, long sampledPeakMiB, long poolPeakSumMiB, long maxHeapMiB) {}

    private final BaoziStateClient baozi;
    private final KvDirectClient direct;
    private final KvLayoutClient layout;

    private StateBench(BaoziStateClient baozi, KvDirectClient direct, KvLayoutClient layout) {
        this.baozi = baozi;
        this.direct = direct;
        this.layout = layout;
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        Path work = Path.of(args.length > 1 ? args[1] : "test-harness/target/bench");
        long started = System.nanoTime();

        log("rendering the fixtures (100 KiB, 5 MiB, 50 MiB states)");
        var small = StateFixture.ofSize("100 KiB", (int) (100 * KIB), 8, 11, true);
        var large = StateFixture.ofSize("5 MiB", (int) (5 * MIB), 4, 22, true);
        var huge = StateFixture.ofSize("50 MiB", (int) (50 * MIB), 1, 33, false);

        List<Row> rows = new ArrayList<>();
        RoundTrip roundTrip;
        String openBaoVersion = openBaoVersion();
        try (OpenBaoServer bao = OpenBaoServer.startDev(work)) {
            var access = new OrchestratorAccess(bao.rootAdmin(), KV_MOUNT, "baozi-transit");
            OrchestratorAccess.AppRoleCredentials credentials = access.provisionAndIssue();
            String appRoleToken = appRoleLogin(bao, credentials);
            String adminToken = "bench-admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

            Map<String, String> env = new HashMap<>();
            env.put("BAOZI_HTTP_HOST", "127.0.0.1");
            env.put("BAOZI_HTTP_PORT", "0");
            env.put("BAOZI_DB_URL", "jdbc:h2:mem:bench-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
            env.put("BAOZI_OPENBAO_ADDRESS", bao.address().toString());
            env.put("BAOZI_OPENBAO_TIMEOUT", "10s");
            env.put("BAOZI_OPENBAO_APPROLE_ROLE_ID", credentials.roleId());
            env.put("BAOZI_OPENBAO_APPROLE_SECRET_ID", credentials.secretId());
            env.put("BAOZI_AUTH_ADMIN_TOKEN", adminToken);

            try (Orchestrator orchestrator = Orchestrator.start(ConfigLoader.load(null, env))) {
                var bench = new StateBench(
                        new BaoziStateClient(URI.create("http://127.0.0.1:" + orchestrator.port()), adminToken),
                        new KvDirectClient(bao.address(), KV_MOUNT, appRoleToken),
                        new KvLayoutClient(bao.address(), KV_MOUNT, appRoleToken));
                Workloads smallLoad = bench.workloads(small);
                Workloads largeLoad = bench.workloads(large);
                // Until the JIT has compiled the orchestrator's and the clients' paths, a call costs
                // several times what it costs later: drive every workload before measuring any.
                // Measured: Baozi's GET path needs about 5000 calls before its latency settles.
                log("warming up: every workload, both sizes, 4 clients (about 90 s)");
                smallLoad.warmUp(Duration.ofSeconds(10));
                largeLoad.warmUp(Duration.ofSeconds(5));
                rows.addAll(cells(smallLoad, new Budget(Duration.ofSeconds(3), Duration.ofSeconds(6), 6000)));
                rows.addAll(cells(largeLoad, new Budget(Duration.ofSeconds(3), Duration.ofSeconds(9), 600)));
                roundTrip = bench.roundTrip(huge);
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String report = BenchReport.markdown(BenchReport.Machine.here(openBaoVersion), List.of(small, large), rows,
                roundTrip, took);
        System.out.println();
        System.out.println(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        log("wrote " + out + " (" + took.toSeconds() + " s in all)");
    }

    /** The six ways one state size is driven: GET and POST, through Baozi and the two ways straight on OpenBao. */
    record Workloads(StateFixture fixture, LoadRunner.Workload baoziGet, LoadRunner.Workload directGet,
                     LoadRunner.Workload layoutGet, LoadRunner.Workload baoziPost, LoadRunner.Workload directPost,
                     LoadRunner.Workload layoutPost) {

        void warmUp(Duration each) {
            for (LoadRunner.Workload w : List.of(baoziGet, directGet, layoutGet, baoziPost, directPost, layoutPost)) {
                LoadRunner.run(4, Duration.ZERO, each, 100_000, w);
            }
        }
    }

    /** The four (clients, op) cells of one state size, each through Baozi and straight on OpenBao. */
    private static List<Row> cells(Workloads w, Budget budget) {
        List<Row> rows = new ArrayList<>();
        for (int clients : CLIENTS) {
            rows.add(row(w.fixture(), clients, Op.GET, budget, w.baoziGet(), w.directGet(), w.layoutGet()));
            rows.add(row(w.fixture(), clients, Op.POST, budget, w.baoziPost(), w.directPost(), w.layoutPost()));
        }
        return rows;
    }

    /** Writes what the GETs read, issues a token per workspace, and builds the four workloads. */
    private Workloads workloads(StateFixture fixture) throws Exception {
        String slug = fixture.size() > MIB ? "large" : "small";
        // GET: every client reads one shared workspace (or KV path) written once beforehand.
        String getWorkspace = "bench-" + slug + "-get";
        String getToken = baozi.issueStateToken(getWorkspace);
        byte[] initial = fixture.state(0, 1);
        baozi.post(getWorkspace, getToken, initial, BaoziStateClient.md5(initial));
        String getPath = "bench-direct/" + slug + "-get";
        direct.write(getPath, fixture.kvWriteBody(0, 1));
        requireSame("Baozi GET", initial, baozi.get(getWorkspace, getToken));
        requireSame("direct KV read", initial, direct.read(getPath));
        String getLayout = slug + "-get";
        layout.write(layout.prepare(getLayout, initial, 1), 0);
        requireSame("direct read in Baozi's layout", initial, layout.read(getLayout));

        // POST: one workspace (or KV path) per client, so each client's serials only go up.
        String[] postWorkspaces = new String[MAX_CLIENTS];
        String[] postTokens = new String[MAX_CLIENTS];
        String[] postPaths = new String[MAX_CLIENTS];
        for (int c = 0; c < MAX_CLIENTS; c++) {
            postWorkspaces[c] = "bench-" + slug + "-w" + c;
            postTokens[c] = baozi.issueStateToken(postWorkspaces[c]);
            postPaths[c] = "bench-direct/" + slug + "-w" + c;
        }
        long[] baoziSerial = new long[MAX_CLIENTS];
        long[] baoziVersion = new long[MAX_CLIENTS];
        long[] directSerial = new long[MAX_CLIENTS];
        long[] layoutSerial = new long[MAX_CLIENTS];
        long[] layoutVersion = new long[MAX_CLIENTS];

        LoadRunner.Workload baoziGet = client -> () -> {
            byte[] got = baozi.get(getWorkspace, getToken);
            if (got.length != initial.length) {
                throw new IllegalStateException("Baozi GET returned " + got.length + " bytes, not " + initial.length);
            }
        };
        LoadRunner.Workload directGet = client -> () -> {
            byte[] got = direct.read(getPath);
            if (got.length != initial.length) {
                throw new IllegalStateException("KV read returned " + got.length + " bytes, not " + initial.length);
            }
        };
        LoadRunner.Workload baoziPost = client -> {
            long serial = ++baoziSerial[client];
            byte[] body = fixture.state((int) (serial % fixture.variantCount()), serial);
            String md5 = BaoziStateClient.md5(body);
            return () -> {
                long version = baozi.post(postWorkspaces[client], postTokens[client], body, md5);
                if (version <= baoziVersion[client]) {
                    throw new IllegalStateException("POST of serial " + serial + " to " + postWorkspaces[client]
                            + " made no new version (" + version + " after " + baoziVersion[client] + ")");
                }
                baoziVersion[client] = version;
            };
        };
        LoadRunner.Workload directPost = client -> {
            long serial = ++directSerial[client];
            byte[] body = fixture.kvWriteBody((int) (serial % fixture.variantCount()), serial);
            return () -> direct.write(postPaths[client], body);
        };

        LoadRunner.Workload layoutGet = client -> () -> {
            byte[] got = layout.read(getLayout);
            if (got.length != initial.length) {
                throw new IllegalStateException("layout read returned " + got.length + " bytes, not " + initial.length);
            }
        };
        LoadRunner.Workload layoutPost = client -> {
            long serial = ++layoutSerial[client];
            KvLayoutClient.Prepared prepared = layout.prepare(slug + "-w" + client,
                    fixture.state((int) (serial % fixture.variantCount()), serial), serial);
            return () -> layoutVersion[client] = layout.write(prepared, layoutVersion[client]);
        };

        return new Workloads(fixture, baoziGet, directGet, layoutGet, baoziPost, directPost, layoutPost);
    }

    /**
     * Measures one cell three ways. The three take turns ({@link #ROUNDS} rounds of Baozi, direct,
     * Baozi's calls, each with a third of the budget) and each way's rounds are merged, so a slow
     * spell of the shared machine (a collection, OpenBao's own housekeeping) falls on all three
     * instead of on whichever happened to run then.
     */
    private static Row row(StateFixture fixture, int clients, Op op, Budget budget,
                           LoadRunner.Workload throughBaozi, LoadRunner.Workload straight,
                           LoadRunner.Workload baoziCalls) {
        log(String.format("%-7s %-4s %2d client(s): Baozi, OpenBao KV v2 directly, Baozi's OpenBao calls straight;"
                + " %d rounds", fixture.label(), op, clients, ROUNDS));
        Duration warmup = budget.warmup().dividedBy(ROUNDS);
        Duration measure = budget.measure().dividedBy(ROUNDS);
        int maxOps = Math.max(1, budget.maxOpsPerClient() / ROUNDS);
        LoadRunner.Result b = null;
        LoadRunner.Result d = null;
        LoadRunner.Result l = null;
        for (int round = 0; round < ROUNDS; round++) {
            b = merged(b, LoadRunner.run(clients, warmup, measure, maxOps, throughBaozi));
            d = merged(d, LoadRunner.run(clients, warmup, measure, maxOps, straight));
            l = merged(l, LoadRunner.run(clients, warmup, measure, maxOps, baoziCalls));
        }
        log(String.format("    p50 %.2f ms vs %.2f ms (Baozi's calls %.2f ms), %.1f ops/s vs %.1f ops/s (%.1f)",
                b.p50Millis(), d.p50Millis(), l.p50Millis(), b.opsPerSecond(), d.opsPerSecond(), l.opsPerSecond()));
        return new Row(fixture, clients, op, b, d, l);
    }

    private static LoadRunner.Result merged(LoadRunner.Result sofar, LoadRunner.Result next) {
        return sofar == null ? next : sofar.and(next);
    }

    /** POST then GET of one 50 MiB state through Baozi, with the JVM's heap watched throughout. */
    private RoundTrip roundTrip(StateFixture fixture) throws Exception {
        String workspace = "bench-huge";
        String token = baozi.issueStateToken(workspace);
        byte[] state = fixture.state(0, 1);
        String md5 = BaoziStateClient.md5(state);
        String sha256 = sha256(state);
        log("50 MiB round trip (" + state.length + " bytes)");
        long postNanos;
        long getNanos;
        byte[] back;
        HeapWatch watch;
        try (HeapWatch w = new HeapWatch()) {
            watch = w;
            long t0 = System.nanoTime();
            baozi.post(workspace, token, state, md5);
            long t1 = System.nanoTime();
            back = baozi.get(workspace, token);
            long t2 = System.nanoTime();
            postNanos = t1 - t0;
            getNanos = t2 - t1;
        }
        boolean same = sha256.equals(sha256(back));
        if (!same) {
            throw new IllegalStateException("the 50 MiB state came back different (sha256 " + sha256(back)
                    + ", sent " + sha256 + ")");
        }
        return new RoundTrip(state.length, fixture.gzipRatio(), postNanos / 1_000_000, getNanos / 1_000_000, same,
                watch.baselineMiB(), watch.sampledPeakMiB(), watch.poolPeakSumMiB(), HeapWatch.maxHeapMiB());
    }

    private static String appRoleLogin(OpenBaoServer bao, OrchestratorAccess.AppRoleCredentials credentials) {
        var body = new ObjectMapper().createObjectNode()
                .put("role_id", credentials.roleId())
                .put("secret_id", credentials.secretId());
        String token = bao.rootAdmin().withToken(null).write("auth/approle/login", body)
                .path("auth").path("client_token").asText();
        if (token.isEmpty()) {
            throw new IllegalStateException("logging in with the orchestrator's AppRole gave no token");
        }
        return token;
    }

    private static String openBaoVersion() {
        try {
            Process p = new ProcessBuilder(Tools.bao().toString(), "version").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return text.isEmpty() ? "unknown" : text.lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static void requireSame(String what, byte[] expected, byte[] got) {
        if (!sha256(expected).equals(sha256(got))) {
            throw new IllegalStateException(what + " returned other bytes than were written");
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void log(String line) {
        System.err.println("[bench] " + line);
    }
}
