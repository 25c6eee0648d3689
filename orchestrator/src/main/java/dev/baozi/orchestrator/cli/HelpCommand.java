package dev.baozi.orchestrator.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code baozi help [COMMAND…]}: the same usage as {@code baozi COMMAND… --help}. */
@Command(name = "help", description = "The usage of every command, a group (help run) or one command (help run plan).")
final class HelpCommand implements Callable<Integer> {

    private final BaoziCli cli;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A group, or a group and a command.")
    private List<String> words = List.of();

    HelpCommand(BaoziCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws UsageException {
        CommandLine command = cli.commandLine();
        for (String word : words) {
            command = command.getSubcommands().get(word);
            if (command == null) {
                throw new UsageException("unknown command: " + String.join(" ", words));
            }
        }
        command.usage(cli.out());
        return BaoziCli.OK;
    }
}
