package dev.baozi.orchestrator.relocation;

import dev.baozi.orchestrator.migration.Migration;
import dev.baozi.orchestrator.migration.MigrationActions;
import dev.baozi.orchestrator.migration.PlanResult;
import dev.baozi.orchestrator.migration.StepResult;

/**
 * The steps this orchestrator cannot do yet (the DNS side plans and the adopt run): each refuses,
 * saying what is missing; nothing is changed. The steps {@link ProxmoxMigrationActions} does are not
 * asked of it.
 */
public final class NotYet implements MigrationActions {

    private static StepResult refused(String what, Migration m) {
        return new StepResult.Refused("not available yet: " + what + "; nothing was changed for migration " + m.id() + " of "
                + m.workspace());
    }

    @Override
    public StepResult lowerTtl(Migration m) {
        return refused("lowering the TTL of the deployment's records (an octoDNS side plan)", m);
    }

    @Override
    public StepResult adopt(Migration m) {
        return refused("the adopt run (import of the VM on " + m.target().provider() + ", removed block for the VM on "
                + m.sourceProvider() + ")", m);
    }

    @Override
    public StepResult switchDns(Migration m) {
        return refused("pointing the deployment's names at the new address (an octoDNS side plan)", m);
    }

    @Override
    public StepResult dnsBack(Migration m) {
        return refused("pointing the deployment's names back at the address on " + m.sourceProvider(), m);
    }

    @Override
    public StepResult stateBack(Migration m) {
        return refused("a run that puts the VM on " + m.sourceProvider() + " back into the workspace's state", m);
    }

    @Override
    public StepResult restoreTtl(Migration m) {
        return refused("restoring the TTL of the deployment's records", m);
    }

    private static IllegalStateException done(String step) {
        return new IllegalStateException("the " + step + " step is ProxmoxMigrationActions' work, not asked of NotYet");
    }

    @Override
    public PlanResult plan(Migration m) {
        throw done("plan");
    }

    @Override
    public StepResult backup(Migration m) {
        throw done("backup");
    }

    @Override
    public StepResult cutover(Migration m) {
        throw done("cutover");
    }

    @Override
    public StepResult startVerify(Migration m) {
        throw done("start_verify");
    }

    @Override
    public StepResult soak(Migration m) {
        throw done("soak");
    }

    @Override
    public StepResult decommission(Migration m) {
        throw done("decommission");
    }

    @Override
    public StepResult startSource(Migration m) {
        throw done("rollback_start_source");
    }

    @Override
    public StepResult releaseTarget(Migration m) {
        throw done("rollback_release_target");
    }
}
