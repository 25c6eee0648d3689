package dev.baozi.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.Folders;
import dev.baozi.harness.Tools;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.harness.postgres.PostgresServer;
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
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code make bench}: starts a dev OpenBao, the real orchestrator in this JVM and a throwaway
 * PostgreSQL, then measures {@code /state/{workspace}} (GET, POST, POST with the lock held, LOCK,
 * UNLOCK, the lock cycle) at 1 and 16 clients against the same work done straight on OpenBao KV
 * v2, against the OpenBao calls of Baozi's layout made straight, and (for the locks) against the
 * SQL OpenTofu's {@code pg} backend sends; then a 50 MiB round trip with the JVM's peak heap, and
 * the real tofu end to end on {@code backend "http"} (Baozi) and {@code backend "pg"}. Prints a
 * Markdown report and writes it to {@code docs/benchmarks.md} (or the path given as the first
 * argument), keeping the profile and run-bench blocks already there. Every loop is bounded.
 *
 * <p>For development: {@code -Dbench.only=small,large,lock,roundtrip,e2e} (any of them) picks
 * parts, {@code -Dbench.scale=0.2} shortens every warm-up and measuring period by that factor.
 */
public final class StateBench {

    static final String KV_MOUNT = "baozi";
    static final int[] CLIENTS = {1, 16};
    /** How many turns the ways of one cell take (see {@link #row}). */
    static final int ROUNDS = 3;
    /** Timed end-to-end rounds per backend (after one untimed round). */
    static final int E2E_ROUNDS = 5;
    private static final int MAX_CLIENTS = 16;
    /** How long every workload runs at 4 clients before anything is measured (JIT warm-up), per group. */
    static final Duration SMALL_WARM_UP = Duration.ofSeconds(5);
    static final Duration LARGE_WARM_UP = Duration.ofSeconds(3);
    static final Duration LOCK_WARM_UP = Duration.ofSeconds(3);
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT_KEEPALIVE = "jdk.httpclient.keepalive.timeout";
    private static final long STARTED = System.nanoTime();

    /** The ways one cell's work is done. */
    enum Way {
        BAOZI("Baozi"),
        DIRECT("direct KV v2"),
        CALLS("Baozi's calls, straight"),
        PG("pg backend's SQL, straight");

        final String label;

        Way(String label) {
            this.label = label;
        }
    }

    /** The operation a cell times: one call, or the lock cycle (LOCK, GET, POST with ?ID=, UNLOCK) as one. */
    enum Op {
        GET("GET"),
        POST("POST"),
        LOCK("LOCK"),
        UNLOCK("UNLOCK"),
        LOCK_CYCLE("lock cycle");

        final String label;

        Op(String label) {
            this.label = label;
        }
    }

    /** What a cell is judged by: the p50 of one call, or calls (cycles) per second. */
    enum Figure { P50, THROUGHPUT }

    /** How long to drive one cell, all rounds together, per way. */
    record Budget(Duration warmup, Duration measure, int maxOpsPerClient) {

        Budget scaled(double factor) {
            return new Budget(Duration.ofMillis((long) (warmup.toMillis() * factor)),
                    Duration.ofMillis((long) (measure.toMillis() * factor)), maxOpsPerClient);
        }
    }

    /**
     * One table row's coordinates: the operation, the state size (empty for LOCK and UNLOCK), the
     * clients, the figure judged, and whether the client holds the lock while it POSTs.
     */
    record Cell(Op op, String state, int clients, Figure figure, boolean lockHeld) {

        Cell(Op op, String state, int clients, Figure figure) {
            this(op, state, clients, figure, false);
        }

        String label() {
            return op.label + (state.isEmpty() ? "" : " " + state) + (lockHeld ? " (lock held)" : "") + ", " + clients
                    + (clients == 1 ? " client" : " clients");
        }
    }

    /** One measured row: every way's merged result. */
    record Row(Cell cell, Budget budget, Map<Way, LoadRunner.Result> results, long pgCreationLockRetries) {

