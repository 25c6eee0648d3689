package dev.baozi.harness.bench;

import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * {@code make profile-state}: a short load on the state backend (GET and POST of a 100 KiB state
 * at 1 client, then LOCK/GET/POST/UNLOCK cycles) with JDK Flight Recorder on, in the same JVM as
 * a dev OpenBao's client and the real orchestrator (as {@link StateBench} sets them up), followed
 * by a summary of the recording ({@link ProfileSummary}): where Baozi's threads spend their CPU
 * samples, what they allocate, and where they park. Takes about a minute and a half.
 *
 * <p>Arguments: the work folder (OpenBao's data, the {@code .jfr} file), and optionally the
 * seconds each phase is measured (default 10).
 */
public final class ProfileState {

    private static final long KIB = 1024;

    private ProfileState() {}

    /** One measured phase: its name, when it ran, and the p50 of its calls. */
    record Phase(String name, Instant from, Instant to, LoadRunner.Result result) {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Path work = Path.of(args.length > 0 ? args[0] : "test-harness/bench/target/profile");
        Duration each = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 10);
        Files.createDirectories(work);
        var fixture = StateFixture.ofSize("100 KiB", (int) (100 * KIB), 8, 11, false);

        // Made before the orchestrator, so its selector thread is told apart from the orchestrator's OpenBao client.
        HttpClient loadHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<String> loadClientTags = new ArrayList<>(List.of("HttpClient-" + clientId(loadHttp) + "-"));

        List<Phase> phases = new ArrayList<>();
        Path jfr = work.resolve("state.jfr");
        try (OpenBaoServer bao = OpenBaoServer.startDev(work.resolve("openbao"))) {
            var access = new OrchestratorAccess(bao.rootAdmin(), StateBench.KV_MOUNT, "baozi-transit");
            OrchestratorAccess.AppRoleCredentials credentials = access.provisionAndIssue();
            String adminToken = "bench-admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            try (Orchestrator orchestrator = Orchestrator.start(ConfigLoader.load(null,
                    StateBench.orchestratorEnv("profile", bao, credentials, adminToken)))) {
                URI base = URI.create("http://127.0.0.1:" + orchestrator.port());
                // The setup client's HttpClient is the next one made after this probe: its threads are the load's too.
                long probe = Long.parseLong(clientId(HttpClient.newHttpClient()));
                var baozi = new BaoziStateClient(base, adminToken);
                loadClientTags.add("HttpClient-" + probe + "-");
                loadClientTags.add("HttpClient-" + (probe + 1) + "-");
                var load = new Load(baozi, new LockingClient(loadHttp, base), fixture);

                log("warming up GET, POST and the lock cycle (" + each.multipliedBy(2).toSeconds() + " s)");
                LoadRunner.run(1, Duration.ZERO, each.dividedBy(2), 100_000, load.get());
                LoadRunner.run(1, Duration.ZERO, each.dividedBy(2), 100_000, load.post());
                LoadRunner.run(1, Duration.ZERO, each, 100_000, load.cycle());

                try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
                    recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
                    recording.enable("jdk.ObjectAllocationSample").with("throttle", "2000/s");
                    recording.enable("jdk.ThreadPark").withThreshold(Duration.ofNanos(0)).withStackTrace();
                    recording.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ofNanos(0)).withStackTrace();
                    recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofNanos(0)).withStackTrace();
                    recording.enable("jdk.GarbageCollection");
                    recording.start();
                    phases.add(phase("GET 100 KiB, 1 client", each, load.get()));
                    phases.add(phase("POST 100 KiB, 1 client", each, load.post()));
                    phases.add(phase("lock cycle (LOCK, GET, POST, UNLOCK), 1 client", each, load.cycle()));
                    recording.stop();
                    recording.dump(jfr);
                }
            }
        }
        log("recording written to " + jfr);
        System.out.println(ProfileSummary.of(jfr, phases, loadClientTags).markdown());
    }

    private static Phase phase(String name, Duration each, LoadRunner.Workload workload) {
        log("recording: " + name + " (" + each.toSeconds() + " s)");
        Instant from = Instant.now();
        LoadRunner.Result result = LoadRunner.run(1, Duration.ZERO, each, 1_000_000, workload);
        Instant to = Instant.now();
        log(String.format("    p50 %.2f ms, p99 %.2f ms, %d calls", result.p50Millis(), result.p99Millis(), result.count()));
        return new Phase(name, from, to, result);
    }

    /** {@code HttpClientImpl@hash(N)}: N, the number in the client's thread names. */
    private static String clientId(HttpClient http) {
        Matcher m = Pattern.compile("\\((\\d+)\\)$").matcher(http.toString());
        if (!m.find()) {
            throw new IllegalStateException("this JDK's HttpClient names itself " + http + "; cannot tell its threads apart");
        }
        return m.group(1);
    }

    /** The three workloads: GET of one shared workspace, POST with rising serials, and the lock cycle. */
    private record Load(BaoziStateClient baozi, LockingClient locking, StateFixture fixture, String getToken,
            String postToken, String cycleToken, long[] serials) {

        Load(BaoziStateClient baozi, LockingClient locking, StateFixture fixture) throws Exception {
            this(baozi, locking, fixture, baozi.issueStateToken("profile-get"), baozi.issueStateToken("profile-post"),
                    baozi.issueStateToken("profile-cycle"), new long[2]);
            byte[] initial = fixture.state(0, 1);
            baozi.post("profile-get", getToken, initial, BaoziStateClient.md5(initial));
            byte[] first = fixture.state(0, 0);
            baozi.post("profile-cycle", cycleToken, first, BaoziStateClient.md5(first));
        }

        LoadRunner.Workload get() {
            return client -> () -> baozi.get("profile-get", getToken);
        }

        LoadRunner.Workload post() {
            return client -> {
                long serial = ++serials[0];
                byte[] body = fixture.state((int) (serial % fixture.variantCount()), serial);
                String md5 = BaoziStateClient.md5(body);
                return () -> baozi.post("profile-post", postToken, body, md5);
            };
        }

        LoadRunner.Workload cycle() {
            return client -> {
                long serial = ++serials[1];
                byte[] body = fixture.state((int) (serial % fixture.variantCount()), serial);
                String md5 = BaoziStateClient.md5(body);
                String id = UUID.randomUUID().toString();
                return () -> {
                    locking.send("LOCK", "profile-cycle", cycleToken, null, lockInfo(id));
                    baozi.get("profile-cycle", cycleToken);
                    locking.send("POST", "profile-cycle", cycleToken, id, body, md5);
                    locking.send("UNLOCK", "profile-cycle", cycleToken, null, lockInfo(id));
                };
            };
        }

        private static byte[] lockInfo(String id) {
            return ("{\"ID\":\"" + id + "\",\"Operation\":\"OperationTypeApply\",\"Info\":\"\",\"Who\":\"bench@profile\","
                    + "\"Version\":\"1.10.0\",\"Created\":\"" + Instant.now() + "\",\"Path\":\"\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** LOCK, UNLOCK and POST with {@code ?ID=}, as OpenTofu's http backend sends them; anything but 200 fails. */
    private record LockingClient(HttpClient http, URI base) {

        void send(String method, String workspace, String token, String lockId, byte[] body) throws IOException, InterruptedException {
            send(method, workspace, token, lockId, body, null);
        }

        void send(String method, String workspace, String token, String lockId, byte[] body, String md5)
                throws IOException, InterruptedException {
            var request = HttpRequest.newBuilder(base.resolve("/state/" + workspace + (lockId == null ? "" : "?ID=" + lockId)))
                    .timeout(Duration.ofMinutes(1))
                    .header("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString(("bench:" + token).getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            if (md5 != null) {
                request.header("Content-MD5", md5);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(method + " /state/" + workspace + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
        }
    }

    private static void log(String line) {
        System.err.println("[profile] " + line);
    }
}
