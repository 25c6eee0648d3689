package dev.baozi.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baozi.orchestrator.cli.OptionValues.RunOption;
import dev.baozi.orchestrator.cli.OptionValues.WorkspaceOption;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code baozi run …}: plan, review, approve or discard, cancel, and follow runs. */
@Command(name = "run", description = "Runs: plan, review, approve, apply.")
record RunCommands(BaoziCli cli) {

    private static final String COMMENT = "Kept with the decision on the run.";

    @Command(name = "plan", description = "Queue a plan; prints the run id.")
    int plan(@Mixin WorkspaceOption workspace,
            @Option(names = "--destroy", arity = "0", description = "Plan to destroy everything the workspace made.") boolean destroy,
            @Option(names = "--replace", paramLabel = "ADDR", description = "Have tofu recreate this resource (repeatable).")
            List<String> replace) throws UsageException, IOException, InterruptedException {
        var request = OrchestratorClient.JSON.createObjectNode().put("destroy", destroy);
        if (replace != null) {
            var addresses = request.putArray("replace");
            replace.forEach(addresses::add);
        }
        String path = workspace.path() + "/runs";
        OrchestratorClient api = cli.client();
        HttpResponse<String> response = api.call("POST", path, request.toString());
        if (response.statusCode() != 201) {
            return api.print(response);
        }
        long id = OrchestratorClient.json(response).path("id").asLong();
        api.out.println(id);
        api.err.println("run " + id + " queued; follow it with: baozi run logs --id " + id + " --follow");
        return BaoziCli.OK;
    }

    @Command(name = "show", description = "The run as JSON (and why it waits); --plan: its changes, to review before approving.")
    int show(@Mixin RunOption run,
            @Option(names = "--plan", arity = "0", description = "The plan's changes as text instead of the run's JSON.") boolean plan)
            throws UsageException, IOException, InterruptedException {
        String id = run.id();
        return RunPrinter.show(cli.client(), id, plan);
    }

    @Command(name = "logs", description = "The run's log; --follow streams it until the run stops or awaits approval.")
    int logs(@Mixin RunOption run,
            @Option(names = "--follow", arity = "0",
                    description = "Stream until the run stops or awaits approval; exit 4 if it ended errored or canceled.")
            boolean follow) throws UsageException, IOException, InterruptedException {
        String id = run.id();
        OrchestratorClient api = cli.client();
        return follow ? follow(api, id) : logs(api, id);
    }

    @Command(name = "approve", description = "Approve a planned run, so it applies.")
    int approve(@Mixin RunOption run, @Option(names = "--comment", paramLabel = "C", description = COMMENT) String comment,
            @Option(names = "--confirm-destroy", arity = "0", description = "Needed when the plan destroys or replaces anything.")
            boolean confirmDestroy,
            @Option(names = "--force", paramLabel = "KIND",
                    description = "Force the run's side plan of KIND (dns, ...) past its safety thresholds; repeatable.")
            java.util.List<String> force,
            @Option(names = "--force-dns", arity = "0", description = "The same as --force dns.")
            boolean forceDns) throws UsageException, IOException, InterruptedException {
        var body = OrchestratorClient.JSON.createObjectNode()
                .put("comment", comment == null ? "" : comment)
                .put("confirm_destroy", confirmDestroy)
                .put("force_dns", forceDns);
        var kinds = body.putArray("force");
        (force == null ? java.util.List.<String>of() : force).forEach(kinds::add);
        return cli.send("POST", run.path() + "/approve", body.toString());
    }

    @Command(name = "discard", description = "Discard a planned run.")
    int discard(@Mixin RunOption run, @Option(names = "--comment", paramLabel = "C", description = COMMENT) String comment)
            throws UsageException, IOException, InterruptedException {
        return cli.send("POST", run.path() + "/discard",
                OrchestratorClient.JSON.createObjectNode().put("comment", comment == null ? "" : comment).toString());
    }

    @Command(name = "cancel", description = "Stop a run (tofu is interrupted and releases its lock).")
    int cancel(@Mixin RunOption run,
            @Option(names = "--force", arity = "0", description = "Kill tofu at once instead of after the grace period.") boolean force)
            throws UsageException, IOException, InterruptedException {
        return cli.send("POST", run.path() + "/cancel", OrchestratorClient.JSON.createObjectNode().put("force", force).toString());
    }

    private static int logs(OrchestratorClient api, String id) throws IOException, InterruptedException {
        HttpResponse<String> response = api.call("GET", "/runs/" + id + "/logs", null);
        if (response.statusCode() != 200) {
            return api.print(response);
        }
        for (JsonNode line : OrchestratorClient.json(response).path("lines")) {
            api.out.println("[" + line.path("step").asText() + "] " + line.path("line").asText());
        }
        return BaoziCli.OK;
    }

    /** Streams the run's log; the exit code says how the run stands when the stream ends. */
    private static int follow(OrchestratorClient api, String id) throws IOException, InterruptedException {
        HttpResponse<String> before = api.call("GET", "/runs/" + id, null);
        if (before.statusCode() == 200) {
            RunPrinter.waiting(api, id, OrchestratorClient.json(before));
        }
        HttpResponse<Stream<String>> response = api.events("/runs/" + id + "/logs/stream");
        if (response.statusCode() != 200) {
            api.err.println("baozi: the orchestrator answered " + response.statusCode() + " for run " + id);
            return response.statusCode() >= 500 ? BaoziCli.UNAVAILABLE : BaoziCli.REFUSED;
        }
        String event = "";
        String status = "";
        try (var lines = response.body()) {
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    JsonNode data = OrchestratorClient.JSON.readTree(line.substring(5));
                    if (event.equals("end")) {
                        status = data.path("status").asText();
                        break;
                    }
                    api.out.println("[" + data.path("step").asText() + "] " + data.path("line").asText());
                }
            }
        }
        api.err.println("run " + id + " is " + status);
        return status.equals("errored") || status.equals("canceled") ? BaoziCli.RUN_FAILED : BaoziCli.OK;
    }
}
