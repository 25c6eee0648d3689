package dev.baozi.harness.bench;

import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.openbao.DataKeyCipher;
import dev.baozi.openbao.OpenBaoClient;
import dev.baozi.openbao.OpenBaoConnection;
import dev.baozi.openbao.Transit;
import dev.baozi.orchestrator.state.StateSealer;
import dev.baozi.orchestrator.state.TransitStateSealer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;

/**
 * What sealing states with transit costs (setting {@code state.encryption}): seal and open of
 * gzip-sized random bytes with a warm data key (the steady state: no OpenBao call), and the
 * one-off calls (the first write's data key, the first read of another instance's state). A
 * plain loop, no JMH: it says where time goes, not a target. Usage: {@code SealBench [workDir]}.
 */
public final class SealBench {

    private static final int[] SIZES = {9 * 1024, 400 * 1024, 5 * 1024 * 1024};

    private SealBench() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "test-harness/bench/target/seal-bench");
        try (OpenBaoServer bao = OpenBaoServer.startDev(work)) {
            new OrchestratorAccess(bao.rootAdmin(), "baozi", "baozi-transit").provision(Duration.ofHours(1), Duration.ofHours(24));
            var client = new OpenBaoClient(OpenBaoConnection.of(bao.address(), Duration.ofSeconds(5)), bao::devRootToken);
            Supplier<TransitStateSealer> fresh = () -> new TransitStateSealer(new Transit(client, "baozi-transit"),
                    OrchestratorAccess.STATE_KEY, true, Clock.systemUTC());
            var sealer = fresh.get();
            var random = new Random(15);
            byte[] warm = new byte[400 * 1024];
            for (int i = 0; i < 2000; i++) { // JIT: the AES-GCM intrinsics need C2-compiled callers
                StateSealer.Sealed s = sealer.seal(warm);
                sealer.open(s.bytes(), s.keyRef());
            }
            javax.crypto.SecretKey plainKey = DataKeyCipher.key(new byte[32]);
            System.out.println("| gzip size | seal p50 (ms) | seal mean | open p50 | open mean | AES-GCM encrypt alone p50 | rounds |");
            System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (int size : SIZES) {
                byte[] gzip = new byte[size];
                random.nextBytes(gzip);
                int rounds = size > 1024 * 1024 ? 60 : size > 100 * 1024 ? 400 : 4000;
                for (int i = 0; i < rounds; i++) { // warm-up: JIT, and the data key taken once
                    StateSealer.Sealed s = sealer.seal(gzip);
                    sealer.open(s.bytes(), s.keyRef());
                }
                long[] seal = new long[rounds];
                long[] open = new long[rounds];
                long[] alone = new long[rounds];
                StateSealer.Sealed s = null;
                for (int i = 0; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    s = sealer.seal(gzip);
                    long t1 = System.nanoTime();
                    byte[] back = sealer.open(s.bytes(), s.keyRef());
                    long t2 = System.nanoTime();
                    if (back.length != size) {
                        throw new IllegalStateException("a round trip changed the state's size");
                    }
                    seal[i] = t1 - t0;
                    open[i] = t2 - t1;
                    long t3 = System.nanoTime();
                    DataKeyCipher.encrypt(plainKey, DataKeyCipher.newNonce(), gzip, new byte[0]);
                    alone[i] = System.nanoTime() - t3;
                }
                System.out.printf("| %s | %s | %s | %s | %s | %s | %d |%n", kib(size), ms(p50(seal)), ms(mean(seal)), ms(p50(open)),
                        ms(mean(open)), ms(p50(alone)), rounds);
            }
            byte[] small = new byte[9 * 1024];
            random.nextBytes(small);
            int cold = 50;
            long[] firstWrite = new long[cold];
            long[] firstRead = new long[cold];
            StateSealer.Sealed other = fresh.get().seal(small);
            for (int i = 0; i < cold; i++) {
                var newcomer = fresh.get();
                long t0 = System.nanoTime();
                newcomer.seal(small);
                long t1 = System.nanoTime();
                var reader = fresh.get();
                long t2 = System.nanoTime();
                reader.open(other.bytes(), other.keyRef());
                firstRead[i] = System.nanoTime() - t2;
                firstWrite[i] = t1 - t0;
            }
            System.out.println();
            System.out.printf("first write of a process (datakey/plaintext call + seal 9 KiB): p50 %s ms, mean %s ms%n",
                    ms(p50(firstWrite)), ms(mean(firstWrite)));
            System.out.printf("first read of another instance's state (decrypt call + open 9 KiB): p50 %s ms, mean %s ms%n",
                    ms(p50(firstRead)), ms(mean(firstRead)));
        }
    }

    private static String kib(int bytes) {
        return bytes >= 1024 * 1024 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }

    private static long p50(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long mean(long[] nanos) {
        return (long) Arrays.stream(nanos).average().orElse(0);
    }

    private static String ms(long nanos) {
        return String.format("%.3f", nanos / 1e6);
    }
}
