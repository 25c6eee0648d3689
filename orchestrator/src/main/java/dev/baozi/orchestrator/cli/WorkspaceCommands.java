package dev.baozi.orchestrator.cli;

import static dev.baozi.orchestrator.cli.OptionValues.given;
import static dev.baozi.orchestrator.cli.OptionValues.json;
import static dev.baozi.orchestrator.cli.OptionValues.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baozi workspace …}: a template and its input values, under a name. */
@Command(name = "workspace", description = "Workspaces: a template and its inputs.")
record WorkspaceCommands(BaoziCli cli) {

    private static final String NAME = "The workspace's name.";

    @Command(name = "create", description = "Create a workspace from a template in tf-modules/.")
    int create(@Option(names = "--name", required = true, paramLabel = "W", description = NAME) String name,
            @Option(names = "--template", required = true, paramLabel = "T", description = "A folder of tf-modules/.") String template,
            @Option(names = "--inputs", paramLabel = "JSON", description = "The template's input values (default {}).") String inputs,
            @Option(names = "--provider", paramLabel = "P", description = "The Proxmox provider a deployment runs on.") String provider)
            throws UsageException, IOException, InterruptedException {
        JsonNode values = json("--inputs", inputs == null ? "{}" : inputs);
        var body = OrchestratorClient.JSON.createObjectNode().put("name", given("--name", name))
                .put("template", given("--template", template));
        body.set("inputs", values);
        if (provider != null) {
            body.put("provider", provider);
        }
        return cli.send("POST", "/workspaces", body.toString());
    }

    @Command(name = "list", description = "Every workspace.")
    int list() throws UsageException, IOException, InterruptedException {
        return cli.send("GET", "/workspaces", null);
    }

    @Command(name = "show", description = "One workspace, with its inputs.")
    int show(@Option(names = "--name", required = true, paramLabel = "W", description = NAME) String name)
            throws UsageException, IOException, InterruptedException {
        return cli.send("GET", "/workspaces/" + segment("--name", name), null);
    }

    @Command(name = "update", description = "Change inputs (a merge patch: null resets one to its default).")
    int update(@Option(names = "--name", required = true, paramLabel = "W", description = NAME) String name,
            @Option(names = "--inputs", required = true, paramLabel = "JSON", description = "The inputs to change, a JSON object.")
            String inputs) throws UsageException, IOException, InterruptedException {
        var body = OrchestratorClient.JSON.createObjectNode().set("inputs", json("--inputs", given("--inputs", inputs)));
        return cli.send("PATCH", "/workspaces/" + segment("--name", name), body.toString());
    }

    @Command(name = "delete", description = "Delete a workspace, only once its state has no resources (after a destroy run).")
    int delete(@Option(names = "--name", required = true, paramLabel = "W", description = NAME) String name)
            throws UsageException, IOException, InterruptedException {
        return cli.send("DELETE", "/workspaces/" + segment("--name", name), null);
    }
}
