package dev.baozi.orchestrator.backup;

import dev.baozi.orchestrator.run.Run;
import dev.baozi.orchestrator.run.RunSteps;
import dev.baozi.orchestrator.workspace.Template;
import dev.baozi.orchestrator.workspace.Workspace;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.Optional;

/**
 * Every destroy run of a deployment backs up its VM before anything is changed. No VM (never
 * applied, already gone): the run's log says so and the destroy goes on. A backup that fails stops
 * the destroy with nothing destroyed.
 */
public final class BackupSteps implements RunSteps {

    private final BackupService backups;
    private final Function<Workspace, Optional<Template>> templates;

    public BackupSteps(BackupService backups, Function<Workspace, Optional<Template>> templates) {
        this.backups = backups;
        this.templates = templates;
    }

    @Override
    public void beforeApply(Run run, Workspace ws, Consumer<String> log) throws Refused {
        if (!run.destroy() || templates.apply(ws).filter(Template::isDeployment).isEmpty()) {
            return;
        }
        var outcome = backups.backup(ws, BackupReason.DESTROY, run.queuedBy(), log);
        switch (outcome) {
            case BackupService.BackupOutcome.Made m -> log.accept("backed up deployment " + ws.name() + " before destroying it ("
                    + m.backups().size() + " backup(s); `baozi backup list " + ws.name() + "`)");
            case BackupService.BackupOutcome.NoVm n -> log.accept("no backup before the destroy: " + n.message());
            case BackupService.BackupOutcome.Failed f -> throw new Refused("backing up the VM before destroying it: " + f.message()
                    + " (fix the provider's backup storage and queue a new destroy run)");
        }
    }
}
