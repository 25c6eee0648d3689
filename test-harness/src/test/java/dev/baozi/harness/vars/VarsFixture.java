package dev.baozi.harness.vars;

import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.openbao.KvV2;
import dev.baozi.openbao.OpenBaoClient;
import dev.baozi.openbao.OpenBaoConnection;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.vars.VarsService;
import dev.baozi.vars.definition.DefinitionLoader;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.store.DeploymentName;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dev OpenBao provisioned like {@code make run}, with the orchestrator's AppRole session behind
 * the vars port ({@link #orchestrator}) and the root token beside it ({@link #root}) for what only
 * a test does: look at the layout, or leave a write half-done as a crash would.
 */
final class VarsFixture implements AutoCloseable {

    static final String MOUNT = "baozi";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final OpenBaoServer bao;
    final OpenBaoSession session;
    final OpenBaoClient orchestrator;
    final OpenBaoClient root;

    private VarsFixture(OpenBaoServer bao, OpenBaoSession session) {
        this.bao = bao;
        this.session = session;
        this.orchestrator = session.client();
        this.root = new OpenBaoClient(OpenBaoConnection.of(bao.address(), Duration.ofSeconds(5)), bao::devRootToken);
    }

    static VarsFixture start() throws Exception {
        OpenBaoServer bao = OpenBaoServer.startDev(TestSupport.workDir());
        try {
            return new VarsFixture(bao, TestSupport.login(bao));
        } catch (Exception | Error e) {
            bao.close();
            throw e;
        }
    }

    /** The verbs as the orchestrator would run them, with its own AppRole token. */
    VarsService service() {
        return VarsService.create(orchestrator, MOUNT);
    }

    KvV2 rootKv() {
        return new KvV2(root, MOUNT);
    }

    /** A name no other test in the class uses (shared generators live in one place for all deployments). */
    static String unique(String base) {
        return base + "-" + COUNTER.incrementAndGet();
    }

    static DeploymentName deployment(String base) {
        return DeploymentName.of(unique(base));
    }

    /** Definitions from JSON whose {@code {ca}}-style placeholders are replaced by {@code names} (pairs). */
    static GeneratorSet definitions(String json, String... names) {
        String text = json;
        for (int i = 0; i < names.length; i += 2) {
            text = text.replace("{" + names[i] + "}", names[i + 1]);
        }
        return DefinitionLoader.fromJson("test", text);
    }

    @Override
    public void close() {
        session.close();
        bao.close();
    }
}
