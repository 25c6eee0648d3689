package dev.baozi.harness.openbao;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.vars.delivery.DeploymentPolicy;
import java.time.Duration;
import java.util.List;

/**
 * Sets up OpenBao for the orchestrator: the KV v2 and transit engines Baozi uses, a
 * least-privilege policy, an AppRole that carries only that policy, and the token role vars
 * delivery issues deployment tokens through. Idempotent.
 */
public final class OrchestratorAccess {

    public static final String POLICY = "baozi-orchestrator";
    public static final String ROLE = "baozi-orchestrator";
    /** The token role vars delivery issues deployment tokens through (see {@link #varsDeliveryRole()}). */
    public static final String VARS_DELIVERY_ROLE = "baozi-vars-delivery";
    /** The transit key that seals states at rest (the default of {@code state.transit-key}). */
    public static final String STATE_KEY = "baozi-state";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenBaoAdmin admin;
    private final String kvMount;
    private final String transitMount;
    private final String stateKey;

    /** {@code admin} must carry a token allowed to manage mounts, policies and auth (root, locally). */
    public OrchestratorAccess(OpenBaoAdmin admin, String kvMount, String transitMount) {
        this(admin, kvMount, transitMount, STATE_KEY);
    }

    /** As above, with {@code stateKey} as the transit key that seals states ({@code state.transit-key}). */
    public OrchestratorAccess(OpenBaoAdmin admin, String kvMount, String transitMount, String stateKey) {
        this.admin = admin;
        this.kvMount = kvMount;
        this.transitMount = transitMount;
        this.stateKey = stateKey;
    }

    /** The role and secret ID the orchestrator logs in with. */
    public record AppRoleCredentials(String roleId, String secretId) {
        @Override
        public String toString() {
            return "AppRoleCredentials[roleId=" + roleId + ", secretId=(set)]";
        }
    }

    /** Mounts, policy and role; tokens live {@code tokenTtl}, at most {@code tokenMaxTtl}. */
    public void provision(Duration tokenTtl, Duration tokenMaxTtl) {
        admin.ensureSecretsEngine(kvMount, "kv", JSON.createObjectNode().put("version", "2"));
        admin.ensureSecretsEngine(transitMount, "transit", null);
        // Created here, not by the orchestrator: its policy may only use this key, never create, rotate or configure it.
        admin.write(transitMount + "/keys/" + stateKey, JSON.createObjectNode());
        admin.ensureAuthMethod("approle", "approle");
        admin.putPolicy(POLICY, policy());
        ObjectNode role = JSON.createObjectNode();
        role.putArray("token_policies").add(POLICY);
        role.put("token_ttl", tokenTtl.toSeconds() + "s");
        role.put("token_max_ttl", tokenMaxTtl.toSeconds() + "s");
        role.put("secret_id_ttl", "0");
        role.put("secret_id_num_uses", 0);
        admin.write("auth/approle/role/" + ROLE, role);
        admin.write("auth/token/roles/" + VARS_DELIVERY_ROLE, varsDeliveryRole());
        admin.putPolicy(DeploymentPolicy.NAME,
                DeploymentPolicy.document(kvMount, tokenMountAccessor()));
    }

    /** The accessor of the token auth mount, which the deployment read policy's templated paths name. */
    String tokenMountAccessor() {
        String accessor = admin.read("sys/auth").path("data").path("token/").path("accessor").asText("");
        if (accessor.isEmpty()) {
            accessor = admin.read("sys/auth").path("token/").path("accessor").asText("");
        }
        if (accessor.isEmpty()) {
            throw new IllegalStateException("setting up vars delivery: OpenBao's sys/auth lists no token/ mount accessor");
        }
        return accessor;
    }

    /**
     * Deployment delivery tokens: only the deployment read policy (whose paths resolve to the
     * token's entity alias, the deployment), never the orchestrator's own or root; orphans (they
     * outlive no parent and revoke nothing), not renewable, without the default policy, at most a
     * day old whatever the request asks.
     */
    JsonNode varsDeliveryRole() {
        ObjectNode r = JSON.createObjectNode();
        r.putArray("allowed_policies").add(DeploymentPolicy.NAME);
        r.putArray("disallowed_policies").add("root").add(POLICY);
        r.putArray("allowed_entity_aliases").add("*");
        r.put("orphan", true);
        r.put("renewable", false);
        r.put("token_type", "service");
        r.put("token_no_default_policy", true);
        r.put("token_explicit_max_ttl", "24h");
        return r;
    }

    public String roleId() {
        return admin.read("auth/approle/role/" + ROLE + "/role-id").path("data").path("role_id").asText();
    }

    /** Issues a new secret ID for the role. */
    public String newSecretId() {
        return admin.write("auth/approle/role/" + ROLE + "/secret-id", null).path("data").path("secret_id").asText();
    }

    public AppRoleCredentials provisionAndIssue() {
        provision(Duration.ofHours(1), Duration.ofHours(24));
        return new AppRoleCredentials(roleId(), newSecretId());
    }

    /**
     * The orchestrator's policy: read and write its own KV v2 mount, create and use its own
     * transit keys ({@code baozi-*}); of the state key ({@code state.transit-key}, created at
     * set-up) only what sealing states needs: data keys, decrypt, and reading the key (its latest
     * version), never encrypt, rotate, configure or export. For vars: destroy and restore versions under {@code vars/}
     * (fix), and create deployment tokens through the {@code baozi-vars-delivery} role only
     * response-wrapped (min/max wrapping TTL), so it never holds a usable deployment token. It
     * writes no policy (the deployment read policy is written here, once). No sys/ paths, no other
     * mounts.
     */
    JsonNode policy() {
        ObjectNode paths = JSON.createObjectNode();
        grant(paths, kvMount + "/data/*", "create", "read", "update", "patch", "delete");
        grant(paths, kvMount + "/metadata/*", "create", "read", "list", "update", "delete");
        grant(paths, transitMount + "/keys/baozi-*", "create", "read", "update");
        grant(paths, transitMount + "/encrypt/baozi-*", "update");
        grant(paths, transitMount + "/decrypt/baozi-*", "update");
        grant(paths, transitMount + "/datakey/plaintext/baozi-*", "update");
        // The most specific path wins, so these override the baozi-* globs for the state key.
        grant(paths, transitMount + "/keys/" + stateKey, "read");
        grant(paths, transitMount + "/keys/" + stateKey + "/*", "deny");
        grant(paths, transitMount + "/datakey/plaintext/" + stateKey, "update");
        grant(paths, transitMount + "/decrypt/" + stateKey, "update");
        grant(paths, transitMount + "/encrypt/" + stateKey, "deny");
        grant(paths, kvMount + "/destroy/vars/*", "update");
        grant(paths, kvMount + "/undelete/vars/*", "update");
        grant(paths, "auth/token/create/" + VARS_DELIVERY_ROLE, "update")
                .put("min_wrapping_ttl", "1s")
                .put("max_wrapping_ttl", "24h");
        ObjectNode policy = JSON.createObjectNode();
        policy.set("path", paths);
        return policy;
    }

    private static ObjectNode grant(ObjectNode paths, String path, String... capabilities) {
        ObjectNode stanza = paths.putObject(path);
        var list = stanza.putArray("capabilities");
        List.of(capabilities).forEach(list::add);
        return stanza;
    }
}
