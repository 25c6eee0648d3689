package dev.baozi.orchestrator.proxmox;

/** How {@link ProxmoxClient#shutdownOrStop} ended with the VM stopped. */
public enum ShutdownOutcome {
    /** The VM was not running. */
    ALREADY_STOPPED,
    /** The guest shut down within the grace period. */
    SHUT_DOWN,
    /** The guest did not shut down in time (or the shutdown task failed) and the VM was stopped hard. */
    STOPPED_AFTER_TIMEOUT
}
