package dev.baozi.orchestrator.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * picocli's parameter errors as the one line a user reads (exit code 2), naming the option or
 * command and where its help is: "--name needs a value", "unknown option --bogus (see: baozi run
 * show --help)".
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

    /** picocli's words for an option followed by another option instead of its value. */
    private static final Pattern EXPECTED = Pattern.compile("Expected parameter for option '([^']+)'");
    /** picocli's words for a value given to a switch ("--destroy=true"). */
    private static final Pattern SWITCH = Pattern.compile("option '([^']+)' should be specified without");

    private final CommandLine root;
    private final PrintStream err;

    UsageErrors(CommandLine root, PrintStream err) {
        this.root = root;
        this.err = err;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        err.println("baozi: " + sentence(e, List.of(args)));
        return BaoziCli.USAGE;
    }

    String sentence(ParameterException e, List<String> args) {
        CommandLine where = e.getCommandLine();
        String path = where.getCommandSpec().qualifiedName(" ");
        String words = path.substring(root.getCommandName().length()).strip();
        String see = " (see: " + path + " --help)";
        String message = String.valueOf(e.getMessage());
        Matcher expected = EXPECTED.matcher(message);
        Matcher switched = SWITCH.matcher(message);
        if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
            String option = name(missing.getMissing().getFirst());
            return message.startsWith("Missing required option") ? option + " is required" : option + " needs a value";
        } else if (expected.find()) {
            return expected.group(1) + " needs a value";
        } else if (e instanceof OverwrittenOptionException overwritten) {
            return name(overwritten.getOverwritten()) + " is given twice; give it once";
        } else if (switched.find()) {
            return switched.group(1) + " is a switch; it takes no value";
        } else if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().getFirst();
            if (first.startsWith("-") && first.length() > 1) {
                String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                return takenElsewhere(root, option)
                        ? option + " is not an option of '" + words + "'" + see
                        : "unknown option " + option + see;
            }
            if (!where.getSubcommands().isEmpty()) {
                boolean helpAsked = args.contains("--help") || args.contains("-h");
                return "unknown command: " + (words + " " + first).strip() + (helpAsked ? "" : see);
            }
            return "unexpected argument '" + first + "'" + see;
        }
        return message + see;
    }

    private static String name(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }

    /** Whether some command of the tree under {@code command} takes {@code option}. */
    private static boolean takenElsewhere(CommandLine command, String option) {
        return command.getCommandSpec().findOption(option) != null
                || command.getSubcommands().values().stream().anyMatch(sub -> takenElsewhere(sub, option));
    }
}
