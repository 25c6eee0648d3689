package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.number;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.cli.OptionValues.WorkspaceOption;
import java.io.IOException;
import java.net.http.HttpResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baozi token …}: the state tokens tofu uses for one workspace's state backend. */
@Command(name = "token", description = "State tokens: what tofu uses for a workspace's state.")
record TokenCommands(BaoziCli cli) {

    @Command(name = "create", description = "Print a new state token (shown once).")
    int create(@Mixin WorkspaceOption workspace,
            @Option(names = "--name", paramLabel = "N", description = "What the token is for (default cli).") String name,
            @Option(names = "--read-only", arity = "0", description = "May read the state, not lock or write it.") boolean readOnly)
            throws UsageException, IOException, InterruptedException {
        String path = workspace.path() + "/state-tokens";
        String body = OrchestratorClient.JSON.createObjectNode()
                .put("name", name == null ? "cli" : name)
                .put("access", readOnly ? "read-only" : "read-write")
                .toString();
        OrchestratorClient api = cli.client();
        HttpResponse<String> response = api.call("POST", path, body);
        if (response.statusCode() != 201) {
            return api.print(response);
        }
        JsonNode created = OrchestratorClient.json(response);
        api.out.println(created.path("token").asText());
        api.err.println("state token " + created.path("id").asLong() + " (" + created.path("access").asText() + ") for workspace "
                + created.path("workspace").asText() + "; it is shown this once, Baozi keeps only its hash");
        return BaoziCli.OK;
    }

    @Command(name = "revoke", description = "Revoke one state token.")
    int revoke(@Mixin WorkspaceOption workspace,
            @Option(names = "--id", required = true, paramLabel = "N", description = "The token's id, from token list.") String id)
            throws UsageException, IOException, InterruptedException {
        return cli.send("DELETE", workspace.path() + "/state-tokens/" + number("--id", id), null);
    }

    @Command(name = "list", description = "The workspace's state tokens: names and access, never the tokens.")
    int list(@Mixin WorkspaceOption workspace) throws UsageException, IOException, InterruptedException {
        return cli.send("GET", workspace.path() + "/state-tokens", null);
    }
}
