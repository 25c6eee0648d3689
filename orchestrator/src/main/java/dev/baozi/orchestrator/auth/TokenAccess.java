package dev.baozi.orchestrator.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What a state token allows: reading the state, or reading, writing and locking it. */
public enum TokenAccess {
    READ_ONLY("read-only"),
    READ_WRITE("read-write");

    private final String wire;

    TokenAccess(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static TokenAccess fromWire(String value) {
        return Arrays.stream(values()).filter(a -> a.wire.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("access must be read-only or read-write, got '" + value + "'"));
    }
}
