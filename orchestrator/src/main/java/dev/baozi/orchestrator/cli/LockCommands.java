package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.workspace;

import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baozi lock …}: the state locks tofu holds. */
@Command(name = "lock", description = "State locks.")
final class LockCommands {

    private final BaoziCli cli;

    LockCommands(BaoziCli cli) {
        this.cli = cli;
    }

    @Command(name = "list", description = "Every held lock, with its holder.")
    int list() throws UsageException, IOException, InterruptedException {
        return cli.client().send("GET", "/locks", null);
    }

    @Command(name = "force-unlock", description = "Release the workspace's lock, whoever holds it.")
    int forceUnlock(@Option(names = "--workspace", required = true, paramLabel = "W", description = "The workspace's name.") String workspace)
            throws UsageException, IOException, InterruptedException {
        String path = workspace(workspace) + "/lock";
        return cli.client().send("DELETE", path, null);
    }
}
