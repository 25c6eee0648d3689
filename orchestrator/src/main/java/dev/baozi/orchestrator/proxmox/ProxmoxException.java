package dev.baozi.orchestrator.proxmox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Why a Proxmox VE call did not give an answer. The kinds are closed, so callers can switch on
 * them; messages say what was being done and never carry the token secret.
 */
public abstract sealed class ProxmoxException extends RuntimeException {

    private ProxmoxException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No HTTP answer: the host could not be reached, or TLS refused it ({@link #tlsProblem()}). */
    public static final class Unreachable extends ProxmoxException {
        private final String host;
        private final String tlsProblem;

        Unreachable(String message, String host, String tlsProblem, Throwable cause) {
            super(message, cause);
            this.host = host;
            this.tlsProblem = tlsProblem;
        }

        public String host() {
            return host;
        }

        /** What TLS objected to (certificate not trusted, fingerprint differs, wrong host name), if that was it. */
        public Optional<String> tlsProblem() {
            return Optional.ofNullable(tlsProblem);
        }
    }

    /** HTTP 401: PVE did not accept the API token (unknown, wrong secret, expired, or its user disabled). */
    public static final class TokenRefused extends ProxmoxException {
        private final String tokenId;

        TokenRefused(String message, String tokenId) {
            super(message, null);
            this.tokenId = tokenId;
        }

        public String tokenId() {
            return tokenId;
        }
    }

    /** HTTP 400: PVE refused parameters; {@link #parameterErrors()} is its message per parameter. */
    public static final class BadRequest extends ProxmoxException {
        private final Map<String, String> parameterErrors;

        BadRequest(String message, Map<String, String> parameterErrors) {
            super(message, null);
            this.parameterErrors = Map.copyOf(parameterErrors);
        }

        public Map<String, String> parameterErrors() {
            return parameterErrors;
        }
    }

    /** An HTTP status with PVE's reason for it. */
    public abstract static sealed class WithStatus extends ProxmoxException {
        private final int status;
        private final String reason;

        private WithStatus(String message, int status, String reason) {
            super(message, null);
            this.status = status;
            this.reason = reason;
        }

        public int status() {
            return status;
        }

        public String reason() {
            return reason;
        }
    }

    /** Another 4xx: no permission (403), no such thing (404), … with PVE's reason. */
    public static final class Refused extends WithStatus {
        Refused(String message, int status, String reason) {
            super(message, status, reason);
        }
    }

    /** HTTP 5xx: PVE could not do it; {@link #reason()} is its message. */
    public static final class ServerError extends WithStatus {
        ServerError(String message, int status, String reason) {
            super(message, status, reason);
        }
    }

    /**
     * A task (a UPID) ended with an exit status other than OK: PVE's exit status and the last lines
     * of its log, which say why ("can't migrate running VM without --online", "storage 'x' does not exist").
     */
    public static final class TaskFailed extends ProxmoxException {
        private final Upid upid;
        private final String exitStatus;
        private final List<String> logTail;

        TaskFailed(String message, Upid upid, String exitStatus, List<String> logTail) {
            super(message, null);
            this.upid = upid;
            this.exitStatus = exitStatus;
            this.logTail = List.copyOf(logTail);
        }

        public Upid upid() {
            return upid;
        }

        /** PVE's exit status, e.g. {@code "unable to find configuration file for VM 900"}. */
        public String exitStatus() {
            return exitStatus;
        }

        public List<String> logTail() {
            return logTail;
        }
    }

    /** A task was still running when the wait ended (its deadline passed, or the waiting thread was interrupted). */
    public static final class TaskUnfinished extends ProxmoxException {
        private final Upid upid;
        private final Duration waited;

        TaskUnfinished(String message, Upid upid, Duration waited) {
            super(message, null);
            this.upid = upid;
            this.waited = waited;
        }

        public Upid upid() {
            return upid;
        }

        public Duration waited() {
            return waited;
        }
    }

    /** PVE answered 2xx with something the client cannot read, or without what it must hold. */
    public static final class UnexpectedAnswer extends ProxmoxException {
        UnexpectedAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
