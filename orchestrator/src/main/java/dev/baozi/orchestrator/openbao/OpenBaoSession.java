package dev.baozi.orchestrator.openbao;

import dev.baozi.orchestrator.config.BaoziConfig;
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
 * The orchestrator's logged-in OpenBao session. Logs in with AppRole, renews its token at two
 * thirds of its TTL, and logs in again when the token can no longer be renewed (max TTL
 * reached, revoked). The token itself is never logged.
 */
public final class OpenBaoSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenBaoSession.class);
    private static final Pattern ERRORS = Pattern.compile("\"errors\"\\s*:\\s*\\[\\s*\"([^\"]*)\"");
    private static final Duration MIN_REFRESH = Duration.ofSeconds(1);

    private final BaoziConfig.OpenBao settings;
    private final AtomicReference<Vault> client = new AtomicReference<>();
    private final AtomicReference<String> token = new AtomicReference<>();
    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong renewals = new AtomicLong();
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "openbao-token-renewal");
        t.setDaemon(true);
        return t;
    });

    private OpenBaoSession(BaoziConfig.OpenBao settings) {
        this.settings = settings;
    }

    /** Logs in with the configured AppRole; throws when OpenBao refuses or cannot be reached. */
    public static OpenBaoSession login(BaoziConfig.OpenBao settings) throws OpenBaoLoginException {
        var session = new OpenBaoSession(settings);
        long ttl = session.loginNow();
        session.scheduleRefresh(ttl);
        return session;
    }

    /** A client carrying the current token. Do not keep it: the token changes on re-login. */
    public Vault client() {
        return client.get();
    }

    /** The current token, for clients of OpenBao's HTTP API that the driver does not cover (KV v2 check-and-set). */
    public String token() {
        return token.get();
    }

    public BaoziConfig.OpenBao settings() {
        return settings;
    }

    public long loginCount() {
        return logins.get();
    }

    public long renewalCount() {
        return renewals.get();
    }

    /** Asks OpenBao's unauthenticated seal-status endpoint. */
    public static SealState sealState(BaoziConfig.OpenBao settings) {
        try {
            Boolean sealed = Vault.create(vaultConfig(settings, null)).seal().sealStatus().getSealed();
            return Boolean.TRUE.equals(sealed) ? new SealState.Sealed() : new SealState.Unsealed();
        } catch (VaultException e) {
            return new SealState.Unreachable(describe(e));
        }
    }

    private long loginNow() throws OpenBaoLoginException {
        AuthResponse auth;
        try {
            auth = Vault.create(vaultConfig(settings, null))
                    .auth()
                    .loginByAppRole(settings.appRoleMount(), settings.roleId(), settings.secretId());
        } catch (VaultException e) {
            String what = e.getHttpStatusCode() == 0
                    ? "cannot reach OpenBao at " + settings.address() + " for the AppRole login"
                    : "OpenBao at " + settings.address() + " refused the AppRole login of role-id "
                            + settings.roleId() + " on auth/" + settings.appRoleMount();
            throw new OpenBaoLoginException(what + ": " + describe(e), e);
        }
        try {
            client.set(Vault.create(vaultConfig(settings, auth.getAuthClientToken())));
            token.set(auth.getAuthClientToken());
        } catch (VaultException e) {
            throw new OpenBaoLoginException("configuring the OpenBao client: " + describe(e), e);
        }
        logins.incrementAndGet();
        log.info("logged in to OpenBao at {} with AppRole (token TTL {}s)", settings.address(), auth.getAuthLeaseDuration());
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
            AuthResponse renewed = client.get().auth().renewSelf();
            ttl = renewed.getAuthLeaseDuration();
            renewals.incrementAndGet();
            if (ttl < MIN_REFRESH.toSeconds() * 2 || !renewed.isAuthRenewable()) {
                ttl = loginNow(); // near the token's max TTL: start afresh
            }
        } catch (VaultException renewFailed) {
            log.info("renewing the OpenBao token: {}; logging in again", describe(renewFailed));
            try {
                ttl = loginNow();
            } catch (OpenBaoLoginException loginFailed) {
                log.warn("logging in to OpenBao again: {}; retrying in 5s", loginFailed.getMessage());
                renewer.schedule(this::refresh, 5, TimeUnit.SECONDS);
                return;
            }
        } catch (OpenBaoLoginException loginFailed) {
            log.warn("logging in to OpenBao again: {}; retrying in 5s", loginFailed.getMessage());
            renewer.schedule(this::refresh, 5, TimeUnit.SECONDS);
            return;
        }
        scheduleRefresh(ttl);
    }

    static VaultConfig vaultConfig(BaoziConfig.OpenBao settings, String token) throws VaultException {
        int timeoutSeconds = (int) Math.max(1, settings.timeout().toSeconds());
        var ssl = new SslConfig().verify(true);
        if (settings.caCert().isPresent()) {
            ssl = ssl.pemFile(settings.caCert().get().toFile());
        }
        var config = new VaultConfig()
                .address(settings.address().toString())
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
