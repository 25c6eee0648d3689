package dev.baozi.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;

/** How {@code baozi run show} prints a run: the one place that knows what a run's JSON holds for a person. */
final class RunPrinter {

    private RunPrinter() {}

    /**
     * The run as JSON, and on stderr why it waits; with {@code plan}, instead, its plan's changes
     * as text (masked values stay masked) and how to approve it.
     */
    static int show(OrchestratorClient api, String id, boolean plan) throws IOException, InterruptedException {
        HttpResponse<String> response = api.call("GET", "/runs/" + id, null);
        if (response.statusCode() != 200) {
            return api.print(response);
        }
        JsonNode run = OrchestratorClient.json(response);
        if (!plan) {
            api.print(response);
            waiting(api, id, run);
            return BaoziCli.OK;
        }
        HttpResponse<String> planned = api.call("GET", "/runs/" + id + "/plan", null);
        if (planned.statusCode() != 200) {
            return api.print(planned);
        }
        api.out.println("run " + id + " of workspace " + run.path("workspace").asText() + " is " + run.path("status").asText()
                + (run.path("destroy").asBoolean() ? " (a destroy plan)" : ""));
        api.out.println();
        PlanText.lines(OrchestratorClient.json(planned), run.path("sidePlans")).forEach(api.out::println);
        if (run.path("status").asText().equals("planned")) {
            JsonNode summary = run.path("summary");
            boolean destructive = summary.path("destroys").asInt() + summary.path("replaces").asInt() > 0;
            api.err.println("approve with: baozi run approve --id " + id + (destructive ? " --confirm-destroy" : "")
                    + forceFlags(run) + "; or discard with: baozi run discard --id " + id);
        }
        return BaoziCli.OK;
    }

    /** " --force dns" for each side plan of {@code run} that needs force. */
    private static String forceFlags(JsonNode run) {
        var flags = new StringBuilder();
        run.path("sidePlans").forEach(s -> flags.append(s.hasNonNull("forceReason") ? " --force " + s.path("kind").asText() : ""));
        return flags.toString();
    }

    /** On stderr, why the run waits, when it does ("run 7 is queued: waiting behind run 6, …"). */
    static void waiting(OrchestratorClient api, String id, JsonNode run) {
        if (run.hasNonNull("waiting")) {
            api.err.println("run " + id + " is " + run.path("status").asText() + ": " + run.path("waiting").asText());
        }
    }
}
