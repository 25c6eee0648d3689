package dev.baozi.vars.store;

import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorName;

/**
 * Where a generator's files live in the KV mount, as in Clan: {@code vars/shared/<generator>/} for
 * a value every deployment shares, {@code vars/per-deployment/<deployment>/<generator>/} otherwise.
 * Each file is {@code <folder>/<file>}; the generator's manifest is {@code <folder>/_manifest}
 * (file names start with a letter or digit, so none can clash with it).
 */
public sealed interface Placement {

    String MANIFEST = "_manifest";

    /** The folder of the generator's files under the mount, without a trailing slash. */
    String folder(GeneratorName generator);

    default String file(GeneratorName generator, String file) {
        return folder(generator) + "/" + file;
    }

    default String manifest(GeneratorName generator) {
        return folder(generator) + "/" + MANIFEST;
    }

    static Placement of(GeneratorDefinition g, DeploymentName deployment) {
        return g.share() ? new Shared() : new PerDeployment(deployment);
    }

    record Shared() implements Placement {
        public String folder(GeneratorName generator) {
            return "vars/shared/" + generator.value();
        }

        @Override
        public String toString() {
            return "shared";
        }
    }

    record PerDeployment(DeploymentName deployment) implements Placement {
        public String folder(GeneratorName generator) {
            return "vars/per-deployment/" + deployment.value() + "/" + generator.value();
        }

        @Override
        public String toString() {
            return "deployment " + deployment;
        }
    }
}
