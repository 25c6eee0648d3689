package dev.baozi.orchestrator.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** {@code baozi completion bash}: the shell completion script, generated from the commands themselves. */
@Command(name = "completion", description = "Shell completion.")
record CompletionCommand(BaoziCli cli) {

    @Command(name = "bash", description = "Print the completion script for bash (and zsh with bashcompinit): "
            + "source <(bin/baozi completion bash).")
    int bash() {
        cli.out().print(AutoComplete.bash("baozi", cli.commandLine()));
        cli.out().flush();
        return BaoziCli.OK;
    }
}
