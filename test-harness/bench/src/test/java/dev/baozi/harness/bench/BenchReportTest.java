package dev.baozi.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private static final String PAGE = """
            # Benchmarks

            old results

            <!-- profile:start -->
            ## Profile
            before/after
            <!-- profile:end -->

            <!-- run-bench:start -->
            runs
            <!-- run-bench:end -->
            """;

    @Test
    void the_profile_block_is_kept_with_its_markers() {
        String kept = BenchReport.kept(PAGE, BenchReport.PROFILE_START, BenchReport.PROFILE_END);

        assertThat(kept.strip()).isEqualTo("<!-- profile:start -->\n## Profile\nbefore/after\n<!-- profile:end -->");
    }

    @Test
    void a_page_without_the_block_keeps_nothing() {
        assertThat(BenchReport.kept("# Benchmarks\n", BenchReport.PROFILE_START, BenchReport.PROFILE_END)).isEmpty();
        assertThat(BenchReport.kept("<!-- profile:start -->\nno end", BenchReport.PROFILE_START,
                BenchReport.PROFILE_END)).isEmpty();
    }

    @Test
    void the_peers_table_says_whether_this_run_is_at_or_ahead_of_vault_backend() {
        // vault-backend: GET 100 KiB at 1 client 1.43 ms; the lock cycle at 16 clients 169 cycles/s.
        var fastGet = row(new StateBench.Cell(StateBench.Op.GET, "100 KiB", 1, StateBench.Figure.P50), 1_200_000L, 1);
        var slowCycles = row(new StateBench.Cell(StateBench.Op.LOCK_CYCLE, "100 KiB", 16, StateBench.Figure.THROUGHPUT),
                100_000_000L, 16);
        var results = new StateBench.Results(List.of(), List.of(fastGet, slowCycles), null, null, 1);

        String page = BenchReport.markdown(new BenchReport.Machine(2, "cpu", 1024, "os", "jdk", "bao"), results,
                Duration.ofSeconds(1));

        assertThat(page).contains("| GET 100 KiB, 1 client | 1.94 | 1.43 | 6.07 | 2.24 | 1.20 | yes |");
        assertThat(page).contains("| lock cycle, 16 clients, cycles/s | 138.5 | 169 | 57.4 |  | 160 | **no** |");
        assertThat(page).contains("| LOCK, 1 client | 3.42 | 2.59 | 1.23 |  | not run |  |");
        assertThat(page).contains("1 of 2 rows measured in this run are at or ahead of vault-backend.");
    }

    /** A row whose Baozi calls all took {@code nanos}, {@code clients} of them in parallel for one second. */
    private static StateBench.Row row(StateBench.Cell cell, long nanos, int clients) {
        int calls = (int) (1_000_000_000L / nanos) * clients;
        long[] latencies = new long[calls];
        java.util.Arrays.fill(latencies, nanos);
        Map<StateBench.Way, LoadRunner.Result> results = new EnumMap<>(StateBench.Way.class);
        results.put(StateBench.Way.BAOZI, new LoadRunner.Result(clients, latencies, 1_000_000_000L));
        return new StateBench.Row(cell, new StateBench.Budget(Duration.ofSeconds(1), Duration.ofSeconds(1), 10), results, 0);
    }
}
