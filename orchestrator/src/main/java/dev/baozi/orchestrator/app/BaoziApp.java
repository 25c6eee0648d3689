package dev.baozi.orchestrator.app;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.patch;
import static io.javalin.apibuilder.ApiBuilder.path;
import static io.javalin.apibuilder.ApiBuilder.post;
import static io.javalin.apibuilder.ApiBuilder.put;
import static io.javalin.apibuilder.ApiBuilder.sse;

import dev.baozi.orchestrator.audit.AuditController;
import dev.baozi.orchestrator.state.TokenController;
import dev.baozi.orchestrator.auth.UserController;
import dev.baozi.orchestrator.provider.ProviderController;
import dev.baozi.orchestrator.run.RunController;
import dev.baozi.orchestrator.workspace.WorkspaceController;
import dev.baozi.orchestrator.health.HealthController;
import dev.baozi.openbao.OpenBaoUnavailableException;
import dev.baozi.orchestrator.state.StateAdminController;
import dev.baozi.orchestrator.state.StateController;
import dev.baozi.orchestrator.web.Access;
import dev.baozi.orchestrator.web.ErrorBody;
import dev.baozi.orchestrator.web.OpenApi;
import dev.baozi.orchestrator.web.PageRefusedException;
import dev.baozi.orchestrator.web.StrictJsonMapper;
import dev.baozi.orchestrator.web.UiSupport;
import io.javalin.Javalin;
import io.javalin.apibuilder.ApiBuilder;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Javalin app: the route table with each route's access rule, and JSON errors. */
public final class BaoziApp {

    private static final Logger log = LoggerFactory.getLogger(BaoziApp.class);
    /** The state backend's lock and unlock verbs (OpenTofu's http backend sends them as HTTP methods). */
    static final HandlerType LOCK = HandlerType.findOrCreate("LOCK");
    static final HandlerType UNLOCK = HandlerType.findOrCreate("UNLOCK");

    /** Everything the routes call. */
    public record Controllers(
            HealthController health,
            StateController state,
            StateAdminController stateAdmin,
            TokenController tokens,
            AuditController audit,
            WorkspaceController workspaces,
            RunController runs,
            UserController users,
            ProviderController providers,
            dev.baozi.orchestrator.netbox.PoolController pools,
            dev.baozi.orchestrator.vars.VarsController vars,
            dev.baozi.orchestrator.migration.MigrationController migrations,
            dev.baozi.orchestrator.backup.BackupController backups,
            UiPages ui) {}

    /** The web UI's page controllers and what renders their pages. */
    public record UiPages(
            dev.baozi.orchestrator.auth.SessionController session,
            dev.baozi.orchestrator.run.WorkspacePagesController workspaces,
            dev.baozi.orchestrator.run.RunPagesController runs,
            dev.baozi.orchestrator.audit.AuditPageController audit,
            dev.baozi.orchestrator.netbox.PoolsPageController pools,
            dev.baozi.orchestrator.web.UiSupport support,
            dev.baozi.ui.StaticAssets assets,
            dev.baozi.orchestrator.workspace.InputPagesController inputs,
            dev.baozi.orchestrator.migration.MigrationPagesController migrations) {}

    /** Sent with every answer (it matters on pages): no inline script or style, nothing from elsewhere, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /** A route as registered: method, path and access rules. */
    public record Route(String method, String path, java.util.Set<io.javalin.security.RouteRole> roles) {}

    private final java.util.List<Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Controllers c;
    private final AccessGuard guard;
    private final long maxBodyBytes;

