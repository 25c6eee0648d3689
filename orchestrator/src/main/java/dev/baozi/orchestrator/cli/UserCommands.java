package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.given;

import dev.baozi.orchestrator.cli.OptionValues.UserOption;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baozi user …}: people, their roles, web UI passwords and API tokens (admin only). */
@Command(name = "user", description = "Users: roles, passwords, API tokens (admin only).")
record UserCommands(BaoziCli cli) {

    private static final String ROLE = "viewer, operator, approver or admin.";
    private static final String PASSWORD_FILE = "The first line is the password (- reads stdin).";

    @Command(name = "create", description = "Create a user; with --password-file, one who may log in to the web UI.")
    int create(@Mixin UserOption user,
            @Option(names = "--role", required = true, paramLabel = "ROLE", description = ROLE) String role,
            @Option(names = "--password-file", paramLabel = "F", description = PASSWORD_FILE) String passwordFile)
            throws UsageException, IOException, InterruptedException {
        var body = OrchestratorClient.JSON.createObjectNode().put("name", given("--name", user.name())).put("role", given("--role", role));
        if (passwordFile != null) {
            body.put("password", password(passwordFile));
        }
        return cli.send("POST", "/users", body.toString());
    }

    @Command(name = "list", description = "Every user.")
    int list() throws UsageException, IOException, InterruptedException {
        return cli.send("GET", "/users", null);
    }

    @Command(name = "token", description = "Print a new API token for the user (shown once).")
    int token(@Mixin UserOption user) throws UsageException, IOException, InterruptedException {
        String path = user.path() + "/tokens";
        OrchestratorClient api = cli.client();
        HttpResponse<String> response = api.call("POST", path, "{\"name\":\"cli\"}");
        if (response.statusCode() != 201) {
            return api.print(response);
        }
        api.out.println(OrchestratorClient.json(response).path("token").asText());
        api.err.println("API token for " + user.name() + "; it is shown this once, Baozi keeps only its hash");
        return BaoziCli.OK;
    }

    @Command(name = "revoke-tokens", description = "Revoke every API token of the user.")
    int revokeTokens(@Mixin UserOption user) throws UsageException, IOException, InterruptedException {
        return cli.send("DELETE", user.path() + "/tokens", null);
    }

    @Command(name = "role", description = "Change the user's role.")
    int role(@Mixin UserOption user, @Option(names = "--role", required = true, paramLabel = "ROLE", description = ROLE) String role)
            throws UsageException, IOException, InterruptedException {
        String path = user.path();
        return cli.send("PATCH", path, OrchestratorClient.JSON.createObjectNode().put("role", given("--role", role)).toString());
    }

    @Command(name = "disable", description = "End the user's sessions, stop the user's API tokens.")
    int disable(@Mixin UserOption user) throws UsageException, IOException, InterruptedException {
        return cli.send("PATCH", user.path(), "{\"disabled\":true}");
    }

    @Command(name = "enable", description = "Let a disabled user in again.")
    int enable(@Mixin UserOption user) throws UsageException, IOException, InterruptedException {
        return cli.send("PATCH", user.path(), "{\"disabled\":false}");
    }

    @Command(name = "delete", description = "Delete the user, with the user's API tokens and sessions.")
    int delete(@Mixin UserOption user) throws UsageException, IOException, InterruptedException {
        return cli.send("DELETE", user.path(), null);
    }

    @Command(name = "password", description = "Set the user's web UI password; the user must change it at the next login.")
    int password(@Mixin UserOption user,
            @Option(names = "--password-file", required = true, paramLabel = "F", description = PASSWORD_FILE) String passwordFile)
            throws UsageException, IOException, InterruptedException {
        String path = user.path() + "/password";
        return cli.send("PUT", path, OrchestratorClient.JSON.createObjectNode().put("password", password(passwordFile)).toString());
    }

    /** A password from --password-file (a file, or - for standard input), never from the command line. */
    private String password(String file) throws UsageException, IOException {
        String text;
        if (given("--password-file", file).equals("-")) {
            text = new String(cli.in().readAllBytes(), StandardCharsets.UTF_8);
        } else if (Files.isReadable(Path.of(file))) {
            text = Files.readString(Path.of(file));
        } else {
            throw new UsageException("--password-file " + file + " is not a readable file");
        }
        String password = text.lines().findFirst().orElse("");
        if (password.isEmpty()) {
            throw new UsageException("--password-file " + file + " holds no password (its first line is the password)");
        }
        return password;
    }
}
