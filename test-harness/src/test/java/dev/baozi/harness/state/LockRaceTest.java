package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.harness.StateHttp;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two orchestrators on one OpenBao (and one database) racing for the same workspace lock. */
@Tag("slow")
class LockRaceTest {

    private static final int ROUNDS = 200;
    private static final int RACERS_PER_INSTANCE = 2;

    private static OpenBaoServer bao;
    private static Orchestrator first;
    private static Orchestrator second;

    @BeforeAll
    static void start() throws Exception {
        bao = OpenBaoServer.startDev(TestSupport.workDir());
        Path db = Files.createTempDirectory("lock-race").resolve("baozi");
        var shared = Map.of("BAOZI_DB_URL", "jdbc:h2:file:" + db + ";AUTO_SERVER=TRUE");
        first = TestSupport.orchestrator(bao, shared);
        second = TestSupport.orchestrator(bao, shared);
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
        bao.close();
    }

    private record Attempt(String id, int status, String holderId) {}

    @Test
    void exactly_one_of_four_racers_on_two_instances_wins_each_of_200_rounds() throws Exception {
        StateHttp a = TestSupport.client(first);
        StateHttp b = TestSupport.client(second);
        String shared = "race";
        String sharedToken = a.token(shared, "read-write");
        List<StateHttp> racers = new ArrayList<>();
        for (int i = 0; i < RACERS_PER_INSTANCE; i++) {
            racers.add(a);
            racers.add(b);
        }
        ExecutorService pool = Executors.newFixedThreadPool(racers.size());
        try {
            for (int round = 0; round < ROUNDS; round++) {
                // Even rounds race for a lock never taken before (its entry is created), odd rounds for a used one.
                String ws = round % 2 == 0 ? "race-" + round : shared;
                String token = round % 2 == 0 ? a.token(ws, "read-write") : sharedToken;
                var barrier = new CyclicBarrier(racers.size());
                List<Future<Attempt>> futures = new ArrayList<>();
                for (int r = 0; r < racers.size(); r++) {
                    StateHttp racer = racers.get(r);
                    String id = "round-" + round + "-racer-" + r;
                    Callable<Attempt> attempt = () -> {
                        barrier.await();
                        var response = racer.state("LOCK", ws, token, StateHttp.lockInfo(id, "racer-" + id), null);
                        String holder = response.statusCode() == 423 ? StateHttp.json(response).path("ID").asText() : null;
                        return new Attempt(id, response.statusCode(), holder);
                    };
                    futures.add(pool.submit(attempt));
                }
                List<Attempt> attempts = new ArrayList<>();
                for (Future<Attempt> f : futures) {
                    attempts.add(f.get());
                }
                List<Attempt> winners = attempts.stream().filter(x -> x.status() == 200).toList();
                assertThat(winners).as("round " + round + ": " + attempts).hasSize(1);
                String winner = winners.getFirst().id();
                assertThat(attempts).filteredOn(x -> x.status() != 200)
                        .allSatisfy(x -> {
                            assertThat(x.status()).isEqualTo(423);
                            assertThat(x.holderId()).isEqualTo(winner);
                        });
                var unlock = b.state("UNLOCK", ws, token, StateHttp.lockInfo(winner, "racer"), null);
                assertThat(unlock.statusCode()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
