package dev.baozi.orchestrator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code baozi <group> <command> [--option value]…}: the root command, the options every command
 * takes, and how each ending becomes an exit code: 0 done, 1 refused by the orchestrator (4xx),
 * 2 bad usage, 3 orchestrator unreachable or failing (5xx), 4 the followed run ended errored or
 * canceled.
 */
@Command(name = "baozi", description = "The Baozi admin API from a shell.", versionProvider = BaoziCli.Version.class)
public final class BaoziCli {

    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;
    public static final int UNAVAILABLE = 3;
    public static final int RUN_FAILED = 4;

    /** API fields a refusal may name, and the CLI flag that sets each. */
    private static final Map<String, String> FLAGS = Map.of(
            "confirm_destroy", "--confirm-destroy", "force_dns", "--force-dns");

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final CommandLine commandLine;

    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "The orchestrator (BAOZI_URL, default http://127.0.0.1:8080).")
    private String url;

    @Option(names = "--admin-token-file", paramLabel = "F", scope = ScopeType.INHERIT,
            description = "The admin token's file. Credentials, the first one given: --admin-token-file, BAOZI_ADMIN_TOKEN,"
                    + " BAOZI_TOKEN (your API token), BAOZI_ADMIN_TOKEN_FILE, var/orchestrator/admin-token.")
    private String adminTokenFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "What a command or a group of commands takes.")
    private boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "This client's version.")
    private boolean version;

    private BaoziCli(Map<String, String> env, PrintStream out, PrintStream err, InputStream in) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.in = in;
        this.commandLine = new CommandLine(this)
                .addSubcommand(new WorkspaceCommands(this))
                .addSubcommand(new RunCommands(this))
                .addSubcommand(new VarsCommands(this))
                .addSubcommand(new BackupCommands(this))
                .addSubcommand(new UserCommands(this))
                .addSubcommand(new TokenCommands(this))
                .addSubcommand(new LockCommands(this))
                .addSubcommand(new StateCommands(this))
                .addSubcommand(new MigrateCommands(this))
                .addSubcommand(new CompletionCommand(this))
                .addSubcommand(new HelpCommand(this));
        commandLine.setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF)) // plain text, as before
                .setExpandAtFiles(false) // "--comment @alice" is a comment, not a file to read arguments from
                .setUnmatchedOptionsAllowedAsOptionParameters(false) // "--name --bogus": --name needs a value
                .setParameterExceptionHandler(new UsageErrors(commandLine, err))
                .setExecutionExceptionHandler(this::failed)
                .setExecutionStrategy(this::dispatch);
        Usage.configure(commandLine);
    }

    public static void main(String[] args) {
        System.exit(new BaoziCli(System.getenv(), System.out, System.err, System.in).commandLine.execute(args));
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return new BaoziCli(env, out, err, InputStream.nullInputStream()).commandLine.execute(args);
    }

    /** The command tree, for the commands that print it (help, completion). */
    CommandLine commandLine() {
        return commandLine;
    }

    PrintStream out() {
        return out;
    }

    InputStream in() {
        return in;
    }

    /** A client of the orchestrator the options and environment name, calling with the credentials they give. */
    OrchestratorClient client() throws UsageException, IOException {
        String base = url != null ? url : env.getOrDefault("BAOZI_URL", "http://127.0.0.1:8080");
        return new OrchestratorClient(base, token(), out, err);
    }

    /**
     * Calls the orchestrator and prints its answer ({@link OrchestratorClient#send}). The path and
     * body are built, and so checked, before the credentials are looked for.
     */
    int send(String method, String path, String body) throws UsageException, IOException, InterruptedException {
        return client().send(method, path, body);
    }

    /**
     * The token to call with, the first one given of: --admin-token-file, BAOZI_ADMIN_TOKEN (both
     * explicit asks for the admin), BAOZI_TOKEN (your API token), BAOZI_ADMIN_TOKEN_FILE, and
     * var/orchestrator/admin-token.
     */
    private String token() throws UsageException, IOException {
        if (adminTokenFile == null) {
            for (String variable : List.of("BAOZI_ADMIN_TOKEN", "BAOZI_TOKEN")) {
                if (env.containsKey(variable) && !env.get(variable).isBlank()) {
                    return env.get(variable).strip();
                }
            }
        }
        Path file = Path.of(adminTokenFile != null ? adminTokenFile
                : env.getOrDefault("BAOZI_ADMIN_TOKEN_FILE", "var/orchestrator/admin-token"));
        if (!Files.isReadable(file)) {
            throw new UsageException("no credentials: " + file + " is not readable (give --admin-token-file, or set BAOZI_TOKEN"
                    + " or BAOZI_ADMIN_TOKEN)");
        }
        return Files.readString(file).strip();
    }

    /**
     * Runs the command the line names, after what picocli leaves to its caller: a word it did not
     * match (also when --help follows it), and a group named without one of its commands.
     */
    private int dispatch(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        CommandLine command = last.commandSpec().commandLine();
        if (!last.unmatched().isEmpty()) {
            throw new CommandLine.UnmatchedArgumentException(command, last.unmatched());
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return OK;
        }
        if (!command.getSubcommands().isEmpty()) {
            String words = last.commandSpec().qualifiedName(" ").substring(commandLine.getCommandName().length()).strip();
            err.println("baozi: " + (words.isEmpty() ? "no command given (see: baozi --help)"
                    : "unknown command: " + words + " (see: baozi " + words + " --help)"));
            return USAGE;
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** A command's ending other than its exit code: a usage error (2), or the orchestrator out of reach (3). */
    private int failed(Exception e, CommandLine command, ParseResult parsed) throws Exception {
        if (e instanceof UsageException) {
            err.println("baozi: " + e.getMessage());
            return USAGE;
        } else if (e instanceof IOException) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            err.println("baozi: cannot reach the orchestrator: " + why);
            return UNAVAILABLE;
        } else if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return UNAVAILABLE;
        }
        throw e;
    }

    /**
     * A refusal's text with each API field it names followed by the CLI flag that sets it:
     * "confirm_destroy: true (--confirm-destroy)", "force: [\"dns\"] (--force dns)".
     */
    static String withFlags(String message) {
        String text = message;
        for (var field : FLAGS.entrySet()) {
            text = text.replaceAll("\\b" + field.getKey() + "(: true)?\\b", "$0 (" + field.getValue() + ")");
        }
        return text.replaceAll("\\bforce: \\[\"([a-z0-9_-]+)\"]", "$0 (--force $1)");
    }

    /** "baozi 0.1.0", from the jar's manifest; "baozi (development build)" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = BaoziCli.class.getPackage().getImplementationVersion();
            return new String[] {"baozi " + (version == null ? "(development build)" : version)};
        }
    }
}