    public BaoziApp(Controllers controllers, AccessGuard guard, long maxBodyBytes) {
        this.c = controllers;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Every route the last {@link #create} registered. */
    public java.util.List<Route> routes() {
        return java.util.List.copyOf(routes);
    }

    public Javalin create(String host, int port) {
        return Javalin.create(config -> {
            config.jetty.host = host;
            config.jetty.port = port;
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = maxBodyBytes;
            config.jsonMapper(new StrictJsonMapper(StrictJsonMapper.objectMapper()));

            config.concurrency.useVirtualThreads = true;
            config.events.handlerAdded(info -> {
                if (!info.getHttpMethod().name().startsWith("BEFORE") && !info.getHttpMethod().name().startsWith("AFTER")) {
                    routes.add(new Route(info.getHttpMethod().name(), info.getPath(), info.getRoles()));
                }
            });
            config.routes.before(BaoziApp::securityHeaders);
            config.routes.before(BaoziApp::checkEncodings);
            config.routes.beforeMatched(guard);

            config.routes.apiBuilder(() -> {
                get("/healthz", c.health()::healthz, Access.PUBLIC);
                get("/readyz", c.health()::readyz, Access.PUBLIC);

                path("/state/{workspace}", () -> {
                    get(c.state()::get, Access.STATE_READ);
                    post(c.state()::post, Access.STATE_WRITE);
                    delete(c.state()::delete, Access.STATE_WRITE);
                    route(LOCK, c.state()::lock, Access.STATE_WRITE);
                    route(UNLOCK, c.state()::unlock, Access.STATE_WRITE);
                });

                get("/api/v1/openapi.json", OpenApi::serve, Access.PUBLIC);
                path("/api/v1", () -> {
                    get("/locks", c.stateAdmin()::locks, Access.ADMIN);
                    get("/audit", c.audit()::list, Access.ADMIN);
                    get("/users", c.users()::list, Access.ADMIN);
                    post("/users", c.users()::create, Access.ADMIN);
                    post("/users/{name}/tokens", c.users()::token, Access.ADMIN);
                    delete("/users/{name}/tokens", c.users()::revokeTokens, Access.ADMIN);
                    patch("/users/{name}", c.users()::update, Access.ADMIN);
                    delete("/users/{name}", c.users()::delete, Access.ADMIN);
                    put("/users/{name}/password", c.users()::password, Access.ADMIN);
                    get("/templates", c.workspaces()::templates, Access.VIEWER);
                    get("/workspaces", c.workspaces()::list, Access.VIEWER);
                    post("/workspaces", c.workspaces()::create, Access.OPERATOR);
                    get("/providers", c.providers()::list, Access.VIEWER);
                    post("/providers", c.providers()::create, Access.ADMIN);
                    delete("/providers/{name}", c.providers()::delete, Access.ADMIN);
                    get("/providers/{name}/inventory", c.providers()::inventory, Access.VIEWER);
                    get("/pools", c.pools()::list, Access.VIEWER);
                    path("/runs/{id}", () -> {
                        get(c.runs()::show, Access.VIEWER);
                        get("/plan", c.runs()::plan, Access.VIEWER);
                        get("/logs", c.runs()::logs, Access.VIEWER);
                        sse("/logs/stream", c.runs()::stream, Access.VIEWER);
                        post("/approve", c.runs()::approve, Access.APPROVER);
                        post("/discard", c.runs()::discard, Access.APPROVER);
                        post("/cancel", c.runs()::cancel, Access.OPERATOR);
                    });
                    path("/workspaces/{workspace}", () -> {
                        get(c.workspaces()::show, Access.VIEWER);
                        patch(c.workspaces()::update, Access.OPERATOR);
                        delete(c.workspaces()::delete, Access.ADMIN);
                        get("/files", c.workspaces()::files, Access.VIEWER);
                        get("/runs", c.runs()::list, Access.VIEWER);
                        post("/runs", c.runs()::queue, Access.OPERATOR);
                        get("/lock", c.stateAdmin()::lock, Access.ADMIN);
                        delete("/lock", c.stateAdmin()::forceUnlock, Access.ADMIN);
                        get("/state/versions", c.stateAdmin()::versions, Access.ADMIN);
                        get("/state/versions/{version}", c.stateAdmin()::version, Access.ADMIN);
                        get("/state/diff", c.stateAdmin()::diff, Access.ADMIN);
                        post("/state/rollback", c.stateAdmin()::rollback, Access.ADMIN);
                        get("/vars", c.vars()::list, Access.VIEWER);
                        post("/vars/generate", c.vars()::generate, Access.OPERATOR);
                        post("/vars/fix", c.vars()::fix, Access.OPERATOR);
                        get("/vars/{generator}/{file}", c.vars()::get, Access.VIEWER);
                        put("/vars/{generator}/{file}", c.vars()::set, Access.OPERATOR);
                        post("/vars/{generator}/rollback", c.vars()::rollback, Access.OPERATOR);
                        get("/backups", c.backups()::list, Access.VIEWER);
                        post("/backups", c.backups()::create, Access.OPERATOR);
                        post("/backups/{id}/restore", c.backups()::restore, Access.APPROVER);
                        get("/state-tokens", c.tokens()::list, Access.ADMIN);
                        post("/state-tokens", c.tokens()::create, Access.ADMIN);
                        delete("/state-tokens/{id}", c.tokens()::revoke, Access.ADMIN);
                        get("/migrations", c.migrations()::list, Access.VIEWER);
                        post("/migrations", c.migrations()::create, Access.OPERATOR);
                        get("/migrations/{id}", c.migrations()::show, Access.VIEWER);
                        post("/migrations/{id}/approve", c.migrations()::approve, Access.APPROVER);
                        post("/migrations/{id}/skip-wait", c.migrations()::skipWait, Access.APPROVER);
                        post("/migrations/{id}/retry", c.migrations()::retry, Access.OPERATOR);
                        post("/migrations/{id}/rollback", c.migrations()::rollback, Access.APPROVER);
                        post("/migrations/{id}/decommission", c.migrations()::decommission, Access.APPROVER);
                    });
                });
            });
            UiPages ui = c.ui();
            config.routes.apiBuilder(() -> {
                get("/static/{name}", this::asset, Access.PUBLIC, Access.BROWSER);
                get("/", ctx -> ctx.redirect("/workspaces", HttpStatus.SEE_OTHER), Access.PUBLIC, Access.BROWSER);
                get("/login", ui.session()::loginForm, Access.PUBLIC, Access.BROWSER);
                post("/login", ui.session()::login, Access.PUBLIC, Access.BROWSER);
                post("/logout", ui.session()::logout, Access.VIEWER, Access.BROWSER);
                get("/password", ui.session()::passwordForm, Access.VIEWER, Access.BROWSER);
                post("/password", ui.session()::changePassword, Access.VIEWER, Access.BROWSER);
                get("/workspaces", ui.workspaces()::list, Access.VIEWER, Access.BROWSER);
                get("/workspaces/{workspace}", ui.workspaces()::show, Access.VIEWER, Access.BROWSER);
                post("/workspaces/{workspace}/runs", ui.workspaces()::queue, Access.OPERATOR, Access.BROWSER);
                get("/new-workspace", ui.inputs()::newForm, Access.OPERATOR, Access.BROWSER);
                post("/new-workspace", ui.inputs()::create, Access.OPERATOR, Access.BROWSER);
                get("/workspaces/{workspace}/inputs", ui.inputs()::editForm, Access.OPERATOR, Access.BROWSER);
                post("/workspaces/{workspace}/inputs", ui.inputs()::update, Access.OPERATOR, Access.BROWSER);
                post("/workspaces/{workspace}/lock/release", ui.workspaces()::forceUnlock, Access.ADMIN, Access.BROWSER);
                post("/workspaces/{workspace}/state/rollback", ui.workspaces()::rollback, Access.ADMIN, Access.BROWSER);
                get("/workspaces/{workspace}/migrate", ui.migrations()::wizard, Access.OPERATOR, Access.BROWSER);
                get("/workspaces/{workspace}/migrations", ui.migrations()::list, Access.VIEWER, Access.BROWSER);
                post("/workspaces/{workspace}/migrations", ui.migrations()::create, Access.OPERATOR, Access.BROWSER);
                get("/workspaces/{workspace}/migrations/{id}", ui.migrations()::show, Access.VIEWER, Access.BROWSER);
                post("/workspaces/{workspace}/migrations/{id}/approve", ui.migrations()::approve, Access.APPROVER, Access.BROWSER);
                post("/workspaces/{workspace}/migrations/{id}/skip-wait", ui.migrations()::skipWait, Access.APPROVER, Access.BROWSER);
                post("/workspaces/{workspace}/migrations/{id}/retry", ui.migrations()::retry, Access.OPERATOR, Access.BROWSER);
                post("/workspaces/{workspace}/migrations/{id}/rollback", ui.migrations()::rollback, Access.APPROVER, Access.BROWSER);
                post("/workspaces/{workspace}/migrations/{id}/decommission", ui.migrations()::decommission, Access.APPROVER,
                        Access.BROWSER);
                get("/runs/{id}", ui.runs()::show, Access.VIEWER, Access.BROWSER);
                post("/runs/{id}/decision", ui.runs()::decide, Access.APPROVER, Access.BROWSER);
                post("/runs/{id}/cancel", ui.runs()::cancel, Access.OPERATOR, Access.BROWSER);
                sse("/runs/{id}/log/stream", c.runs()::stream, Access.VIEWER, Access.BROWSER);
                get("/audit", ui.audit()::page, Access.ADMIN, Access.BROWSER);
                get("/pools", ui.pools()::page, Access.VIEWER, Access.BROWSER);
            });
            config.routes.exception(PageRefusedException.class, (e, ctx) -> page(ctx, e.status(), e.heading(), e.getMessage()));

            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (ctx.routeRoles().contains(Access.BROWSER)) {
                    page(ctx, HttpStatus.forStatus(e.getStatus()), "Refused", e.getMessage());
                } else {
                    ctx.status(e.getStatus()).json(new ErrorBody(e.getMessage()));
                }
            });
            config.routes.exception(dev.baozi.orchestrator.netbox.NetBoxException.class, (e, ctx) -> {
                log.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                if (ctx.routeRoles().contains(Access.BROWSER)) {
                    page(ctx, HttpStatus.BAD_GATEWAY, "NetBox did not help", e.getMessage());
                } else {
                    ctx.status(HttpStatus.BAD_GATEWAY).json(new ErrorBody(e.getMessage() + "; nothing was changed"));
                }
            });
            config.routes.exception(OpenBaoUnavailableException.class, (e, ctx) -> {
                log.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .header("Retry-After", "5")
                        .json(new ErrorBody("OpenBao is unavailable (" + e.getMessage() + "); nothing was changed, retry later"));
            });
            config.routes.exception(dev.baozi.orchestrator.state.StateBusyException.class, (e, ctx) -> {
                log.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                ctx.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1").json(new ErrorBody(e.getMessage()));
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("handling {} {}", ctx.method(), ctx.path(), e);
                if (ctx.routeRoles().contains(Access.BROWSER)) {
                    page(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "Something broke",
                            "The orchestrator hit an internal error; its log says more.");
                } else {
                    ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                            .json(new ErrorBody("the orchestrator hit an internal error; see its log"));
                }
            });
        });
    }