        Optional<LoadRunner.Result> of(Way way) {
            return Optional.ofNullable(results.get(way));
        }

        LoadRunner.Result baozi() {
            return results.get(Way.BAOZI);
        }
    }

    /** The 50 MiB round trip through {@code /state/{ws}}. */
    record RoundTrip(int bytes, double gzipRatio, long postMillis, long getMillis, boolean sameSha256,
                     long baselineMiB, long sampledPeakMiB, long poolPeakSumMiB, long maxHeapMiB) {}

    /** A cell ready to measure: its ways' workloads. */
    private record Planned(Cell cell, Budget budget, Map<Way, LoadRunner.Workload> ways) {}

    /** Everything one run produced, for the report. */
    record Results(List<StateFixture> fixtures, List<Row> rows, RoundTrip roundTrip, TofuEndToEnd.Result endToEnd,
                   double scale) {}

    private final BaoziStateClient baozi;
    private final KvDirectClient direct;
    private final KvLayoutClient layout;
    private final PgBackendSql pg;

    private StateBench(BaoziStateClient baozi, KvDirectClient direct, KvLayoutClient layout, PgBackendSql pg) {
        this.baozi = baozi;
        this.direct = direct;
        this.layout = layout;
        this.pg = pg;
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (System.getProperty(CLIENT_KEEPALIVE) == null) {
            // The bench's HTTP clients drop a connection idle for 5 s, well before the orchestrator's
            // Jetty or OpenBao close it: at 16 clients with 5 MiB states the other ways' turns leave a
            // way's connections idle for tens of seconds, and a POST sent on a connection the server
            // is closing fails with "header parser received no bytes" (seen on the loaded machine).
            // It holds for every java.net.http client in this JVM, the orchestrator's own included.
            System.setProperty(CLIENT_KEEPALIVE, "5");
        }
        Path out = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        Path work = Path.of(args.length > 1 ? args[1] : "test-harness/target/bench");
        Set<String> parts = Set.of(System.getProperty("bench.only", "small,large,lock,roundtrip,e2e").split(","));
        double scale = Double.parseDouble(System.getProperty("bench.scale", "1"));
        long started = System.nanoTime();

        log("rendering the fixtures (100 KiB, 5 MiB" + (parts.contains("roundtrip") ? ", 50 MiB" : "") + " states)");
        var small = StateFixture.ofSize("100 KiB", (int) (100 * KIB), 8, 11, true);
        var large = StateFixture.ofSize("5 MiB", (int) (5 * MIB), 4, 22, true);
        var huge = parts.contains("roundtrip") ? StateFixture.ofSize("50 MiB", (int) (50 * MIB), 1, 33, false) : null;

        List<Row> rows = new ArrayList<>();
        RoundTrip roundTrip = null;
        TofuEndToEnd.Result endToEnd = null;
        String openBaoVersion = openBaoVersion();
        log("starting PostgreSQL (for the pg backend), OpenBao and the orchestrator");
        try (PostgresServer postgres = PostgresServer.start();
             OpenBaoServer bao = OpenBaoServer.startDev(work)) {
            var access = new OrchestratorAccess(bao.rootAdmin(), KV_MOUNT, "baozi-transit");
            OrchestratorAccess.AppRoleCredentials credentials = access.provisionAndIssue();
            String appRoleToken = appRoleLogin(bao, credentials);
            String adminToken = "bench-admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

            try (Orchestrator orchestrator = Orchestrator.start(ConfigLoader.load(null,
                    orchestratorEnv("bench", bao, credentials, adminToken)));
                 PgBackendSql pg = new PgBackendSql(postgres.jdbcUrl(), postgres.user(), postgres.password(),
                         MAX_CLIENTS)) {
                var bench = new StateBench(
                        new BaoziStateClient(URI.create("http://127.0.0.1:" + orchestrator.port()), adminToken),
                        new KvDirectClient(bao.address(), KV_MOUNT, appRoleToken),
                        new KvLayoutClient(bao.address(), KV_MOUNT, appRoleToken),
                        pg);
                // Per way, all rounds together: 1.5 s warm-up and 4.5 s measured (a 5 MiB cell at 16
                // clients overruns that by the calls still in flight when it ends).
                Budget smallBudget = new Budget(Duration.ofMillis(1500), Duration.ofMillis(4500), 6000).scaled(scale);
                Budget largeBudget = new Budget(Duration.ofMillis(1500), Duration.ofMillis(4500), 600).scaled(scale);
                // Until the JIT has compiled the orchestrator's and the clients' paths, a call costs
                // several times what it costs later: drive every workload before measuring any.
                // Measured: Baozi's GET path needs about 5000 calls before its latency settled.
                // The 5 MiB workloads come last (then the 50 MiB round trip): the states they leave in
                // the dev server's in-memory storage slow every later OpenBao call (a LOCK made
                // straight took 20.7 ms after them against 1.7 ms before), so the 100 KiB, lock and
                // tofu rows are measured first.
                List<Planned> plan = new ArrayList<>();
                if (parts.contains("small")) {
                    Duration warmUp = scaled(SMALL_WARM_UP, scale);
                    log("warming up the 100 KiB workloads, 4 clients, " + seconds(warmUp) + " s each");
                    plan.addAll(bench.sizeCells(small, smallBudget, warmUp));
                }
                if (parts.contains("lock")) {
                    Duration warmUp = scaled(LOCK_WARM_UP, scale);
                    log("warming up the lock cycles, 4 clients, " + seconds(warmUp) + " s each");
                    plan.addAll(bench.lockCells(small, smallBudget, warmUp));
                }
                for (Planned p : plan) {
                    long retriesBefore = pg.creationLockRetries();
                    rows.add(row(p, () -> pg.creationLockRetries() - retriesBefore));
                }
                if (parts.contains("e2e")) {
                    log("tofu init, apply (" + TofuEndToEnd.RESOURCES + " terraform_data) and a no-change plan on"
                            + " Baozi and on the pg backend; 1 + " + E2E_ROUNDS + " rounds");
                    Path e2eDir = Files.createTempDirectory("bench-e2e");
                    try {
                        endToEnd = new TofuEndToEnd(e2eDir, bench.baozi, postgres).run(E2E_ROUNDS);
                    } finally {
                        Folders.delete(e2eDir);
                    }
                }
                if (parts.contains("large")) {
                    Duration warmUp = scaled(LARGE_WARM_UP, scale);
                    log("warming up the 5 MiB workloads, 4 clients, " + seconds(warmUp) + " s each");
                    for (Planned p : bench.sizeCells(large, largeBudget, warmUp)) {
                        rows.add(row(p, () -> 0));
                    }
                }
                if (parts.contains("roundtrip")) {
                    roundTrip = bench.roundTrip(huge);
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        var results = new Results(List.of(small, large), rows, roundTrip, endToEnd, scale);
        String existing = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
        String report = BenchReport.markdown(BenchReport.Machine.here(openBaoVersion), results, took)
                + BenchReport.kept(existing, BenchReport.PROFILE_START, BenchReport.PROFILE_END)
                + BenchReport.kept(existing, RunBench.START, RunBench.END);
        System.out.println();
        System.out.println(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        log("wrote " + out + " (" + took.toSeconds() + " s in all)");
    }

    /**
     * GET and POST of one state size at 1 and 16 clients (and, for the 100 KiB state, POST with
     * the lock held at 1 client), each through Baozi, straight as one KV value, and as the calls
     * of Baozi's layout; every workload warmed up for {@code warmUp} at 4 clients first.
     */
    private List<Planned> sizeCells(StateFixture fixture, Budget budget, Duration warmUp) throws Exception {
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
        layout.write(layout.prepare(getLayout, initial, 1));
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

        LoadRunner.Workload baoziGet = client -> () -> requireLength("Baozi GET", initial,
                baozi.get(getWorkspace, getToken));
        LoadRunner.Workload directGet = client -> () -> requireLength("KV read", initial, direct.read(getPath));
        LoadRunner.Workload layoutGet = client -> () -> requireLength("layout read", initial, layout.read(getLayout));
        LoadRunner.Workload baoziPost = client -> {
            long serial = ++baoziSerial[client];
            byte[] body = fixture.state((int) (serial % fixture.variantCount()), serial);
            String md5 = BaoziStateClient.md5(body);
            return () -> {
                long version = baozi.post(postWorkspaces[client], postTokens[client], body, md5);
                baoziVersion[client] = requireNewer(postWorkspaces[client], serial, version, baoziVersion[client]);
            };
        };
        LoadRunner.Workload directPost = client -> {
            long serial = ++directSerial[client];
            byte[] body = fixture.kvWriteBody((int) (serial % fixture.variantCount()), serial);
            return () -> direct.write(postPaths[client], body);
        };
        LoadRunner.Workload layoutPost = client -> {
            long serial = ++layoutSerial[client];
            KvLayoutClient.Prepared prepared = layout.prepare(slug + "-w" + client,
                    fixture.state((int) (serial % fixture.variantCount()), serial), serial);
            return () -> layout.write(prepared);
        };
        for (LoadRunner.Workload w : List.of(baoziGet, directGet, layoutGet, baoziPost, directPost, layoutPost)) {
            LoadRunner.run(4, Duration.ZERO, warmUp, 100_000, w);
        }

        List<Planned> cells = new ArrayList<>();
        for (int clients : CLIENTS) {
            cells.add(new Planned(new Cell(Op.GET, fixture.label(), clients, Figure.P50), budget,
                    ways(baoziGet, directGet, layoutGet, null)));
            cells.add(new Planned(new Cell(Op.POST, fixture.label(), clients, Figure.P50), budget,
                    ways(baoziPost, directPost, layoutPost, null)));
        }
        if (slug.equals("small")) {
            cells.add(2, lockHeldPost(fixture, budget, directPost));
        }
        return cells;
    }

    /**
     * POST with the lock held at 1 client: the workspace is locked once (LOCK with tofu's lock
     * info), then every POST carries {@code ?ID=}; next to an unlocked direct write of the same
     * state and to the layout's head write that carries the lock along.
     */
    private Planned lockHeldPost(StateFixture fixture, Budget budget, LoadRunner.Workload directPost) throws Exception {
        String ws = "bench-small-held";
        String token = baozi.issueStateToken(ws);
        byte[] initial = fixture.state(0, 1);
        baozi.post(ws, token, initial, BaoziStateClient.md5(initial));
        String lockId = UUID.randomUUID().toString();
        baozi.lock(ws, token, BaoziStateClient.lockInfo(lockId));
        String layoutWs = "small-held";
        layout.write(layout.prepare(layoutWs, initial, 1));
        layout.lock(layoutWs, JSON.readTree(BaoziStateClient.lockInfo(lockId)));
        long[] serials = {1, 1};
        long[] version = {0};
        LoadRunner.Workload baoziPost = client -> {
            long serial = ++serials[0];
            byte[] body = fixture.state((int) (serial % fixture.variantCount()), serial);
            String md5 = BaoziStateClient.md5(body);
            return () -> version[0] = requireNewer(ws, serial, baozi.post(ws, token, body, md5, lockId), version[0]);
        };
        LoadRunner.Workload layoutPost = client -> {
            long serial = ++serials[1];
            var prepared = layout.prepare(layoutWs, fixture.state((int) (serial % fixture.variantCount()), serial), serial);
            return () -> layout.write(prepared);
        };
        LoadRunner.run(1, Duration.ZERO, budget.warmup(), 100_000, baoziPost);
        return new Planned(new Cell(Op.POST, fixture.label(), 1, Figure.P50, true), budget,
                ways(baoziPost, directPost, layoutPost, null));
    }

    /**
     * LOCK alone and UNLOCK alone at 1 client, and the lock cycle (LOCK, GET, POST with ?ID=,
     * UNLOCK) at 1 and 16 clients, each client on its own workspace: through Baozi, as the calls
     * of Baozi's layout, and as the pg backend's SQL. LOCK alone times the LOCK and makes the
     * UNLOCK before it untimed; UNLOCK alone the other way round.
     */
    private List<Planned> lockCells(StateFixture fixture, Budget budget, Duration warmUp) throws Exception {
        byte[] initial = fixture.state(0, 1);
        String[] workspaces = new String[MAX_CLIENTS];
        String[] tokens = new String[MAX_CLIENTS];
        List<String> pgNames = new ArrayList<>();
        for (int c = 0; c < MAX_CLIENTS; c++) {
            workspaces[c] = "bench-lock-w" + c;
            tokens[c] = baozi.issueStateToken(workspaces[c]);
            baozi.post(workspaces[c], tokens[c], initial, BaoziStateClient.md5(initial));
            layout.write(layout.prepare("lock-w" + c, initial, 1));
            pgNames.add("lock-w" + c);
        }
        pg.prepare(pgNames, initial);

        // What each client holds between calls: Baozi's and the layout's lock info, pg's row id.
        byte[][] baoziHeld = new byte[MAX_CLIENTS][];
        JsonNode[] layoutHeld = new JsonNode[MAX_CLIENTS];
        long[] pgHeld = new long[MAX_CLIENTS];
        Arrays.fill(pgHeld, -1);
        long[] baoziSerial = new long[MAX_CLIENTS];
        Arrays.fill(baoziSerial, 1);
        long[] layoutSerial = baoziSerial.clone();

        LoadRunner.Workload baoziLock = client -> {
            if (baoziHeld[client] != null) {
                baozi.unlock(workspaces[client], tokens[client], baoziHeld[client]);
                baoziHeld[client] = null;
            }
            byte[] info = BaoziStateClient.lockInfo(UUID.randomUUID().toString());
            return () -> {
                baozi.lock(workspaces[client], tokens[client], info);
                baoziHeld[client] = info;
            };
        };
        LoadRunner.Workload baoziUnlock = client -> {
            if (baoziHeld[client] == null) {
                byte[] info = BaoziStateClient.lockInfo(UUID.randomUUID().toString());
                baozi.lock(workspaces[client], tokens[client], info);
                baoziHeld[client] = info;
            }
            byte[] info = baoziHeld[client];
            return () -> {
                baozi.unlock(workspaces[client], tokens[client], info);
                baoziHeld[client] = null;
            };
        };
        LoadRunner.Workload layoutLock = client -> {
            if (layoutHeld[client] != null) {
                layout.unlock("lock-w" + client);
                layoutHeld[client] = null;
            }
            JsonNode info = JSON.readTree(BaoziStateClient.lockInfo(UUID.randomUUID().toString()));
            return () -> {
                layout.lock("lock-w" + client, info);
                layoutHeld[client] = info;
            };
        };
        LoadRunner.Workload layoutUnlock = client -> {
            if (layoutHeld[client] == null) {
                JsonNode info = JSON.readTree(BaoziStateClient.lockInfo(UUID.randomUUID().toString()));
                layout.lock("lock-w" + client, info);
                layoutHeld[client] = info;
            }
            return () -> {
                layout.unlock("lock-w" + client);
                layoutHeld[client] = null;
            };
        };
        LoadRunner.Workload pgLock = client -> {
            PgBackendSql.Session session = pg.session(client);
            if (pgHeld[client] >= 0) {
                session.unlock(pgHeld[client]);
                pgHeld[client] = -1;
            }
            return () -> pgHeld[client] = session.lock("lock-w" + client);
        };
        LoadRunner.Workload pgUnlock = client -> {
            PgBackendSql.Session session = pg.session(client);
            if (pgHeld[client] < 0) {
                pgHeld[client] = session.lock("lock-w" + client);
            }
            long id = pgHeld[client];
            return () -> {
                session.unlock(id);
                pgHeld[client] = -1;
            };
        };

        LoadRunner.Workload baoziCycle = client -> {
            releaseBaozi(workspaces[client], tokens[client], baoziHeld, client);
            long serial = ++baoziSerial[client];
            byte[] body = fixture.state((int) (serial % fixture.variantCount()), serial);
            String md5 = BaoziStateClient.md5(body);
            String id = UUID.randomUUID().toString();
            byte[] info = BaoziStateClient.lockInfo(id);
            return () -> {
                baozi.lock(workspaces[client], tokens[client], info);
                requireState("Baozi GET in a lock cycle", baozi.get(workspaces[client], tokens[client]).length);
                baozi.post(workspaces[client], tokens[client], body, md5, id);
                baozi.unlock(workspaces[client], tokens[client], info);
            };
        };
        LoadRunner.Workload layoutCycle = client -> {
            if (layoutHeld[client] != null) {
                layout.unlock("lock-w" + client);
                layoutHeld[client] = null;
            }
            long serial = ++layoutSerial[client];
            var prepared = layout.prepare("lock-w" + client,
                    fixture.state((int) (serial % fixture.variantCount()), serial), serial);
            JsonNode info = JSON.readTree(BaoziStateClient.lockInfo(UUID.randomUUID().toString()));
            return () -> {
                layout.lock("lock-w" + client, info);
                requireState("layout read in a lock cycle", layout.read("lock-w" + client).length);
                layout.write(prepared);
                layout.unlock("lock-w" + client);
            };
        };
        long[] pgSerial = new long[MAX_CLIENTS];
        LoadRunner.Workload pgCycle = client -> {
            PgBackendSql.Session session = pg.session(client);
            if (pgHeld[client] >= 0) {
                session.unlock(pgHeld[client]);
                pgHeld[client] = -1;
            }
            long serial = ++pgSerial[client];
            String data = new String(fixture.state((int) (serial % fixture.variantCount()), serial),
                    StandardCharsets.UTF_8);
            String name = "lock-w" + client;
            return () -> {
                long id = session.lock(name);
                requireState("pg backend's SELECT in a lock cycle", session.get(name).length());
                session.put(name, data);
                session.unlock(id);
            };
        };
        for (LoadRunner.Workload w : List.of(baoziCycle, layoutCycle, pgCycle)) {
            LoadRunner.run(4, Duration.ZERO, warmUp, 100_000, w);
        }
        return List.of(
                new Planned(new Cell(Op.LOCK, "", 1, Figure.P50), budget, ways(baoziLock, null, layoutLock, pgLock)),
                new Planned(new Cell(Op.UNLOCK, "", 1, Figure.P50), budget,
                        ways(baoziUnlock, null, layoutUnlock, pgUnlock)),
                new Planned(new Cell(Op.LOCK_CYCLE, fixture.label(), 1, Figure.P50), budget,
                        ways(baoziCycle, null, layoutCycle, pgCycle)),
                new Planned(new Cell(Op.LOCK_CYCLE, fixture.label(), 16, Figure.THROUGHPUT), budget,
                        ways(baoziCycle, null, layoutCycle, pgCycle)));
    }

    private void releaseBaozi(String workspace, String token, byte[][] held, int client) throws Exception {
        if (held[client] != null) {
            baozi.unlock(workspace, token, held[client]);
            held[client] = null;
        }
    }

    private static Map<Way, LoadRunner.Workload> ways(LoadRunner.Workload baozi, LoadRunner.Workload direct,
                                                       LoadRunner.Workload calls, LoadRunner.Workload pg) {
        Map<Way, LoadRunner.Workload> ways = new EnumMap<>(Way.class);
        ways.put(Way.BAOZI, baozi);
        if (direct != null) {
            ways.put(Way.DIRECT, direct);
        }
        if (calls != null) {
            ways.put(Way.CALLS, calls);
        }
        if (pg != null) {
            ways.put(Way.PG, pg);
        }
        return ways;
    }

    /**
     * Measures one cell every way. The ways take turns ({@link #ROUNDS} rounds, each way with a
     * third of the budget in each) and each way's rounds are merged, so a slow spell of the
     * shared machine (a collection, OpenBao's own housekeeping) falls on all of them instead of
     * on whichever happened to run then.
     */
    private static Row row(Planned planned, java.util.function.LongSupplier pgRetries) {
        Cell cell = planned.cell();
        log(String.format("%-32s %d rounds of %s", cell.label(), ROUNDS,
                String.join(", ", planned.ways().keySet().stream().map(w -> w.label).toList())));
        Budget budget = planned.budget();
        Duration warmup = budget.warmup().dividedBy(ROUNDS);
        Duration measure = budget.measure().dividedBy(ROUNDS);
        int maxOps = Math.max(1, budget.maxOpsPerClient() / ROUNDS);
        Map<Way, LoadRunner.Result> results = new EnumMap<>(Way.class);
        for (int round = 0; round < ROUNDS; round++) {
            planned.ways().forEach((way, workload) -> results.merge(way,
                    LoadRunner.run(cell.clients(), warmup, measure, maxOps, workload), LoadRunner.Result::and));
        }
        log("    " + String.join("; ", results.entrySet().stream().map(e -> String.format(Locale.ROOT,
                "%s p50 %.2f ms, %.1f/s", e.getKey().label, e.getValue().p50Millis(), e.getValue().opsPerSecond()))
                .toList()));
        return new Row(cell, budget, results, pgRetries.getAsLong());
    }

    private static long requireNewer(String workspace, long serial, long version, long previous) {
        if (version <= previous) {
            throw new IllegalStateException("POST of serial " + serial + " to " + workspace + " made no new version ("
                    + version + " after " + previous + ")");
        }
        return version;
    }

    private static void requireLength(String what, byte[] expected, byte[] got) {
        if (got.length != expected.length) {
            throw new IllegalStateException(what + " returned " + got.length + " bytes, not " + expected.length);
        }
    }

    private static void requireState(String what, int length) {
        if (length < 1000) {
            throw new IllegalStateException(what + " returned " + length + " bytes, not a state");
        }
    }

    private static Duration scaled(Duration d, double scale) {
        return Duration.ofMillis((long) (d.toMillis() * scale));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
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

    /**
     * The environment of the orchestrator a bench starts in its own JVM: a free loopback port, an
     * in-memory database named after {@code name}, {@code bao} through the AppRole, {@code adminToken}.
     */
    static Map<String, String> orchestratorEnv(String name, OpenBaoServer bao, OrchestratorAccess.AppRoleCredentials credentials,
            String adminToken) {
        Map<String, String> env = new HashMap<>();
        env.put("BAOZI_HTTP_HOST", "127.0.0.1");
        env.put("BAOZI_HTTP_PORT", "0");
        env.put("BAOZI_DB_URL", "jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        env.put("BAOZI_OPENBAO_ADDRESS", bao.address().toString());
        env.put("BAOZI_OPENBAO_TIMEOUT", "10s");
        env.put("BAOZI_OPENBAO_APPROLE_ROLE_ID", credentials.roleId());
        env.put("BAOZI_OPENBAO_APPROLE_SECRET_ID", credentials.secretId());
        env.put("BAOZI_AUTH_ADMIN_TOKEN", adminToken);
        return env;
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
        System.err.printf(Locale.ROOT, "[bench %4d s] %s%n", (System.nanoTime() - STARTED) / 1_000_000_000L, line);
    }
}
