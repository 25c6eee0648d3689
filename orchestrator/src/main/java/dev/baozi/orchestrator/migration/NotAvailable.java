package dev.baozi.orchestrator.migration;

/** The default {@link MigrationActions}: every step refuses, saying it is not available yet; nothing is changed anywhere. */
final class NotAvailable implements MigrationActions {

    private static String refusal(String step, Migration m) {
        return "the " + step + " step of migrations is not available yet in this orchestrator; nothing was changed on "
                + m.sourceProvider() + " or " + m.target().provider();
    }

    @Override
    public PlanResult plan(Migration m) {
        return new PlanResult.Refused(refusal("plan", m));
    }

    private static StepResult refused(MigrationStep step, Migration m) {
        return new StepResult.Refused(refusal(step.wire(), m));
    }

    @Override
    public StepResult backup(Migration m) {
        return refused(MigrationStep.BACKUP, m);
    }

    @Override
    public StepResult lowerTtl(Migration m) {
        return refused(MigrationStep.LOWER_TTL, m);
    }

    @Override
    public StepResult cutover(Migration m) {
        return refused(MigrationStep.CUTOVER, m);
    }

    @Override
    public StepResult adopt(Migration m) {
        return refused(MigrationStep.ADOPT, m);
    }

    @Override
    public StepResult startVerify(Migration m) {
        return refused(MigrationStep.START_VERIFY, m);
    }

    @Override
    public StepResult switchDns(Migration m) {
        return refused(MigrationStep.SWITCH_DNS, m);
    }

    @Override
    public StepResult soak(Migration m) {
        return refused(MigrationStep.SOAK, m);
    }

    @Override
    public StepResult decommission(Migration m) {
        return refused(MigrationStep.DECOMMISSION, m);
    }

    @Override
    public StepResult startSource(Migration m) {
        return refused(MigrationStep.ROLLBACK_START_SOURCE, m);
    }

    @Override
    public StepResult dnsBack(Migration m) {
        return refused(MigrationStep.ROLLBACK_DNS, m);
    }

    @Override
    public StepResult stateBack(Migration m) {
        return refused(MigrationStep.ROLLBACK_STATE, m);
    }

    @Override
    public StepResult releaseTarget(Migration m) {
        return refused(MigrationStep.ROLLBACK_RELEASE_TARGET, m);
    }

    @Override
    public StepResult restoreTtl(Migration m) {
        return refused(MigrationStep.ROLLBACK_TTL, m);
    }
}
