package dev.baozi.vars.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The read policy of deployments' delivery tokens, {@code baozi-vars-deployment}: one policy whose
 * paths OpenBao resolves, for each token, to that token's deployment (the name of the token's
 * entity alias on the token auth mount, which the delivery names when it creates the token):
 * {@code read} on {@code vars/per-deployment/<its deployment>/…} and on {@code vars/shared/…}, never
 * on a manifest, and nothing under {@code vars/private/} (files marked {@code deploy: false}), no
 * list, no metadata. So each deployment's token reads its own secrets only.
 *
 * <p>It is written once, when OpenBao is set up (by whoever holds the keys to policies), never by
 * the orchestrator: a process that may write policies and attach them to tokens could write itself
 * any policy, which least privilege rules out. The orchestrator only creates tokens with this one
 * policy, through the delivery token role.
 */
public final class DeploymentPolicy {

    public static final String NAME = "baozi-vars-deployment";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeploymentPolicy() {}

    /** The policy in OpenBao's JSON form, for KV mount {@code mount} and the token auth mount's accessor. */
    public static ObjectNode document(String mount, String tokenMountAccessor) {
        String self = "{{identity.entity.aliases." + tokenMountAccessor + ".name}}";
        ObjectNode policy = JSON.createObjectNode();
        ObjectNode p = policy.putObject("path");
        p.putObject(mount + "/data/vars/per-deployment/" + self + "/*").putArray("capabilities").add("read");
        p.putObject(mount + "/data/vars/per-deployment/" + self + "/+/_manifest").putArray("capabilities").add("deny");
        p.putObject(mount + "/data/vars/shared/*").putArray("capabilities").add("read");
        p.putObject(mount + "/data/vars/shared/+/_manifest").putArray("capabilities").add("deny");
        return policy;
    }
}
