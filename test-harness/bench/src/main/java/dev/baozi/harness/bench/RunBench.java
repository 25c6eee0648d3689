package dev.baozi.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.Deadline;
import dev.baozi.harness.Tools;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.auth.Tokens;
import dev.baozi.orchestrator.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code make bench}, runs part: an orchestrated plan of a 50-resource workspace against a
 * bare {@code tofu plan} of the same generated directory, and the orchestrator's peak heap
 * while 100 queued runs go through. Writes its section of docs/benchmarks.md.
 */
public final class RunBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int REPEATS = 7;
    private static final Set<String> FINAL = Set.of("applied", "planned_no_changes", "discarded", "canceled", "errored");
    static final String START = "<!-- run-bench:start -->";
    static final String END = "<!-- run-bench:end -->";

    private final String base;
    private final String admin;

    private RunBench(int port, String admin) {
        this.base = "http://127.0.0.1:" + port + "/api/v1";
        this.admin = admin;
    }

    public static void main(String[] args) throws Exception {
        Path doc = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        Path work = Files.createTempDirectory("run-bench");
        String adminToken = Tokens.generate("bza_");
        try (OpenBaoServer bao = OpenBaoServer.startDev(work)) {
            var credentials = new OrchestratorAccess(bao.rootAdmin(), "baozi", "baozi-transit").provisionAndIssue();
            var env = new HashMap<String, String>();
            env.put("BAOZI_HTTP_PORT", "0");
            env.put("BAOZI_DB_URL", "jdbc:h2:mem:run-bench;DB_CLOSE_DELAY=-1");
            env.put("BAOZI_OPENBAO_ADDRESS", bao.address().toString());
            env.put("BAOZI_OPENBAO_APPROLE_ROLE_ID", credentials.roleId());
            env.put("BAOZI_OPENBAO_APPROLE_SECRET_ID", credentials.secretId());
            env.put("BAOZI_AUTH_ADMIN_TOKEN", adminToken);
            env.put("BAOZI_RUNS_DIR", work.resolve("runs").toString());
            env.put("BAOZI_RUNS_SELF_APPROVAL", "true");
            env.put("BAOZI_TOFU_TEMPLATES_DIR", Path.of("tf-modules").toAbsolutePath().toString());
            try (Orchestrator orchestrator = Orchestrator.start(ConfigLoader.load(null, env))) {
                var bench = new RunBench(orchestrator.port(), adminToken);
                String section = bench.planRatio(work) + "\n" + bench.queuedRunsHeap();
                write(doc, section);
                System.out.println(section);
            }
        }
    }

    private String planRatio(Path work) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            names.add("item-" + i);
        }
        call("POST", "/workspaces", Map.of("name", "fifty", "template", "demo-data", "inputs", Map.of("names", names)));
        long first = runToEnd("fifty");
        if (!status(first).equals("applied")) {
            throw new IllegalStateException("the first run of the 50-resource workspace ended " + status(first));
        }
        List<Double> orchestrated = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            long started = System.nanoTime();
            long id = runToEnd("fifty");
            orchestrated.add((System.nanoTime() - started) / 1e6);
            if (!status(id).equals("planned_no_changes")) {
                throw new IllegalStateException("a no-change plan ended " + status(id));
            }
        }
        // The bare side: the same generated directory, planned by tofu directly.
        Path dir = work.resolve("bare");
        JsonNode files = call("GET", "/workspaces/fifty/files", null).path("files");
        for (var it = files.fields(); it.hasNext(); ) {
            var f = it.next();
            Path target = dir.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue().asText());
        }
        String stateToken = call("POST", "/workspaces/fifty/state-tokens", Map.of("name", "bench", "access", "read-write"))
                .path("token").asText();
        Path cliConfig = Tools.tofuCliConfig();
        tofu(dir, cliConfig, stateToken, "init", "-input=false");
        List<Double> barePlan = new ArrayList<>();
        List<Double> bareInitPlan = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            barePlan.add(tofu(dir, cliConfig, stateToken, "plan", "-input=false", "-detailed-exitcode"));
            bareInitPlan.add(tofu(dir, cliConfig, stateToken, "init", "-input=false")
                    + tofu(dir, cliConfig, stateToken, "plan", "-input=false", "-detailed-exitcode"));
        }
        double o = median(orchestrated);
        double b = median(barePlan);
        double bi = median(bareInitPlan);
        return """
                ### Orchestrated plan of a 50-resource workspace vs bare `tofu plan`

                Workspace `fifty` from `tf-modules/demo-data` with 48 names (50 `terraform_data` resources), applied once;
                then %d no-change plans through Baozi (queue → planned_no_changes, measured by the API client: directory
                generation, `tofu init`, `tofu plan -out`, `tofu show -json`, storing the reviewed plan) against %d bare
                `tofu plan` runs in a copy of the same generated directory, state in the same Baozi backend.

                | what | median | ratio to bare `tofu plan` |
                | --- | ---: | ---: |
                | Baozi run (queue to planned_no_changes) | %.0f ms | %.2f× |
                | bare `tofu plan` (initialised directory) | %.0f ms | 1.00× |
                | bare `tofu init` + `tofu plan` (what a fresh run directory needs) | %.0f ms | %.2f× |

                Samples (ms): Baozi %s; bare plan %s; bare init+plan %s.
                """.formatted(REPEATS, REPEATS, o, o / b, b, bi, bi / b, fmt(orchestrated), fmt(barePlan), fmt(bareInitPlan));
    }

    private String queuedRunsHeap() throws Exception {
        for (int w = 0; w < 10; w++) {
            call("POST", "/workspaces", Map.of("name", "heap-" + w, "template", "demo-data"));
        }
        List<Long> ids = new ArrayList<>();
        long started;
        long peakSampled;
        long peakPools;
        long baseline;
        try (var heap = new HeapWatch()) {
            baseline = heap.baselineMiB();
            started = System.nanoTime();
            for (int r = 0; r < 100; r++) {
                ids.add(call("POST", "/workspaces/heap-" + (r % 10) + "/runs", Map.of()).path("id").asLong());
            }
            Set<Long> done = new HashSet<>();
            Deadline.await("100 runs to end", Duration.ofMinutes(15), () -> {
                for (long id : ids) {
                    if (done.contains(id)) {
                        continue;
                    }
                    String status = status(id);
                    if (status.equals("planned")) {
                        call("POST", "/runs/" + id + "/approve", Map.of());
                    } else if (FINAL.contains(status)) {
                        done.add(id);
                    }
                }
                return done.size() == ids.size();
            });
            heap.close();
            peakSampled = heap.sampledPeakMiB();
            peakPools = heap.poolPeakSumMiB();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long applied = ids.stream().filter(id -> status(id).equals("applied")).count();
        return """
                ### Peak heap with 100 queued runs

                100 runs queued at once over 10 workspaces (cap: 2 tofu processes), approved as they were planned,
                until all ended (%d applied, %d no-change plans) in %.0f s. The orchestrator ran in this JVM (max heap
                %d MiB); heap after a collection before queueing: %d MiB.

                | measure | MiB |
                | --- | ---: |
                | peak heap in use, sampled every 2 ms | %d |
                | sum of the heap pools' own peaks (upper bound) | %d |
                """.formatted(applied, ids.size() - applied, seconds, HeapWatch.maxHeapMiB(), baseline, peakSampled, peakPools);
    }

    private long runToEnd(String workspace) {
        long id = call("POST", "/workspaces/" + workspace + "/runs", Map.of()).path("id").asLong();
        Deadline.await("run " + id + " to end", Duration.ofMinutes(5), () -> {
            String status = status(id);
            if (status.equals("planned")) {
                call("POST", "/runs/" + id + "/approve", Map.of("confirm_destroy", true));
            }
            return FINAL.contains(status);
        });
        return id;
    }

    private String status(long id) {
        return call("GET", "/runs/" + id, null).path("status").asText();
    }

    private JsonNode call(String method, String path, Object body) {
        try {
            var request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + admin)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs tofu in {@code dir}; returns its wall time in ms. */
    private static double tofu(Path dir, Path cliConfig, String stateToken, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Tools.tofu().toString()));
        command.addAll(List.of(args));
        var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("TF_CLI_CONFIG_FILE", cliConfig.toString());
        builder.environment().put("TF_HTTP_PASSWORD", stateToken);
        builder.environment().put("TF_IN_AUTOMATION", "1");
        long started = System.nanoTime();
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("tofu " + String.join(" ", args) + " failed: " + out);
        }
        return (System.nanoTime() - started) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String fmt(List<Double> values) {
        return String.join(", ", values.stream().map(v -> String.format("%.0f", v)).toList());
    }

    /** Replaces (or appends) this bench's section of the benchmarks document. */
    static void write(Path doc, String section) throws Exception {
        String text = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n";
        String block = START + "\n## Runs (`make bench`, `RunBench`)\n\n" + section + "\nReproduce: `make bench`.\n" + END + "\n";
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        String updated = start >= 0 && end > start
                ? text.substring(0, start) + block + text.substring(end + END.length()).replaceFirst("^\\n", "")
                : text.stripTrailing() + "\n\n" + block;
        Files.writeString(doc, updated);
    }
}
