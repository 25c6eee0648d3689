package dev.baozi.orchestrator.proxmox;

import java.util.Locale;

/** How vzdump treats a running VM while it backs it up. */
public enum BackupMode {
    /** Live, from a snapshot: no downtime. */
    SNAPSHOT,
    /** Suspended while the backup runs. */
    SUSPEND,
    /** Stopped for the backup, started again after. */
    STOP;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
