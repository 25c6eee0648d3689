package dev.baozi.orchestrator;

import dev.baozi.orchestrator.audit.AuditController;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.auth.StateTokenRepository;
import dev.baozi.orchestrator.auth.TokenController;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.health.HealthController;
import dev.baozi.orchestrator.health.ReadinessService;
import dev.baozi.orchestrator.openbao.OpenBaoKv;
import dev.baozi.orchestrator.openbao.OpenBaoLoginException;
import dev.baozi.orchestrator.openbao.OpenBaoSession;
import dev.baozi.orchestrator.state.OpenBaoLocker;
import dev.baozi.orchestrator.state.OpenBaoStateStore;
import dev.baozi.orchestrator.state.StateAdminController;
import dev.baozi.orchestrator.state.StateController;
import dev.baozi.orchestrator.state.StateService;
import dev.baozi.orchestrator.web.AccessGuard;
import dev.baozi.orchestrator.web.BaoziApp;
import io.javalin.Javalin;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running orchestrator: database open, logged in to OpenBao, HTTP server listening. */
public final class Orchestrator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);

    private final Database database;
    private final OpenBaoSession openbao;
    private final Javalin app;

    private Orchestrator(Database database, OpenBaoSession openbao, Javalin app) {
        this.database = database;
        this.openbao = openbao;
        this.app = app;
    }

    /** Wires the domain services and controllers into the HTTP app. */
    public static BaoziApp app(BaoziConfig config, Database database, OpenBaoKv kv, Clock clock) {
        var audit = new AuditRepository(database.dsl(), clock);
        var auth = new AuthService(new StateTokenRepository(database.dsl()), config.auth().adminToken(), clock);
        var state = new StateService(new OpenBaoStateStore(kv, clock, config.state().retention()),
                new OpenBaoLocker(kv, clock), audit);
        var controllers = new BaoziApp.Controllers(
                new HealthController(new ReadinessService(database, config.openbao())),
                new StateController(state),
                new StateAdminController(state),
                new TokenController(auth, clock),
                new AuditController(audit));
        return new BaoziApp(controllers, new AccessGuard(auth, audit), config.state().maxBodyBytes());
    }

    /** Starts everything in order; on failure, closes what was opened and throws {@link StartupException}. */
    public static Orchestrator start(BaoziConfig config) {
        Database database;
        try {
            database = Database.open(config.database());
        } catch (RuntimeException e) {
            throw new StartupException("opening the database " + config.database().url() + ": " + e.getMessage(), e);
        }
        OpenBaoSession openbao;
        try {
            openbao = OpenBaoSession.login(config.openbao());
        } catch (OpenBaoLoginException e) {
            database.close();
            throw new StartupException("openbao.approle: " + e.getMessage(), e);
        }
        Clock clock = Clock.systemUTC();
        BaoziApp baozi = app(config, database, OpenBaoKv.forSession(openbao), clock);
        Javalin app;
        try {
            app = baozi.create(config.http().host(), config.http().port()).start();
        } catch (RuntimeException e) {
            openbao.close();
            database.close();
            throw new StartupException("starting the HTTP server on " + config.http().host() + ":"
                    + config.http().port() + ": " + e.getMessage(), e);
        }
        new AuditRepository(database.dsl(), clock)
                .record("system", "orchestrator.started", "orchestrator", "ok", "listening on port " + app.port());
        log.info("Baozi orchestrator listening on http://{}:{}", config.http().host(), app.port());
        return new Orchestrator(database, openbao, app);
    }

    public int port() {
        return app.port();
    }

    public Database database() {
        return database;
    }

    public OpenBaoSession openbao() {
        return openbao;
    }

    @Override
    public void close() {
        app.stop();
        openbao.close();
        database.close();
    }
}
