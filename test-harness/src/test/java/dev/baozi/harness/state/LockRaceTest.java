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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two orchestrators on one OpenBao (and one database) racing for the same workspace lock, and
 * writes under a lock racing a force-unlock and a new LOCK from the other instance.
 */
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
        // A retention above the writes of one fence round, so every version of a round can be read back.
        var shared = Map.of("BAOZI_DB_URL", "jdbc:h2:file:" + db + ";AUTO_SERVER=TRUE", "BAOZI_STATE_RETENTION", "1000");
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

    private static final int FENCE_ROUNDS = 40;
    private static final int MAX_POSTS_PER_ROUND = 300;
    /** How many of A's POSTs start after B's own write was answered before A stops its loop. */
    private static final int POSTS_AFTER_B = 3;

    /** One POST of A's loop: the lock it named, its marker, when it started and ended (nanoTime) and its answer. */
    private record Post(String marker, long start, long end, int status) {}

    /** A small state whose {@code writer} output names who wrote it ({@code <lock ID>#<n>}). */
    private static byte[] marked(long serial, String marker) {
        var root = StateHttp.JSON.createObjectNode()
                .put("version", 4)
                .put("terraform_version", "1.12.6")
                .put("serial", serial)
                .put("lineage", "lin-fence");
        root.putObject("outputs").putObject("writer").put("value", marker).put("type", "string");
        root.putArray("resources");
        root.putArray("check_results");
        try {
            return StateHttp.JSON.writeValueAsBytes(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String markerOf(byte[] state) throws Exception {
        return StateHttp.JSON.readTree(state).path("outputs").path("writer").path("value").asText();
    }

    /** The lock ID a marker names. */
    private static String lockOf(String marker) {
        return marker.substring(0, marker.indexOf('#'));
    }

    /** The retained versions newer than {@code after}, oldest first, each as its marker (read through the admin API). */
    private static List<String> markersSince(StateHttp admin, String ws, long after) throws Exception {
        var list = admin.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions", null);
        assertThat(list.statusCode()).isEqualTo(200);
        List<Long> numbers = new ArrayList<>();
        StateHttp.JSON.readTree(list.body()).path("versions").forEach(v -> {
            if (v.path("version").asLong() > after) {
                numbers.add(v.path("version").asLong());
            }
        });
        numbers.sort(null);
        List<String> markers = new ArrayList<>();
        for (long n : numbers) {
            var content = admin.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions/" + n, null);
            assertThat(content.statusCode()).as("reading version " + n).isEqualTo(200);
            markers.add(markerOf(content.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return markers;
    }

    private static long newestVersion(StateHttp admin, String ws) throws Exception {
        var versions = StateHttp.JSON.readTree(admin.admin("GET", "/api/v1/workspaces/" + ws + "/state/versions", null).body())
                .path("versions");
        long newest = 0;
        for (var v : versions) {
            newest = Math.max(newest, v.path("version").asLong());
        }
        return newest;
    }

    @Test
    void no_write_under_a_lock_lands_after_the_other_instance_force_unlocked_it_and_took_the_lock() throws Exception {
        StateHttp a = TestSupport.client(first);
        StateHttp b = TestSupport.client(second);
        String ws = "fence";
        String tokenA = a.token(ws, "read-write");
        String tokenB = b.token(ws, "read-write");
        // A's serials only rise, in steps far above B's (B writes the stored serial + 1), so the serial
        // guard takes every one of A's writes: only the lock can refuse them.
        AtomicLong high = new AtomicLong();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < FENCE_ROUNDS; round++) {
                boolean adminForceUnlock = round % 2 == 1;
                String l1 = "a-" + round;
                String l2 = "b-" + round;
                String what = "round " + round + (adminForceUnlock ? " (admin force-unlock)" : " (UNLOCK with an empty body)");
                long before = newestVersion(b, ws);
                assertThat(a.state("LOCK", ws, tokenA, StateHttp.lockInfo(l1, "writer-a"), null).statusCode())
                        .as(what + ": A's LOCK").isEqualTo(200);

                CountDownLatch firstWrite = new CountDownLatch(1);
                AtomicLong bAnswered = new AtomicLong(Long.MAX_VALUE);
                Future<List<Post>> loop = writer.submit(() -> {
                    List<Post> posts = new ArrayList<>();
                    try {
                        int afterB = 0;
                        for (int n = 0; n < MAX_POSTS_PER_ROUND && afterB < POSTS_AFTER_B; n++) {
                            String marker = l1 + "#" + n;
                            byte[] state = marked(high.addAndGet(1000), marker);
                            long start = System.nanoTime();
                            int status = a.state("POST", ws, tokenA, state, "?ID=" + l1).statusCode();
                            posts.add(new Post(marker, start, System.nanoTime(), status));
                            if (status == 200) {
                                firstWrite.countDown();
                            }
                            if (start > bAnswered.get()) {
                                afterB++;
                            }
                        }
                    } finally {
                        firstWrite.countDown();
                    }
                    return posts;
                });

                assertThat(firstWrite.await(60, TimeUnit.SECONDS)).as(what + ": A's first write").isTrue();
                long forceStart = System.nanoTime();
                int forced = adminForceUnlock
                        ? b.admin("DELETE", "/api/v1/workspaces/" + ws + "/lock", null).statusCode()
                        : b.state("UNLOCK", ws, tokenB, new byte[0], null).statusCode();
                long forceEnd = System.nanoTime();
                var lock2 = b.state("LOCK", ws, tokenB, StateHttp.lockInfo(l2, "writer-b"), null);
                long lock2End = System.nanoTime();
                var seen = b.state("GET", ws, tokenB, null, null);
                String seenMarker = markerOf(seen.body());
                long seenSerial = StateHttp.json(seen).path("serial").asLong();
                var postB = b.state("POST", ws, tokenB, marked(seenSerial + 1, l2 + "#0"), "?ID=" + l2);
                bAnswered.set(System.nanoTime());
                List<Post> posts = loop.get(120, TimeUnit.SECONDS);

                assertThat(forced).as(what + ": B's force-unlock").isEqualTo(200);
                assertThat(lock2.statusCode()).as(what + ": B's LOCK").isEqualTo(200);
                assertThat(posts).as(what + ": A's writes that started after the force-unlock was answered")
                        .filteredOn(p -> p.start() > forceEnd)
                        .allSatisfy(p -> assertThat(p.status()).as(p.toString()).isIn(409, 423));
                assertThat(posts).as(what + ": A's writes that started after B's LOCK was answered")
                        .filteredOn(p -> p.start() > lock2End)
                        .isNotEmpty()
                        .allSatisfy(p -> assertThat(p.status()).as(p.toString()).isEqualTo(423));
                // The stored history first: a write of A's landing after B's LOCK also makes B's own write fail the serial guard.
                List<String> history = markersSince(b, ws, before);
                int seenByB = history.indexOf(seenMarker);
                assertThat(seenByB).as(what + ": the state B read after its LOCK, in the history " + history).isNotNegative();
                assertThat(history.subList(seenByB + 1, history.size()))
                        .as(what + ": writes stored after B's LOCK was answered (B read " + seenMarker + "), history " + history)
                        .allSatisfy(m -> assertThat(lockOf(m)).isEqualTo(l2));
                assertThat(postB.statusCode()).as(what + ": B's write under its lock, " + StateHttp.text(postB)).isEqualTo(200);
                int firstB = history.indexOf(l2 + "#0");
                assertThat(firstB).as(what + ": B's write in the history " + history).isNotNegative();
                assertThat(history.subList(firstB, history.size()))
                        .as(what + ": writes stored after B's first write, history " + history)
                        .allSatisfy(m -> assertThat(lockOf(m)).isEqualTo(l2));
                assertThat(history).as(what + ": every stored write of A's answered 200")
                        .filteredOn(m -> lockOf(m).equals(l1))
                        .allSatisfy(m -> assertThat(posts).filteredOn(p -> p.marker().equals(m))
                                .singleElement().extracting(Post::status).isEqualTo(200));

                assertThat(b.state("UNLOCK", ws, tokenB, StateHttp.lockInfo(l2, "writer-b"), null).statusCode())
                        .as(what + ": B's UNLOCK").isEqualTo(200);
            }
        } finally {
            writer.shutdownNow();
        }
    }
}
