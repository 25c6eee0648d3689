package dev.baozi.vars.store;

import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorName;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a generator's files live in the KV mount, as in Clan: {@code vars/shared/<generator>/} for
 * a value every deployment shares, {@code vars/per-deployment/<deployment>/<generator>/} otherwise.
 * Each file is {@code <folder>/<file>}; the generator's manifest is {@code <folder>/_manifest}
 * (file names start with a letter or digit, so none can clash with it). Files that never go to a
 * machine ({@code deploy: false}, a CA's key) live apart, under {@code vars/private/}, a tree no
 * delivery token can read (see {@code delivery.DeploymentPolicy}).
 */
public sealed interface Placement {

    String MANIFEST = "_manifest";
    String PRIVATE = "vars/private/";

    /** The folder of the generator's files under the mount, without a trailing slash. */
    String folder(GeneratorName generator);

    /** The names of the generator's files that are not delivered (kept under {@link #PRIVATE}). */
    Set<String> undeployed();

    default String file(GeneratorName generator, String file) {
        String folder = folder(generator);
        return undeployed().contains(file) ? PRIVATE + folder.substring("vars/".length()) + "/" + file : folder + "/" + file;
    }

    default String manifest(GeneratorName generator) {
        return folder(generator) + "/" + MANIFEST;
    }

    static Placement of(GeneratorDefinition g, DeploymentName deployment) {
        Set<String> undeployed = new TreeSet<>();
        g.files().stream().filter(f -> !f.deploy()).forEach(f -> undeployed.add(f.name()));
        return g.share() ? new Shared(undeployed) : new PerDeployment(deployment, undeployed);
    }

    record Shared(Set<String> undeployed) implements Placement {
        public Shared {
            undeployed = Set.copyOf(undeployed);
        }

        public Shared() {
            this(Set.of());
        }

        public String folder(GeneratorName generator) {
            return "vars/shared/" + generator.value();
        }

        @Override
        public String toString() {
            return "shared";
        }
    }

    record PerDeployment(DeploymentName deployment, Set<String> undeployed) implements Placement {
        public PerDeployment {
            undeployed = Set.copyOf(undeployed);
        }

        public PerDeployment(DeploymentName deployment) {
            this(deployment, Set.of());
        }

        public String folder(GeneratorName generator) {
            return "vars/per-deployment/" + deployment.value() + "/" + generator.value();
        }

        @Override
        public String toString() {
            return "deployment " + deployment;
        }
    }
}
