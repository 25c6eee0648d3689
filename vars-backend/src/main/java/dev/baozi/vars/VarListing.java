package dev.baozi.vars;

import dev.baozi.vars.definition.GeneratorName;
import dev.baozi.vars.store.Placement;
import java.util.Optional;

/**
 * One file as {@code list} shows it: public values in full, secret ones masked (a secret value is
 * never read for a listing). {@code version}: the committed KV version, empty when there is none.
 */
public record VarListing(GeneratorName generator, Placement placement, String file, boolean secret, boolean deploy,
                         Optional<Long> version, Optional<String> publicValue) {

    public static final String MASK = "********";

    public VarListing {
        if (secret && publicValue.isPresent()) {
            throw new IllegalArgumentException("a listing never holds a secret value");
        }
    }

    /** What to show: the public value, {@value #MASK} for a secret, or {@code (not set)}. */
    public String shown() {
        if (version.isEmpty()) {
            return "(not set)";
        }
        return secret ? MASK : publicValue.orElse("");
    }
}
