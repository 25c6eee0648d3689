package dev.baozi.vars.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.vars.definition.FileSpec;
import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorSet;
import dev.baozi.vars.store.DeploymentName;
import dev.baozi.vars.store.Placement;
import java.util.List;
import java.util.TreeSet;

/**
 * A deployment's read policy, {@code baozi-vars-<deployment>}: {@code read} on exactly the KV data
 * paths of its delivered files (its own per-deployment ones and those of the shared generators it
 * uses), nothing else: no list, no metadata, no manifests, no files marked {@code deploy: false}.
 */
public final class DeploymentPolicy {

    public static final String PREFIX = "baozi-vars-";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DeploymentPolicy() {}

    public static String name(DeploymentName deployment) {
        return PREFIX + deployment.value();
    }

    /** The KV paths (under the mount) of every delivered file, sorted. */
    public static List<String> paths(DeploymentName deployment, GeneratorSet set) {
        TreeSet<String> paths = new TreeSet<>();
        for (GeneratorDefinition g : set.ordered()) {
            Placement placement = Placement.of(g, deployment);
            for (FileSpec f : g.files()) {
                if (f.deploy()) {
                    paths.add(placement.file(g.name(), f.name()));
                }
            }
        }
        return List.copyOf(paths);
    }

    /** The policy in OpenBao's JSON form. */
    public static ObjectNode document(String mount, List<String> paths) {
        ObjectNode policy = JSON.createObjectNode();
        ObjectNode p = policy.putObject("path");
        paths.forEach(path -> p.putObject(mount + "/data/" + path).putArray("capabilities").add("read"));
        return policy;
    }
}
