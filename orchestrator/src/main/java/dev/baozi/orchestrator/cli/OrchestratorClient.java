package dev.baozi.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The orchestrator's {@code /api/v1} called with one bearer token, and its answers printed the
 * way every command prints them: a success's JSON pretty on stdout, a refusal's sentence on stderr.
 */
final class OrchestratorClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final String token;
    final PrintStream out;
    final PrintStream err;

    OrchestratorClient(String url, String token, PrintStream out, PrintStream err) {
        this.url = url;
        this.token = token;
        this.out = out;
        this.err = err;
    }

    HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url + "/api/v1" + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Calls, prints the answer, and returns the exit code it means. */
    int send(String method, String path, String body) throws IOException, InterruptedException {
        return print(call(method, path, body));
    }

    /** A server-sent event stream, line by line. */
    HttpResponse<Stream<String>> events(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url + "/api/v1" + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofLines());
    }

    /** A 2xx answer's JSON pretty on stdout (exit 0); otherwise its sentence on stderr (exit 1 for 4xx, 3 for 5xx). */
    int print(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (!response.body().isBlank()) {
                out.println(pretty(response.body()));
            }
            return BaoziCli.OK;
        }
        String message = response.body();
        try {
            message = JSON.readTree(response.body()).path("error").asText(response.body());
        } catch (IOException ignored) {
            // not JSON: print it as it came
        }
        err.println("baozi: the orchestrator answered " + status + ": " + BaoziCli.withFlags(message));
        return status >= 500 ? BaoziCli.UNAVAILABLE : BaoziCli.REFUSED;
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static String pretty(String body) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(body));
        } catch (IOException e) {
            return body;
        }
    }
}
