package dev.baozi.vars.store;

import dev.baozi.vars.definition.GeneratorDefinition;
import dev.baozi.vars.definition.GeneratorName;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validation hash of a generator: SHA-256 over its canonical definition's hash and, for each
 * dependency, the digest of the generation it takes its files from. A stored generation whose
 * hash differs is outdated: its definition changed, or a dependency was regenerated, set or rolled back.
 */
public final class ValidationHash {

    private ValidationHash() {}

    public static String of(GeneratorDefinition g, Map<GeneratorName, String> dependencyDigests) {
        StringBuilder b = new StringBuilder(g.definitionHash());
        new TreeMap<>(dependencyDigests).forEach((name, digest) -> b.append('\n').append(name.value()).append('=').append(digest));
        return Manifest.sha256(b.toString());
    }
}
