package dev.baozi.orchestrator.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The usage help every command prints, generated from the commands: options in the order they are
 * declared, the exit codes, and for {@code baozi} and each group every command it holds with its
 * options (rather than picocli's list of names).
 */
final class Usage {

    /** The exit codes, as every command's usage lists them. */
    static final Map<String, String> EXIT_CODES = exitCodes();

    private Usage() {}

    private static Map<String, String> exitCodes() {
        var codes = new LinkedHashMap<String, String>();
        codes.put(Integer.toString(BaoziCli.OK), "done");
        codes.put(Integer.toString(BaoziCli.REFUSED), "refused by the orchestrator (a 4xx answer; vars check: not all ok)");
        codes.put(Integer.toString(BaoziCli.USAGE), "bad usage: the command line, an option's value, no credentials");
        codes.put(Integer.toString(BaoziCli.UNAVAILABLE), "orchestrator unreachable or failing (5xx)");
        codes.put(Integer.toString(BaoziCli.RUN_FAILED), "the followed run ended errored or canceled (run logs --follow)");
        return codes;
    }

    /** Sets up the usage help of {@code command} and every command under it. */
    static void configure(CommandLine command) {
        var usage = command.getCommandSpec().usageMessage();
        usage.sortOptions(false).sortSynopsis(false).width(100).abbreviateSynopsis(!command.getSubcommands().isEmpty())
                .exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        if (!command.getSubcommands().isEmpty()) {
            usage.sectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> commands(command));
        }
        command.getSubcommands().values().forEach(Usage::configure);
    }

    /** Each command under {@code group}, with its options, and its description below it. */
    static String commands(CommandLine group) {
        var text = new StringBuilder();
        int root = group.getCommandSpec().root().name().length() + 1;
        for (CommandLine leaf : leaves(group)) {
            CommandSpec spec = leaf.getCommandSpec();
            text.append("  ").append(spec.qualifiedName(" ").substring(root)).append(synopsis(spec)).append('\n');
            for (String line : spec.usageMessage().description()) {
                text.append("      ").append(line).append('\n');
            }
        }
        return text.toString();
    }

    private static List<CommandLine> leaves(CommandLine command) {
        List<CommandLine> leaves = new ArrayList<>();
        if (command.getSubcommands().isEmpty()) {
            leaves.add(command);
        }
        command.getSubcommands().values().forEach(sub -> leaves.addAll(leaves(sub)));
        return leaves;
    }

    /** A command's own options and parameters, compact: "--workspace=W [--destroy] [--replace=ADDR]...". */
    static String synopsis(CommandSpec spec) {
        var text = new StringBuilder();
        for (OptionSpec option : spec.options()) {
            if (option.inherited() || option.usageHelp() || option.versionHelp() || option.hidden()) {
                continue;
            }
            String shown = option.longestName() + (option.arity().max() == 0 ? "" : "=" + option.paramLabel());
            text.append(' ').append(option.required() ? shown : "[" + shown + "]").append(option.isMultiValue() ? "..." : "");
        }
        for (PositionalParamSpec parameter : spec.positionalParameters()) {
            if (!parameter.hidden()) {
                text.append(" [").append(parameter.paramLabel()).append(parameter.isMultiValue() ? "...]" : "]");
            }
        }
        return text.toString();
    }
}
