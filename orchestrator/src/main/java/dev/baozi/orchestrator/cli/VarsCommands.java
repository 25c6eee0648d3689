package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.segment;

import dev.baozi.orchestrator.cli.OptionValues.WorkspaceOption;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baozi vars …}: a workspace's generated files (secrets, keys) and their generators. */
@Command(name = "vars", description = "Generated variables: secrets, keys and their generators.")
record VarsCommands(BaoziCli cli) {

    private static final String GENERATOR = "The generator's name.";
    private static final String FILE = "One of the generator's files.";

    @Command(name = "list", description = "Generators, their status and files (secrets masked).")
    int list(@Mixin WorkspaceOption workspace) throws UsageException, IOException, InterruptedException {
        return cli.send("GET", workspace.path() + "/vars", null);
    }

    @Command(name = "check", description = "Each generator's status; exit 1 unless all are ok.")
    int check(@Mixin WorkspaceOption workspace) throws UsageException, IOException, InterruptedException {
        String path = workspace.path() + "/vars";
        OrchestratorClient api = cli.client();
        HttpResponse<String> response = api.call("GET", path, null);
        if (response.statusCode() != 200) {
            return api.print(response);
        }
        boolean ok = true;
        for (var g : OrchestratorClient.json(response).path("generators")) {
            String status = g.path("status").asText();
            ok &= status.equals("ok");
            api.out.println(g.path("name").asText() + ": " + status);
        }
        return ok ? BaoziCli.OK : BaoziCli.REFUSED;
    }

    @Command(name = "generate", description = "Generate what is missing; --regenerate makes new values (dependents follow).")
    int generate(@Mixin WorkspaceOption workspace,
            @Option(names = "--generator", paramLabel = "G", description = "Only this generator (repeatable).") List<String> generators,
            @Option(names = "--regenerate", arity = "0", description = "New values even where they exist.") boolean regenerate)
            throws UsageException, IOException, InterruptedException {
        var body = OrchestratorClient.JSON.createObjectNode().put("regenerate", regenerate);
        if (generators != null) {
            var list = body.putArray("generators");
            generators.forEach(list::add);
        }
        return cli.send("POST", workspace.path() + "/vars/generate", body.toString());
    }

    @Command(name = "get", description = "A file's value alone (to redirect): a public file; a secret one for admins.")
    int get(@Mixin WorkspaceOption workspace,
            @Option(names = "--generator", required = true, paramLabel = "G", description = GENERATOR) String generator,
            @Option(names = "--file", required = true, paramLabel = "F", description = FILE) String file)
            throws UsageException, IOException, InterruptedException {
        String path = workspace.path() + "/vars/" + segment("--generator", generator) + "/" + segment("--file", file);
        OrchestratorClient api = cli.client();
        HttpResponse<String> response = api.call("GET", path, null);
        if (response.statusCode() != 200) {
            return api.print(response);
        }
        api.out.print(OrchestratorClient.json(response).path("value").asText());
        api.out.flush();
        return BaoziCli.OK;
    }

    @Command(name = "set", description = "Set a file's value: a prompt's; a generated file's for admins.")
    int set(@Mixin WorkspaceOption workspace,
            @Option(names = "--generator", required = true, paramLabel = "G", description = GENERATOR) String generator,
            @Option(names = "--file", required = true, paramLabel = "F", description = FILE) String file,
            @Option(names = "--value", paramLabel = "V", description = "The value (or give --value-file).") String value,
            @Option(names = "--value-file", paramLabel = "PATH", description = "The value from a file, so it is not on a command line.")
            String valueFile) throws UsageException, IOException, InterruptedException {
        String path = workspace.path() + "/vars/" + segment("--generator", generator) + "/" + segment("--file", file);
        if ((value == null) == (valueFile == null)) {
            throw new UsageException("give the value with exactly one of --value and --value-file");
        } else if (valueFile != null && !Files.isReadable(Path.of(valueFile))) {
            throw new UsageException("--value-file " + valueFile + " is not a readable file");
        }
        String text = value != null ? value : Files.readString(Path.of(valueFile));
        return cli.send("PUT", path, OrchestratorClient.JSON.createObjectNode().put("value", text).toString());
    }

    @Command(name = "fix", description = "Repair what a crash left half-written.")
    int fix(@Mixin WorkspaceOption workspace) throws UsageException, IOException, InterruptedException {
        return cli.send("POST", workspace.path() + "/vars/fix", "{}");
    }

    @Command(name = "rollback", description = "Go back to the generator's previous values (again: one further back).")
    int rollback(@Mixin WorkspaceOption workspace,
            @Option(names = "--generator", required = true, paramLabel = "G", description = GENERATOR) String generator)
            throws UsageException, IOException, InterruptedException {
        return cli.send("POST", workspace.path() + "/vars/" + segment("--generator", generator) + "/rollback", "{}");
    }
}
