package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.number;
import static dev.baozi.orchestrator.cli.OptionValues.workspace;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baozi state …}: the versions of a workspace's tofu state. */
@Command(name = "state", description = "State versions.")
final class StateCommands {

    private final BaoziCli cli;

    StateCommands(BaoziCli cli) {
        this.cli = cli;
    }

    @Command(name = "versions", description = "Every kept version of the workspace's state.")
    int versions(@Option(names = "--workspace", required = true, paramLabel = "W", description = "The workspace's name.") String workspace)
            throws UsageException, IOException, InterruptedException {
        String path = workspace(workspace) + "/state/versions";
        return cli.client().send("GET", path, null);
    }

    @Command(name = "rollback", description = "Make an earlier version the current state again.")
    int rollback(@Option(names = "--workspace", required = true, paramLabel = "W", description = "The workspace's name.") String workspace,
            @Option(names = "--version", required = true, paramLabel = "N", description = "A version number from state versions.") String version)
            throws UsageException, IOException, InterruptedException {
        String path = workspace(workspace) + "/state/rollback";
        long number = Long.parseLong(number("--version", version));
        return cli.client().send("POST", path, OrchestratorClient.JSON.createObjectNode().put("version", number).toString());
    }
}