    /** A route of a method the API builder has no verb for (LOCK, UNLOCK), at the current path. */
    private static void route(HandlerType method, io.javalin.http.Handler handler, io.javalin.security.RouteRole... roles) {
        ApiBuilder.staticInstance().addHttpHandler(method, ApiBuilder.prefixPath(""), handler, roles);
    }

    /**
     * The security headers, all set here, on every answer, before anything else runs (so refusals,
     * errors and 404s carry them too): no MIME sniffing; no caching, since answers carry tokens,
     * secrets, states or pages (static files override it with their ETag); the pages' content
     * security policy and referrer policy (harmless on JSON); and HSTS when the request came over
     * HTTPS (directly or, per {@code X-Forwarded-Proto}, through a proxy: browsers ignore it over
     * plain HTTP anyway).
     */
    static void securityHeaders(io.javalin.http.Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff").header("Cache-Control", "no-store")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY).header("Referrer-Policy", "same-origin");
        String forwarded = ctx.header("X-Forwarded-Proto");
        boolean https = "https".equalsIgnoreCase(ctx.scheme())
                || (forwarded != null && forwarded.split(",")[0].strip().equalsIgnoreCase("https"));
        if (https) {
            ctx.header("Strict-Transport-Security", "max-age=31536000");
        }
    }

