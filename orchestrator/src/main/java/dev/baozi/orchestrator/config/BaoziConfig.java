package dev.baozi.orchestrator.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The orchestrator's whole configuration, validated. Secrets never appear in {@link #toString()}. */
public record BaoziConfig(Http http, Database database, OpenBao openbao, State state, Auth auth, Runs runs, Tofu tofu, Ui ui,
        Dns dns, NetBox netbox, Vars vars, Migrations migrations, Backups backups) {

    /**
     * Migrations: how long a migrated deployment's source VM stays stopped before it may be
     * decommissioned (the soak), and how soon a pending step (a transfer, the adopt run) is looked at again.
     */
    public record Migrations(Duration soak, Duration poll) {}


    /**
     * Backups of deployments' VMs: how long one is kept ({@code backups.retention}), how often
     * expired ones are deleted ({@code backups.sweep-interval}), how long a vzdump or a restore
     * may take ({@code backups.timeout}).
     */
    public record Backups(Duration retention, Duration sweepInterval, Duration timeout) {}

    /** Where the HTTP server listens. */
    public record Http(String host, int port) {}

    /**
     * The HTTP state backend: how many versions of each state are kept, the largest state
     * accepted, whether states are sealed at rest and the transit key that seals them.
     */
    public record State(int retention, long maxBodyBytes, StateEncryption encryption, String transitKey) {}

    /**
     * Encryption at rest of stored states ({@code state.encryption}): {@code transit} seals each
     * state under a data key wrapped by transit key {@code state.transit-key}; {@code none} stores
     * them as they come (sealed states still open).
     */
    public enum StateEncryption { NONE, TRANSIT }

    /** How runs execute: where, how many tofu processes at once, step timeouts, self-approval. */
    public record Runs(Path dir, int maxConcurrent, Duration planTimeout, Duration applyTimeout, Duration cancelGrace,
            boolean selfApproval, Sandbox sandbox) {}

    /**
     * Where tofu steps run: {@code bubblewrap} (required: start-up fails without {@code bwrap}),
     * {@code none}, or {@code auto} (bubblewrap when the machine has it, else none, said at start-up).
     */
    public enum Sandbox { AUTO, BUBBLEWRAP, NONE }

    /** The tofu binary, the offline provider mirror it installs from, and the templates folder. */
    public record Tofu(Path binary, Path providersMirror, Path templatesDir) {}

    /**
     * Web UI accounts: how long a session may sit idle and how long it may live at most, whether
     * its cookie is marked Secure (HTTPS only), and the file the first admin's one-time password
     * is written to (absent: no first admin is made).
     */
    public record Ui(Duration sessionIdle, Duration sessionLifetime, boolean secureCookies,
            Optional<Path> firstAdminPasswordFile) {}

    /**
     * Managed DNS zones (none: deployments get no DNS records), the octodns-sync that syncs them,
     * the octoDNS base configuration, the PowerDNS API it reaches and its key, the TTL of records
     * that name none, and how long one sync may take.
     */
    public record Dns(List<String> zones, Path octodnsSync, Path baseConfig, URI powerdnsUrl,
            Optional<String> powerdnsApiKey, int defaultTtl, Duration syncTimeout) {
        public boolean enabled() {
            return !zones.isEmpty();
        }

        @Override
        public String toString() {
            return "Dns[zones=" + zones + ", octodnsSync=" + octodnsSync + ", baseConfig=" + baseConfig + ", powerdnsUrl="
                    + powerdnsUrl + ", powerdnsApiKey=" + (powerdnsApiKey.isPresent() ? "(set)" : "(none)") + ", defaultTtl="
                    + defaultTtl + ", syncTimeout=" + syncTimeout + "]";
        }
    }

    /** NetBox, where deployments' addresses come from (absent URL: deployments are refused), and its API token. */
    public record NetBox(Optional<URI> url, Optional<String> token, Duration timeout) {
        public boolean enabled() {
            return url.isPresent();
        }

        @Override
        public String toString() {
            return "NetBox[url=" + url + ", token=" + (token.isPresent() ? "(set)" : "(none)") + ", timeout=" + timeout + "]";
        }
    }

    /**
     * Delivering generated secrets to machines: the OpenBao address machines reach (default: the
     * orchestrator's), how long a delivery's wrapping token may wait to be unwrapped, and how long
     * the unwrapped token may read.
     */
    public record Vars(URI machineOpenBao, Duration deliveryWrapTtl, Duration deliveryTokenTtl) {}

    /** The admin token (absent: the admin API refuses everyone). */
    public record Auth(Optional<String> adminToken) {
        @Override
        public String toString() {
            return "Auth[adminToken=" + (adminToken.isPresent() ? "(set)" : "(none)") + "]";
        }
    }

    /** A JDBC URL for H2 (default, embedded) or PostgreSQL. */
    public record Database(String url, String user, String password) {
        public boolean isPostgres() {
            return url.startsWith("jdbc:postgresql:");
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", password=" + (password.isEmpty() ? "" : "(set)") + "]";
        }
    }

    /** How the orchestrator reaches OpenBao and logs in with its AppRole. */
    public record OpenBao(
            URI address,
            String appRoleMount,
            String roleId,
            String secretId,
            String kvMount,
            String transitMount,
            Optional<Path> caCert,
            Duration timeout) {

        /** How to reach OpenBao (address, CA, timeout). */
        public dev.baozi.openbao.OpenBaoConnection connection() {
            return new dev.baozi.openbao.OpenBaoConnection(address, caCert, timeout);
        }

        /** The orchestrator's AppRole. */
        public dev.baozi.openbao.AppRole appRole() {
            return new dev.baozi.openbao.AppRole(appRoleMount, roleId, secretId);
        }

        @Override
        public String toString() {
            return "OpenBao[address=" + address + ", appRoleMount=" + appRoleMount + ", roleId=" + roleId
                    + ", secretId=(set), kvMount=" + kvMount + ", transitMount=" + transitMount
                    + ", caCert=" + caCert + ", timeout=" + timeout + "]";
        }
    }
}
