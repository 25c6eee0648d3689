package dev.baozi.orchestrator;

import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.config.ConfigLoader;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.openbao.OpenBaoClient;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The real app on a fresh in-memory H2, OpenBao unreachable (a closed port), listening on a free local port.
 * {@code name} names the database; {@code extraSettings} add to (or override) the base settings.
 */
public final class AppOnH2 implements AutoCloseable {

    private final Database database;
    private final Orchestrator.Wiring wiring;
    private final Javalin app;

    private AppOnH2(Database database, Orchestrator.Wiring wiring, Javalin app) {
        this.database = database;
        this.wiring = wiring;
        this.app = app;
    }

    public static AppOnH2 start(String name, Map<String, String> extraSettings) throws IOException {
        return start(name, extraSettings, Orchestrator.Extras.NONE);
    }

    /** As above, with a test's {@code extras} in the wiring (a fake of the migration steps' work, say). */
    public static AppOnH2 start(String name, Map<String, String> extraSettings, Orchestrator.Extras extras) throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var settings = new HashMap<String, String>();
        settings.put("BAOZI_DB_URL", "jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        settings.put("BAOZI_OPENBAO_ADDRESS", "http://127.0.0.1:" + closedPort);
        settings.put("BAOZI_OPENBAO_APPROLE_ROLE_ID", "unused");
        settings.put("BAOZI_OPENBAO_APPROLE_SECRET_ID", "unused");
        settings.putAll(extraSettings);
        BaoziConfig config = ConfigLoader.load(null, Map.copyOf(settings));
        Database database = Database.open(config.database());
        var openbao = new OpenBaoClient(config.openbao().connection(), () -> "no-token");
        var wiring = Orchestrator.wire(config, database, openbao, Clock.systemUTC(), () -> "http://127.0.0.1:1", "1.12.6",
                Path.of("unused.tfrc.json"), extras);
        Javalin app = wiring.app().create("127.0.0.1", 0).start();
        return new AppOnH2(database, wiring, app);
    }

    public Database database() {
        return database;
    }

    /** An {@code AuthService} on the app's database (no admin token), for tests that issue tokens and users. */
    public dev.baozi.orchestrator.auth.AuthService auth() {
        return new dev.baozi.orchestrator.auth.AuthService(new dev.baozi.orchestrator.auth.StateTokenRepository(database.dsl()),
                new dev.baozi.orchestrator.auth.UserRepository(database.dsl()), java.util.Optional.empty(), Clock.systemUTC());
    }

    public Orchestrator.Wiring wiring() {
        return wiring;
    }

    public Javalin app() {
        return app;
    }

    public int port() {
        return app.port();
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public String base() {
        return "http://127.0.0.1:" + app.port();
    }

    /** Stops the app, then the migration worker and the run scheduler (no-ops if they never started), then closes the database. */
    @Override
    public void close() {
        app.stop();
        wiring.migrationWorker().close();
        wiring.scheduler().close();
        wiring.audit().close();
        database.close();
    }
}
