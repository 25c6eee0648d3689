package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.given;
import static dev.baozi.orchestrator.cli.OptionValues.user;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baozi user …}: people, their roles, web UI passwords and API tokens (admin only). */
@Command(name = "user", description = "Users: roles, passwords, API tokens (admin only).")
final class UserCommands {

    private final BaoziCli cli;

    UserCommands(BaoziCli cli) {
        this.cli = cli;
    }

    @Command(name = "create", description = "Create a user; with --password-file, one who may log in to the web UI.")
    int create(@Option(names = "--name", required = true, paramLabel = "U", description = "The user's name.") String name,
            @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator, approver or admin.") String role,
            @Option(names = "--password-file", paramLabel = "F", description = "The first line is the password (- reads stdin).")
            String passwordFile) throws UsageException, IOException, InterruptedException {
        var body = OrchestratorClient.JSON.createObjectNode().put("name", given("--name", name)).put("role", given("--role", role));
        if (passwordFile != null) {
            body.put("password", password(passwordFile));
        }
        return cli.client().send("POST", "/users", body.toString());
    }

    @Command(name = "list", description = "Every user.")
    int list() throws UsageException, IOException, InterruptedException {
        return cli.client().send("GET", "/users", null);
    }

    @Command(name = "token", description = "Print a new API token for the user (shown once).")
    int token(@Option(names = "--name", required = true, paramLabel = "U", description = "The user's name.") String name)
            throws UsageException, IOException, InterruptedException {
        String path = user(name) + "/tokens";
        OrchestratorClient api = cli.client();
        HttpResponse<String> response = api.call("POST", path, OrchestratorClient.JSON.createObjectNode().put("name", "cli").toString());
        if (response.statusCode() != 201) {
            return api.print(response);
        }
        api.out.println(OrchestratorClient.json(response).path("token").asText());
        api.err.println("API token for " + name + "; it is shown this once, Baozi keeps only its hash");
        return BaoziCli.OK;
    }

    @Command(name = "revoke-tokens", description = "Revoke every API token of the user.")
    int revokeTokens(@Option(names = "--name", required = true, paramLabel = "U", description = "The user's name.") String name)
            throws UsageException, IOException, InterruptedException {
        String path = user(name) + "/tokens";
        return cli.client().send("DELETE", path, null);
    }

    @Command(name = "role", description = "Change the user's role.")
    int role(@Option(names = "--name", required = true, paramLabel = "U", description = "The user's name.") String name,
            @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator, approver or admin.") String role)
            throws UsageException, IOException, InterruptedException {
        String path = user(name);
        String body = OrchestratorClient.JSON.createObjectNode().put("role", given("--role", role)).toString();
        return cli.client().send("PATCH", path, body);
    }

    @Command(name = "disable", description = "End the user's sessions, stop the user's API tokens.")
    int disable(@Option(names = "--name", required = true, paramLabel = "U", description = "The user's name.") String name)
            throws UsageException, IOException, InterruptedException {
        return disabled(name, true);
    }

    @Command(name = "enable", description = "Let a disabled user in again.")
    int enable(@Option(names = "--name", required = true, paramLabel = "U", description = "The user's name.") String name)
            throws UsageException, IOException, InterruptedException {
        return disabled(name, false);
    }

    @Command(name = "delete", description = "Delete the user, with the user's API tokens and sessions.")
    int delete(@Option(names = "--name", required = true, paramLabel = "U", description = "The user's name.") String name)
            throws UsageException, IOException, InterruptedException {
        String path = user(name);
        return cli.client().send("DELETE", path, null);
    }

    @Command(name = "password", description = "Set the user's web UI password; the user must change it at the next login.")
    int password(@Option(names = "--name", required = true, paramLabel = "U", description = "The user's name.") String name,
            @Option(names = "--password-file", required = true, paramLabel = "F",
                    description = "The first line is the password (- reads stdin).") String passwordFile)
            throws UsageException, IOException, InterruptedException {
        String path = user(name) + "/password";
        String body = OrchestratorClient.JSON.createObjectNode().put("password", password(passwordFile)).toString();
        return cli.client().send("PUT", path, body);
    }

    private int disabled(String name, boolean disabled) throws UsageException, IOException, InterruptedException {
        String path = user(name);
        return cli.client().send("PATCH", path, OrchestratorClient.JSON.createObjectNode().put("disabled", disabled).toString());
    }

    /** A password from --password-file (a file, or - for standard input), never from the command line. */
    private String password(String file) throws UsageException, IOException {
        given("--password-file", file);
        String text;
        if (file.equals("-")) {
            InputStream in = cli.in();
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } else {
            Path path = Path.of(file);
            if (!Files.isReadable(path)) {
                throw new UsageException("--password-file " + file + " is not a readable file");
            }
            text = Files.readString(path);
        }
        String password = text.lines().findFirst().orElse("");
        if (password.isEmpty()) {
            throw new UsageException("--password-file " + file + " holds no password (its first line is the password)");
        }
        return password;
    }
}
