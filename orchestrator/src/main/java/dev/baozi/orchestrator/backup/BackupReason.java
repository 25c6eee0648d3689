package dev.baozi.orchestrator.backup;

import java.util.Locale;
import java.util.Optional;

/** Why a backup was made. */
public enum BackupReason {
    /** Before a destroy run destroyed the VM. */
    DESTROY,
    /** Before a migration moved the VM to another provider. */
    MIGRATION,
    /** Asked for by a person. */
    MANUAL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<BackupReason> parse(String wire) {
        for (BackupReason r : values()) {
            if (r.wire().equals(wire)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
