package dev.baozi.orchestrator;

import dev.baozi.orchestrator.audit.AuditController;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.AuthService;
import dev.baozi.orchestrator.backup.BackupController;
import dev.baozi.orchestrator.backup.BackupRepository;
import dev.baozi.orchestrator.backup.BackupService;
import dev.baozi.orchestrator.backup.BackupSteps;
import dev.baozi.orchestrator.backup.BackupSweeper;
import dev.baozi.orchestrator.auth.FirstAdmin;
import dev.baozi.orchestrator.auth.LoginRateLimiter;
import dev.baozi.orchestrator.auth.PasswordHasher;
import dev.baozi.orchestrator.auth.SessionRepository;
import dev.baozi.orchestrator.auth.SessionService;
import dev.baozi.orchestrator.auth.StateTokenRepository;
import dev.baozi.orchestrator.state.TokenController;
import dev.baozi.orchestrator.auth.UserController;
import dev.baozi.orchestrator.auth.UserRepository;
import dev.baozi.orchestrator.config.BaoziConfig;
import dev.baozi.orchestrator.db.Database;
import dev.baozi.orchestrator.health.HealthController;
import dev.baozi.orchestrator.health.ReadinessService;
import dev.baozi.orchestrator.provider.ProviderController;
import dev.baozi.orchestrator.provider.ProviderRepository;
import dev.baozi.orchestrator.deployment.DeploymentRules;
import dev.baozi.orchestrator.deployment.DeploymentDns;
import dev.baozi.orchestrator.deployment.DeploymentSteps;
import dev.baozi.orchestrator.deployment.NetBoxRunCredentials;
import dev.baozi.orchestrator.dns.DnsPlanPresenter;
import dev.baozi.orchestrator.dns.DnsRecordRepository;
import dev.baozi.orchestrator.dns.DnsService;
import dev.baozi.orchestrator.dns.ManagedZones;
import dev.baozi.orchestrator.dns.OctoDnsConfig;
import dev.baozi.orchestrator.dns.OctoDnsSync;
import dev.baozi.orchestrator.netbox.AddressReservations;
import dev.baozi.orchestrator.netbox.NetBoxClient;
import dev.baozi.orchestrator.netbox.PoolController;
import dev.baozi.orchestrator.netbox.PoolsService;
import dev.baozi.orchestrator.provider.ProviderRunCredentials;
import dev.baozi.orchestrator.run.RunCredentials;
import dev.baozi.orchestrator.run.ProcessTofu;
import dev.baozi.orchestrator.run.RunSteps;
import dev.baozi.orchestrator.run.RunWorkspaces;
import dev.baozi.orchestrator.run.SideKind;
import dev.baozi.orchestrator.run.SidePlanRepository;
import dev.baozi.orchestrator.run.Tofu;
import dev.baozi.orchestrator.vars.VarsController;
import dev.baozi.orchestrator.vars.VarsSteps;
import dev.baozi.orchestrator.vars.WorkspaceVars;
import dev.baozi.openbao.KvV2;
import dev.baozi.openbao.OpenBaoClient;
import dev.baozi.openbao.OpenBaoRefusedException;
import dev.baozi.openbao.OpenBaoSession;
import dev.baozi.openbao.OpenBaoUnavailableException;
import dev.baozi.openbao.Transit;
import dev.baozi.vars.VarsService;
import dev.baozi.vars.delivery.DeliveryOptions;
import dev.baozi.vars.delivery.VarsDelivery;
import dev.baozi.orchestrator.provider.ProviderService;
import dev.baozi.orchestrator.migration.MigrationActions;
import dev.baozi.orchestrator.migration.MigrationController;
import dev.baozi.orchestrator.migration.MigrationPagesController;
import dev.baozi.orchestrator.migration.TargetChoices;
import dev.baozi.orchestrator.migration.MigrationRepository;
import dev.baozi.orchestrator.migration.MigrationRunner;
import dev.baozi.orchestrator.migration.MigrationService;
import dev.baozi.orchestrator.migration.MigrationSettings;
import dev.baozi.orchestrator.migration.MigrationWorker;
import dev.baozi.orchestrator.relocation.DeploymentNames;
import dev.baozi.orchestrator.relocation.MigrationDns;
import dev.baozi.orchestrator.relocation.NotYet;
import dev.baozi.orchestrator.relocation.ProxmoxMigrationActions;
import dev.baozi.orchestrator.relocation.RegisteredClusters;
import dev.baozi.orchestrator.relocation.RelocationSettings;
import dev.baozi.orchestrator.run.LogBus;
import dev.baozi.orchestrator.run.PlanVault;
import dev.baozi.orchestrator.run.RunController;
import dev.baozi.orchestrator.run.RunExecutor;
import dev.baozi.orchestrator.run.RunLogRepository;
import dev.baozi.orchestrator.run.RunRepository;
import dev.baozi.orchestrator.run.RunScheduler;
import dev.baozi.orchestrator.run.RunService;
import dev.baozi.orchestrator.run.RunSettings;
import dev.baozi.orchestrator.run.TofuCliConfig;
import dev.baozi.orchestrator.run.TofuSandbox;
import dev.baozi.orchestrator.state.OpenBaoStateStore;
import dev.baozi.orchestrator.state.TransitStateSealer;
import dev.baozi.orchestrator.state.StateAdminController;
import dev.baozi.orchestrator.state.StateController;
import dev.baozi.orchestrator.state.StateRetirement;
import dev.baozi.orchestrator.state.StateService;
import dev.baozi.orchestrator.workspace.WorkspaceName;
import dev.baozi.orchestrator.audit.AuditPageController;
import dev.baozi.orchestrator.workspace.InputPagesController;
import dev.baozi.orchestrator.netbox.PoolsPageController;
import dev.baozi.orchestrator.run.RunPagesController;
import dev.baozi.orchestrator.auth.SessionController;
import dev.baozi.orchestrator.web.UiSupport;
import dev.baozi.orchestrator.run.WorkspacePagesController;
import dev.baozi.orchestrator.app.AccessGuard;
import dev.baozi.orchestrator.web.SessionCookies;
import dev.baozi.ui.Pages;
import dev.baozi.ui.StaticAssets;
import dev.baozi.orchestrator.app.BaoziApp;
import dev.baozi.orchestrator.workspace.TemplateCatalog;
import dev.baozi.orchestrator.workspace.WorkspaceController;
import dev.baozi.orchestrator.workspace.WorkspaceRepository;
import dev.baozi.orchestrator.workspace.WorkspaceService;
import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running orchestrator: database open, logged in to OpenBao, runs scheduled, HTTP server listening. */
public final class Orchestrator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);

    private final Database database;
    private final OpenBaoSession openbao;
    private final Wiring wiring;
    private final Javalin app;

    private Orchestrator(Database database, OpenBaoSession openbao, Wiring wiring, Javalin app) {
        this.database = database;
        this.openbao = openbao;
        this.wiring = wiring;
        this.app = app;
    }

    /**
     * What a test adds to the wiring: a wrapper around the tofu port (to watch its calls), side
     * plan kinds of its own, registered after the orchestrator's, and the migration steps' work
     * (a fake; when empty, the orchestrator's own: {@link ProxmoxMigrationActions}).
     */
    public record Extras(UnaryOperator<Tofu> tofu, List<SideKind> sideKinds, Optional<MigrationActions> migrationActions) {
        public static final Extras NONE = new Extras(UnaryOperator.identity(), List.of());

        public Extras(UnaryOperator<Tofu> tofu, List<SideKind> sideKinds) {
            this(tofu, sideKinds, Optional.empty());
        }

        public Extras(UnaryOperator<Tofu> tofu, List<SideKind> sideKinds, MigrationActions migrationActions) {
            this(tofu, sideKinds, Optional.of(migrationActions));
        }
    }

    /** The parts {@link #wire} builds. */
    public record Wiring(BaoziApp app, RunService runs, RunScheduler scheduler, RunExecutor executor, SessionService sessions,
            WorkspaceService workspaces, AuditRepository audit, StateService state, MigrationRunner migrationRunner,
            MigrationWorker migrationWorker, BackupSweeper backupSweeper) {}

    /** Starts everything in order; on failure, closes what was opened and throws {@link StartupException}. */
    public static Orchestrator start(BaoziConfig config) {
        return start(config, Extras.NONE);
    }

    /** As {@link #start(BaoziConfig)}, with a test's {@code extras} in the wiring. */
    public static Orchestrator start(BaoziConfig config, Extras extras) {
        if (!Files.isExecutable(config.tofu().binary())) {
            throw new StartupException("tofu.binary: " + config.tofu().binary() + " is missing or not executable; run `make tools`");
        }
        Path cliConfig = TofuCliConfig.write(config.runs().dir().resolve("tofu.tfrc.json"), config.tofu().providersMirror());
        String tofuVersion = TofuCliConfig.version(config.tofu().binary(), cliConfig);
        Database database;
        try {
            database = Database.open(config.database());
        } catch (RuntimeException e) {
            throw new StartupException("opening the database " + config.database().url() + ": " + e.getMessage(), e);
        }
        OpenBaoSession openbao;
        try {
            openbao = OpenBaoSession.login(config.openbao().connection(), config.openbao().appRole());
        } catch (OpenBaoUnavailableException | OpenBaoRefusedException e) {
            database.close();
            throw new StartupException("openbao.approle: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            database.close();
            throw new StartupException("openbao.ca-cert: " + e.getMessage(), e);
        }
        Clock clock = Clock.systemUTC();
        var selfUrl = new AtomicReference<String>();
        Wiring wiring;
        try {
            wiring = wire(config, database, openbao.client(), clock, selfUrl::get, tofuVersion, cliConfig, extras);
        } catch (RuntimeException e) {
            openbao.close();
            database.close();
            throw e;
        }
        if (config.ui().firstAdminPasswordFile().isPresent()) {
            try {
                FirstAdmin.ensure(new UserRepository(database.dsl()), wiring.sessions(), config.ui().firstAdminPasswordFile().get(),
                        clock);
            } catch (RuntimeException e) {
                openbao.close();
                database.close();
                throw new StartupException("ui.first-admin-password-file: " + e.getMessage(), e);
            }
        }
        Javalin app;
        try {
            app = wiring.app().create(config.http().host(), config.http().port()).start();
        } catch (RuntimeException e) {
            openbao.close();
            database.close();
            throw new StartupException("starting the HTTP server on " + config.http().host() + ":"
                    + config.http().port() + ": " + e.getMessage(), e);
        }
        String host = config.http().host().equals("0.0.0.0") ? "127.0.0.1" : config.http().host();
        selfUrl.set("http://" + host + ":" + app.port());
        List<String> moved = wiring.workspaces().moveSensitiveInputs();
        if (!moved.isEmpty()) {
            log.info("moved the sensitive inputs of {} workspace(s) from the database into OpenBao: {}", moved.size(), moved);
        }
        int recovered = wiring.runs().recover();
        if (recovered > 0) {
            log.warn("{} run(s) were planning or applying when the orchestrator last stopped; they are now errored", recovered);
        }
        wiring.scheduler().start();
        wiring.backupSweeper().start();
        wiring.migrationRunner().recover();
        wiring.migrationWorker().start();
        wiring.audit().record("system", "orchestrator.started", "orchestrator", "ok", "listening on port " + app.port());
        log.info("Baozi orchestrator listening on http://{}:{} (OpenTofu {})", config.http().host(), app.port(), tofuVersion);
        return new Orchestrator(database, openbao, wiring, app);
    }

    /** The sandbox tofu steps run in, as {@code runs.sandbox} asks; refuses to start when bubblewrap is asked for and missing. */
    static TofuSandbox sandbox(BaoziConfig config, Path cliConfig) {
        Optional<Path> bwrap = TofuSandbox.findBubblewrap(System.getenv());
        List<Path> visible = List.of(config.tofu().providersMirror(), cliConfig);
        return switch (config.runs().sandbox()) {
            case NONE -> {
                log.warn("runs.sandbox=none: tofu steps run without a sandbox and can read what the orchestrator can read");
                yield TofuSandbox.NONE;
            }
            case BUBBLEWRAP -> TofuSandbox.bubblewrap(bwrap.orElseThrow(() -> new StartupException(
                    "runs.sandbox: bubblewrap is asked for, but no bwrap is installed (apt-get install bubblewrap)")), visible);
            case AUTO -> {
                if (bwrap.isEmpty()) {
                    log.warn("runs.sandbox=auto: no bwrap on this machine, so tofu steps run without a sandbox"
                            + " (apt-get install bubblewrap, or set runs.sandbox=none to say it is meant)");
                    yield TofuSandbox.NONE;
                }
                yield TofuSandbox.bubblewrap(bwrap.get(), visible);
            }
        };
    }

    /** Wires the domain services and controllers into the HTTP app (nothing is started or called here). */
    public static Wiring wire(BaoziConfig config, Database database, OpenBaoClient openbao, Clock clock, Supplier<String> selfUrl,
            String tofuVersion, Path cliConfig) {
        return wire(config, database, openbao, clock, selfUrl, tofuVersion, cliConfig, Extras.NONE);
    }

    /** As above, with a test's {@code extras}. */
    public static Wiring wire(BaoziConfig config, Database database, OpenBaoClient openbao, Clock clock, Supplier<String> selfUrl,
            String tofuVersion, Path cliConfig, Extras extras) {
        var kv = new KvV2(openbao, config.openbao().kvMount());
        var audit = new AuditRepository(database.dsl(), clock);
        var users = new UserRepository(database.dsl());
        var auth = new AuthService(new StateTokenRepository(database.dsl()), users, config.auth().adminToken(), clock);
        var sessions = new SessionService(users, new SessionRepository(database.dsl()), audit, PasswordHasher.standard(),
                new LoginRateLimiter(clock), clock, config.ui().sessionIdle(), config.ui().sessionLifetime());
        var state = new StateService(new OpenBaoStateStore(kv, clock, config.state().retention(),
                TransitStateSealer.of(config, openbao, clock)), audit, clock);
        var workspaceRepository = new WorkspaceRepository(database.dsl());
        var providers = new ProviderService(new ProviderRepository(database.dsl()), kv, audit,
                () -> workspaceRepository.all().stream().map(w -> w.name()).collect(java.util.stream.Collectors.toSet()), clock);
        WorkspaceService.ProviderCheck providerCheck = name -> providers.get(name).isPresent() ? null
                : "no provider named '" + name + "' (there are: "
                        + String.join(", ", providers.all().stream().map(p -> p.name()).toList()) + ")";
        var runRepository = new RunRepository(database.dsl());
        var migrationRepository = new MigrationRepository(database.dsl());
        var zones = part("dns.zones", () -> new ManagedZones(config.dns().zones()));
        Optional<AddressReservations> reservations = config.netbox().url().map(url -> part("netbox.url", () ->
                new AddressReservations(NetBoxClient.connect(url, config.netbox().token().orElseThrow(), config.netbox().timeout()))));
        Optional<DnsService> dns = config.dns().enabled()
                ? Optional.of(new DnsService(zones, part("dns.base-config", () -> OctoDnsConfig.load(config.dns().baseConfig())),
                        new OctoDnsSync(config.dns().octodnsSync(), config.dns().syncTimeout()), new DnsRecordRepository(database.dsl()),
                        config.dns().powerdnsUrl(), config.dns().powerdnsApiKey(), config.dns().defaultTtl()))
                : Optional.empty();
        Optional<PoolsService> pools = reservations.map(r -> new PoolsService(r.client()));
        var rules = new DeploymentRules(zones, reservations, workspaceRepository::all, config.dns().defaultTtl());
        var workspaces = new WorkspaceService(workspaceRepository, new TemplateCatalog(config.tofu().templatesDir()),
                auth, kv, audit, tofuVersion, selfUrl, clock, providerCheck, runRepository::holder, rules,
                deletionKeepers(runRepository, migrationRepository, new StateRetirement(state),
                        new DnsRecordRepository(database.dsl())),
                state::describeExisting);
        var deploymentSteps = new DeploymentSteps(workspaces, reservations, state, config.dns().defaultTtl());
        var sideKinds = new ArrayList<SideKind>();
        sideKinds.add(new SideKind(new DeploymentDns(workspaces, dns), new DnsPlanPresenter()));
        sideKinds.addAll(extras.sideKinds());
        var kinds = new SideKind.Registry(sideKinds);
        var varsService = VarsService.create(openbao, config.openbao().kvMount());
        var workspaceVars = new WorkspaceVars(varsService, workspaces, audit);
        var varsSteps = new VarsSteps(workspaceVars, workspaces, new VarsDelivery(openbao, varsService.store()), providers, state,
                config.vars().machineOpenBao(), new DeliveryOptions(config.vars().deliveryWrapTtl(), config.vars().deliveryTokenTtl()));
        var backups = new BackupService(new BackupRepository(database.dsl()), providers, audit,
                new BackupService.Settings(config.backups().retention(), config.backups().timeout()), clock);
        var backupSteps = new BackupSteps(backups, workspaces::template);
        RunCredentials runCredentials = new ProviderRunCredentials(providers, kv);
        if (config.netbox().enabled()) {
            runCredentials = new NetBoxRunCredentials(workspaces, config.netbox().url().orElseThrow(),
                    config.netbox().token().orElseThrow(), runCredentials);
        }
        var settings = new RunSettings(config.runs().dir(), config.tofu().binary(), cliConfig, config.runs().maxConcurrent(),
                config.runs().planTimeout(), config.runs().applyTimeout(), config.runs().cancelGrace(), config.runs().selfApproval(),
                sandbox(config, cliConfig));
        var logRepository = new RunLogRepository(database.dsl());
        var bus = new LogBus();
        var sidePlans = new SidePlanRepository(database.dsl());
        var executor = new RunExecutor(runRepository, sidePlans, logRepository, bus, RunWorkspaces.of(workspaces),
                extras.tofu().apply(new ProcessTofu(settings)), new PlanVault(new Transit(openbao, config.openbao().transitMount())),
                settings, clock, runCredentials, RunSteps.all(List.of(backupSteps, deploymentSteps, varsSteps)), kinds);
        var scheduler = new RunScheduler(runRepository, executor, settings.maxConcurrent(), clock);
        var runs = new RunService(runRepository, sidePlans, kinds, logRepository, executor, scheduler, audit, settings, clock);
        var migrationSettings = new MigrationSettings(config.runs().selfApproval(), config.migrations().soak(),
                config.migrations().poll());
        MigrationActions migrationActions = extras.migrationActions().orElseGet(() -> new MigrationDns(new ProxmoxMigrationActions(
                new RegisteredClusters(providers, kv), reservations, migrationRepository::timeline,
                workspace -> deploymentNames(workspaceRepository, zones, workspace), new NotYet(),
                RelocationSettings.DEFAULTS), dns, migrationRepository::timeline, MigrationDns.DEFAULT_LOWERED_TTL, clock));
        var migrationRunner = new MigrationRunner(migrationRepository, migrationActions, audit, migrationSettings, clock);
        var migrationWorker = new MigrationWorker(migrationRunner);
        var migrations = new MigrationService(migrationRepository, name -> providers.get(name).isPresent(), audit, migrationSettings,
                migrationWorker::wake, clock);
        var cookies = new SessionCookies(config.ui().secureCookies(), config.ui().sessionLifetime());
        var controllers = new BaoziApp.Controllers(
                new HealthController(new ReadinessService(database, config.openbao())),
                new StateController(state),
                new StateAdminController(state),
                new TokenController(auth, name -> workspaceRepository.byName(name).isPresent(), clock),
                new AuditController(audit),
                new WorkspaceController(workspaces),
                new RunController(runs, workspaces, bus),
                new UserController(auth, sessions, audit, clock),
                new ProviderController(providers),
                new PoolController(pools),
                new VarsController(workspaceVars, workspaces),
                new MigrationController(migrations, workspaces),
                new BackupController(backups, workspaces::get, workspaces::template),
                uiPages(workspaces, runs, state, audit, sessions, cookies, pools, migrations,
                        new WizardChoices(providers, reservations.map(AddressReservations::client)), clock));
        var app = new BaoziApp(controllers, new AccessGuard(auth, audit, sessions, cookies, clock), config.state().maxBodyBytes());
        return new Wiring(app, runs, scheduler, executor, sessions, workspaces, audit, state, migrationRunner, migrationWorker,
                new BackupSweeper(backups, config.backups().sweepInterval()));
    }

    /** A deployment's host name and aliases (its inputs {@code hostname}, {@code aliases}), each placed in the managed zones. */
    private static List<DeploymentNames.Name> deploymentNames(WorkspaceRepository workspaces, ManagedZones zones, String workspace) {
        var names = new ArrayList<DeploymentNames.Name>();
        workspaces.byName(workspace).ifPresent(w -> {
            var all = new ArrayList<String>();
            all.add(w.inputs().path("hostname").asText(""));
            w.inputs().path("aliases").forEach(a -> all.add(a.asText("")));
            all.stream().map(String::strip).filter(n -> !n.isEmpty()).forEach(n -> names.add(new DeploymentNames.Name(n,
                    zones.place(n) instanceof ManagedZones.Outcome.Refused r ? Optional.of(r.reason()) : Optional.empty())));
        });
        return names;
    }

    /**
     * One part of the orchestrator, built from its settings: a value the config loader accepted but
     * the part refuses (an octoDNS base configuration that does not parse, a NetBox URL OkHttp
     * cannot use) fails start-up under that part's own setting.
     */
    static <T> T part(String setting, Supplier<T> build) {
        try {
            return build.get();
        } catch (StartupException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StartupException(setting + ": " + e.getMessage(), e);
        }
    }

    /** Who must agree before a workspace is deleted, and let go after: its runs, its migration, its state, its DNS records. */
    private static List<WorkspaceService.Keeper> deletionKeepers(RunRepository runs, MigrationRepository migrations,
            StateRetirement state, DnsRecordRepository dns) {
        return List.of(
                WorkspaceService.Keeper.of(
                        w -> runs.active(w).map(r -> r + "; cancel or discard it first"),
                        (w, by) -> Optional.empty()),
                WorkspaceService.Keeper.of(
                        w -> migrations.unfinished(w.id()).map(m -> "migration " + m.id() + " is " + m.status().wire() + " at "
                                + m.step().wire() + "; finish or roll it back first"),
                        (w, by) -> Optional.empty()),
                WorkspaceService.Keeper.of(
                        w -> state.blocks(new WorkspaceName(w.name()), runs.lastAppliedWasDestroy(w.id())),
                        (w, by) -> state.release(new WorkspaceName(w.name()), by)),
                WorkspaceService.Keeper.of(
                        w -> Optional.empty(),
                        (w, by) -> {
                            dns.deleteOf(w.id());
                            return Optional.empty();
                        }));
    }

    private static BaoziApp.UiPages uiPages(WorkspaceService workspaces, RunService runs, StateService state, AuditRepository audit,
            SessionService sessions, SessionCookies cookies, Optional<PoolsService> pools, MigrationService migrations,
            TargetChoices choices, Clock clock) {
        var support = new UiSupport(new Pages());
        return new BaoziApp.UiPages(
                new SessionController(sessions, cookies, support),
                new WorkspacePagesController(workspaces, runs, state, support),
                new RunPagesController(runs, workspaces, support),
                new AuditPageController(audit, support),
                new PoolsPageController(pools, support),
                support,
                new StaticAssets(),
                new InputPagesController(workspaces, support),
                new MigrationPagesController(migrations, workspaces, choices, support, clock));
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

    public Wiring wiring() {
        return wiring;
    }

    @Override
    public void close() {
        wiring.migrationWorker().close();
        wiring.scheduler().close();
        wiring.backupSweeper().close();
        app.stop();
        wiring.state().flush();
        wiring.audit().close();
        openbao.close();
        database.close();
    }
}
