package dev.baozi.orchestrator.cli;

import dev.baozi.orchestrator.cli.OptionValues.WorkspaceOption;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code baozi lock …}: the state locks tofu holds. */
@Command(name = "lock", description = "State locks.")
record LockCommands(BaoziCli cli) {

    @Command(name = "list", description = "Every held lock, with its holder.")
    int list() throws UsageException, IOException, InterruptedException {
        return cli.send("GET", "/locks", null);
    }

    @Command(name = "force-unlock", description = "Release the workspace's lock, whoever holds it.")
    int forceUnlock(@Mixin WorkspaceOption workspace) throws UsageException, IOException, InterruptedException {
        return cli.send("DELETE", workspace.path() + "/lock", null);
    }
}
