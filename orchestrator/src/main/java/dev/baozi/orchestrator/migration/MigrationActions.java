package dev.baozi.orchestrator.migration;

/**
 * The work of each migration step on Proxmox, NetBox, DNS and the workspace's runs: one method per
 * step and per rollback step. The workflow records a step's start before it calls its method, and
 * after a crash calls it again, so every method must take a repeat: finding its work done, it says
 * so ({@link StepResult.Done}) instead of doing it twice. A method refuses with a message that says
 * what and where ("storage local-lvm on pve-b has 12 GiB free, the disk needs 32 GiB").
 */
public interface MigrationActions {

    /** Checks the target and reserves what the move needs (an address in the target's pool). */
    PlanResult plan(Migration migration);

    /** A backup of the VM on its source (vzdump, snapshot mode), kept until decommission. */
    StepResult backup(Migration migration);

    /** Lowers the TTL of the deployment's records; waits ({@link StepResult.Wait}) until the old TTL has passed. */
    StepResult lowerTtl(Migration migration);

    /** Marker file, shutdown, and the move of the VM to the target (remote migrate, or restore of the shared backup). */
    StepResult cutover(Migration migration);

    /**
     * A run that imports the VM on the target and forgets it on the source, queued in the name of the
     * person who asked for the migration (so the run rules keep them from approving it); pending
     * until that run is applied, refused if it ends otherwise.
     */
    StepResult adopt(Migration migration);

    /** Starts the VM on the target, reads the marker back, checks health, delivers the secrets again. */
    StepResult startVerify(Migration migration);

    /** Points the deployment's names at the new address. */
    StepResult switchDns(Migration migration);

    /** Makes sure the source VM is stopped; the workflow then holds for the soak period. */
    StepResult soak(Migration migration);

    /** Destroys the source VM, releases its address, restores the TTL, deletes the backup after its retention. */
    StepResult decommission(Migration migration);

    /** Rollback: starts the VM on the source again. */
    StepResult startSource(Migration migration);

    /** Rollback: points the names at the source's address again. */
    StepResult dnsBack(Migration migration);

    /** Rollback: the workspace's state holds the source's VM again. */
    StepResult stateBack(Migration migration);

    /** Rollback: releases the target's VM and address. */
    StepResult releaseTarget(Migration migration);

    /** Rollback: restores the records' TTL. */
    StepResult restoreTtl(Migration migration);

    /** The method of {@code step}, for the steps other than the plan. */
    default StepResult run(MigrationStep step, Migration migration) {
        return switch (step) {
            case PLAN -> throw new IllegalArgumentException("the plan step returns a plan: call plan()");
            case BACKUP -> backup(migration);
            case LOWER_TTL -> lowerTtl(migration);
            case CUTOVER -> cutover(migration);
            case ADOPT -> adopt(migration);
            case START_VERIFY -> startVerify(migration);
            case SWITCH_DNS -> switchDns(migration);
            case SOAK -> soak(migration);
            case DECOMMISSION -> decommission(migration);
            case ROLLBACK_START_SOURCE -> startSource(migration);
            case ROLLBACK_DNS -> dnsBack(migration);
            case ROLLBACK_STATE -> stateBack(migration);
            case ROLLBACK_RELEASE_TARGET -> releaseTarget(migration);
            case ROLLBACK_TTL -> restoreTtl(migration);
        };
    }

    /** What this orchestrator does until the real steps are wired: it refuses each one, saying so. Nothing is changed. */
    MigrationActions NOT_AVAILABLE = new NotAvailable();
}
