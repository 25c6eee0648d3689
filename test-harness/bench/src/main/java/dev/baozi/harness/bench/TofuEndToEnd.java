package dev.baozi.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.TofuCli;
import dev.baozi.harness.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real {@code tofu} (from the tools, offline as the harness runs it) end to end on two
 * backends: {@code tofu init}, {@code tofu apply -auto-approve} of {@value #RESOURCES}
 * {@code terraform_data} resources into an empty state, then a no-change {@code tofu plan}; once
 * with {@code backend "http"} on Baozi and once with OpenTofu's built-in {@code backend "pg"} on
 * a local PostgreSQL, in a fresh directory and a fresh workspace (schema) each round, the two
 * taking turns and swapping who goes first every round.
 */
final class TofuEndToEnd {

    static final int RESOURCES = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which backend a run used. */
    enum Backend { BAOZI, PG }

    /** Wall times of one round's three commands on one backend, in milliseconds. */
    record Timings(double initMillis, double applyMillis, double planMillis) {}

    /** Every timed round of both backends (the warm-up round left out). */
    record Result(int rounds, List<Timings> baozi, List<Timings> pg) {}

    private final Path work;
    private final BaoziStateClient baozi;
    private final PostgresServer postgres;

    TofuEndToEnd(Path work, BaoziStateClient baozi, PostgresServer postgres) {
        this.work = work;
        this.baozi = baozi;
        this.postgres = postgres;
    }

    /** One untimed round of each, then {@code rounds} timed rounds. */
    Result run(int rounds) throws Exception {
        List<Timings> throughBaozi = new ArrayList<>();
        List<Timings> throughPg = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            List<Backend> order = round % 2 == 0 ? List.of(Backend.BAOZI, Backend.PG) : List.of(Backend.PG, Backend.BAOZI);
            for (Backend backend : order) {
                Timings t = once(backend, "e2e-r" + round);
                if (round > 0) {
                    (backend == Backend.BAOZI ? throughBaozi : throughPg).add(t);
                }
            }
        }
        return new Result(rounds, throughBaozi, throughPg);
    }

    private Timings once(Backend backend, String name) throws Exception {
        Path dir = work.resolve(backend.name().toLowerCase() + "-" + name);
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode backends = root.putObject("terraform").putObject("backend");
        Map<String, String> env;
        if (backend == Backend.BAOZI) {
            String url = baozi.stateUrl(name);
            backends.putObject("http")
                    .put("address", url)
                    .put("lock_address", url)
                    .put("unlock_address", url)
                    .put("username", "bench");
            env = Map.of("TF_HTTP_PASSWORD", baozi.issueStateToken(name));
        } else {
            backends.putObject("pg").put("schema_name", name.replace('-', '_'));
            // The connection string carries the password: given in the environment, never written to a file.
            env = Map.of("PG_CONN_STR", "postgres://" + postgres.user() + ":" + postgres.password() + "@127.0.0.1:"
                    + postgres.port() + "/" + databaseOf(postgres.jdbcUrl()) + "?sslmode=disable");
        }
        ObjectNode resources = root.putObject("resource").putObject("terraform_data");
        for (int i = 0; i < RESOURCES; i++) {
            resources.putObject("item_" + i).put("input", "item-" + i);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("main.tf.json").toFile(), root);

        TofuCli tofu = new TofuCli(dir, env);
        double init = timed(tofu, backend, "init", "-input=false");
        double apply = timed(tofu, backend, "apply", "-auto-approve", "-input=false");
        double plan = timed(tofu, backend, "plan", "-input=false", "-detailed-exitcode");
        return new Timings(init, apply, plan);
    }

    /** Runs tofu; its wall time in ms. Fails with tofu's output (which holds no password) unless it exits 0. */
    private static double timed(TofuCli tofu, Backend backend, String... args) {
        long started = System.nanoTime();
        TofuCli.Result result = tofu.run(args);
        double millis = (System.nanoTime() - started) / 1e6;
        if (!result.ok()) {
            throw new IllegalStateException("tofu " + String.join(" ", args) + " on the " + backend
                    + " backend exited " + result.exitCode() + " (a no-change plan exits 0): " + result.output());
        }
        return millis;
    }

    private static String databaseOf(String jdbcUrl) {
        return jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