    /**
     * Refuses, before any route is matched, what Javalin would otherwise fail on with a 500: a
     * path that is not valid %-encoding (path parameters are decoded when the route is matched)
     * and a request charset Java does not know (bodies are decoded with it).
     */
    static void checkEncodings(io.javalin.http.Context ctx) {
        try {
            java.net.URLDecoder.decode(ctx.path().replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new io.javalin.http.BadRequestResponse("the request path is not valid %-encoding: " + e.getMessage());
        }
        String charset = ctx.characterEncoding();
        boolean known;
        try {
            known = charset == null || java.nio.charset.Charset.isSupported(charset);
        } catch (IllegalArgumentException e) {
            known = false;
        }
        if (!known) {
            throw new io.javalin.http.BadRequestResponse("the Content-Type names a charset Baozi does not know ("
                    + (charset.length() > 40 ? charset.substring(0, 40) + "…" : charset) + "); send UTF-8");
        }
    }

    /** A UI error page: with the session's chrome when there is a session, else the anonymous one. */
    private void page(io.javalin.http.Context ctx, HttpStatus status, String heading, String message) {
        c.ui().support().message(ctx, status, UiSupport.errorChrome(ctx, heading), heading, message);
    }

    /** A static file of the UI, with an ETag; anything not in the list is 404. */
    private void asset(io.javalin.http.Context ctx) {
        var asset = c.ui().assets().get(ctx.pathParam("name"));
        if (asset.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(new ErrorBody("no static file " + ctx.pathParam("name")));
            return;
        }
        ctx.header("ETag", asset.get().etag()).header("Cache-Control", "no-cache");
        if (asset.get().etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(HttpStatus.NOT_MODIFIED);
            return;
        }
        ctx.contentType(asset.get().contentType()).result(asset.get().bytes());
    }
}
