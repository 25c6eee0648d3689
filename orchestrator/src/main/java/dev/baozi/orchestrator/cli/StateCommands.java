package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.number;

import dev.baozi.orchestrator.cli.OptionValues.WorkspaceOption;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baozi state …}: the versions of a workspace's tofu state. */
@Command(name = "state", description = "State versions.")
record StateCommands(BaoziCli cli) {

    @Command(name = "versions", description = "Every kept version of the workspace's state.")
    int versions(@Mixin WorkspaceOption workspace) throws UsageException, IOException, InterruptedException {
        return cli.send("GET", workspace.path() + "/state/versions", null);
    }

    @Command(name = "rollback", description = "Make an earlier version the current state again.")
    int rollback(@Mixin WorkspaceOption workspace,
            @Option(names = "--version", required = true, paramLabel = "N", description = "A number from state versions.") String version)
            throws UsageException, IOException, InterruptedException {
        String path = workspace.path() + "/state/rollback";
        long number = Long.parseLong(number("--version", version));
        return cli.send("POST", path, OrchestratorClient.JSON.createObjectNode().put("version", number).toString());
    }
}
