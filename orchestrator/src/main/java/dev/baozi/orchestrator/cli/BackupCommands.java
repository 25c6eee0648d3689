package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.number;

import dev.baozi.orchestrator.cli.OptionValues.WorkspaceOption;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baozi backup …}: a deployment's backups (vzdump archives of its VM): list, make one, restore one. */
@Command(name = "backup", description = "Backups of a deployment's VM: list, make one now, restore one into a new VM.")
record BackupCommands(BaoziCli cli) {

    @Command(name = "list", description = "The workspace's backups, newest first (also a deleted workspace's).")
    int list(@Mixin WorkspaceOption workspace) throws UsageException, IOException, InterruptedException {
        return cli.send("GET", workspace.path() + "/backups", null);
    }

    @Command(name = "create", description = "Back up the deployment's VM now, into its provider's backup storage (operator).")
    int create(@Mixin WorkspaceOption workspace) throws UsageException, IOException, InterruptedException {
        return cli.send("POST", workspace.path() + "/backups", "{}");
    }

    @Command(name = "restore", description = "Restore a backup into a new VM, not started (approver).")
    int restore(@Mixin WorkspaceOption workspace,
            @Option(names = "--id", required = true, paramLabel = "N", description = "The backup's number (from backup list).") String id,
            @Option(names = "--provider", paramLabel = "P", description = "Restore there (default: the backup's provider; it must see"
                    + " the backup's storage).") String provider,
            @Option(names = "--node", paramLabel = "NODE", description = "The node (default: the provider's default node).") String node,
            @Option(names = "--vmid", paramLabel = "N", description = "The new VM's id, which must be free (default: a free one).")
            String vmid,
            @Option(names = "--storage", paramLabel = "S", description = "Where the disks go (default: local-lvm).") String storage)
            throws UsageException, IOException, InterruptedException {
        var body = OrchestratorClient.JSON.createObjectNode();
        if (provider != null) {
            body.put("provider", provider);
        }
        if (node != null) {
            body.put("node", node);
        }
        if (vmid != null) {
            body.put("vmid", Long.parseLong(number("--vmid", vmid)));
        }
        if (storage != null) {
            body.put("storage", storage);
        }
        return cli.send("POST", workspace.path() + "/backups/" + number("--id", id) + "/restore", body.toString());
    }
}
