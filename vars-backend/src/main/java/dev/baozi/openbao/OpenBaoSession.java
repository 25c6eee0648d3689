package dev.baozi.openbao;

import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.AuthResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logged-in OpenBao session. Logs in with AppRole, renews its token at two thirds of its TTL,
 * and logs in again when the token can no longer be renewed (max TTL reached, revoked). Login,
 * renewal and seal status go through the Vault Java Driver; every other call goes through
 * {@link #client()}, which sends the current token. The token itself is never logged.
 */
public final class OpenBaoSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenBaoSession.class);
    private static final Pattern ERRORS = Pattern.compile("\"errors\"\\s*:\\s*\\[\\s*\"([^\"]*)\"");
    private static final Duration MIN_REFRESH = Duration.ofSeconds(1);

    private final OpenBaoConnection connection;
    private final AppRole appRole;
    private final OpenBaoClient client;
    private final AtomicReference<Vault> driver = new AtomicReference<>();
    private final AtomicReference<String> token = new AtomicReference<>();
    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong renewals = new AtomicLong();
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "openbao-token-renewal");
        t.setDaemon(true);
        return t;
    });

    private OpenBaoSession(OpenBaoConnection connection, AppRole appRole) {
        this.connection = connection;
        this.appRole = appRole;
        this.client = new OpenBaoClient(connection, token::get);
    }

    /**
     * Logs in with {@code appRole}: {@link OpenBaoUnavailableException} when OpenBao cannot be
     * reached, {@link OpenBaoRefusedException} when it refuses (the message names the role-id,
     * never the secret-id), {@link IllegalArgumentException} when the CA certificate is unusable.
     */
    public static OpenBaoSession login(OpenBaoConnection connection, AppRole appRole) {
        var session = new OpenBaoSession(connection, appRole);
        long ttl = session.loginNow();
        session.scheduleRefresh(ttl);
        return session;
    }

    /** The HTTP client that sends the session's current token with every call (it follows renewals and re-logins). */
    public OpenBaoClient client() {
        return client;
    }

    /** The current token. */
    public String token() {
        return token.get();
    }

    public OpenBaoConnection connection() {
        return connection;
    }

    public long loginCount() {
        return logins.get();
    }

    public long renewalCount() {
        return renewals.get();
    }

    /** Asks OpenBao's unauthenticated seal-status endpoint. */
    public static SealState sealState(OpenBaoConnection connection) {
        try {
            Boolean sealed = Vault.create(vaultConfig(connection, null)).seal().sealStatus().getSealed();
            return Boolean.TRUE.equals(sealed) ? new SealState.Sealed() : new SealState.Unsealed();
        } catch (VaultException e) {
            return new SealState.Unreachable(describe(e));
        }
    }

    private long loginNow() {
        AuthResponse auth;
        try {
            auth = Vault.create(vaultConfig(connection, null))
                    .auth()
                    .loginByAppRole(appRole.mount(), appRole.roleId(), appRole.secretId());
        } catch (VaultException e) {
            int status = e.getHttpStatusCode();
            if (status == 0) {
                throw new OpenBaoUnavailableException("cannot reach OpenBao at " + connection.address() + " for the AppRole login: "
                        + describe(e), e);
            }
            String what = "OpenBao at " + connection.address() + " refused the AppRole login of role-id " + appRole.roleId()
                    + " on auth/" + appRole.mount() + ": " + describe(e);
            if (status >= 500 || status == 429) {
                throw new OpenBaoUnavailableException(what, e);
            }
            throw new OpenBaoRefusedException(what, status);
        }
        try {
            driver.set(Vault.create(vaultConfig(connection, auth.getAuthClientToken())));
            token.set(auth.getAuthClientToken());
        } catch (VaultException e) {
            throw new IllegalArgumentException("configuring the OpenBao client: " + describe(e), e);
        }
        logins.incrementAndGet();
        log.info("logged in to OpenBao at {} with AppRole (token TTL {}s)", connection.address(), auth.getAuthLeaseDuration());
        return auth.getAuthLeaseDuration();
    }

    private void scheduleRefresh(long ttlSeconds) {
        if (ttlSeconds <= 0) {
            return; // a token without TTL needs no renewal
        }
        long delayMillis = Math.max(MIN_REFRESH.toMillis(), ttlSeconds * 1000 * 2 / 3);
        renewer.schedule(this::refresh, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        long ttl;
        try {
            try {
                AuthResponse renewed = driver.get().auth().renewSelf();
                ttl = renewed.getAuthLeaseDuration();
                renewals.incrementAndGet();
                if (ttl < MIN_REFRESH.toSeconds() * 2 || !renewed.isAuthRenewable()) {
                    ttl = loginNow(); // near the token's max TTL: start afresh
                }
            } catch (VaultException renewFailed) {
                log.info("renewing the OpenBao token: {}; logging in again", describe(renewFailed));
                ttl = loginNow();
            }
        } catch (OpenBaoUnavailableException | OpenBaoRefusedException | IllegalArgumentException loginFailed) {
            log.warn("logging in to OpenBao again: {}; retrying in 5s", loginFailed.getMessage());
            renewer.schedule(this::refresh, 5, TimeUnit.SECONDS);
            return;
        }
        scheduleRefresh(ttl);
    }

    static VaultConfig vaultConfig(OpenBaoConnection connection, String token) throws VaultException {
        int timeoutSeconds = (int) Math.max(1, connection.timeout().toSeconds());
        var ssl = new SslConfig().verify(true);
        if (connection.caCert().isPresent()) {
            ssl = ssl.pemFile(connection.caCert().get().toFile());
        }
        var config = new VaultConfig()
                .address(connection.address().toString())
                .engineVersion(2)
                .openTimeout(timeoutSeconds)
                .readTimeout(timeoutSeconds)
                .sslConfig(ssl.build());
        if (token != null) {
            config = config.token(token);
        }
        return config.build();
    }

    /** A one-line reason from a driver exception: OpenBao's own error text when it sent one. */
    static String describe(VaultException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        Matcher m = ERRORS.matcher(message);
        if (m.find()) {
            return m.group(1) + " (HTTP " + e.getHttpStatusCode() + ")";
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String rootMessage = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return e.getHttpStatusCode() > 0 ? "HTTP " + e.getHttpStatusCode() + ": " + rootMessage : rootMessage;
    }

    @Override
    public void close() {
        renewer.shutdownNow();
    }
}
