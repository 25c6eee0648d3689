package dev.baozi.harness.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;

/**
 * What the baselines share to call OpenBao's KV v2 HTTP API straight: the server, the mount, the
 * token, one HTTP/1.1 client (as Baozi's own client uses) and the request's common headers.
 */
record KvHttp(URI address, String mount, String token, HttpClient http) {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    static KvHttp of(URI address, String mount, String token) {
        return new KvHttp(address, mount, token, HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build());
    }

    /** A request to {@code <mount>/data/<path>} with the token and the timeout set. */
    HttpRequest.Builder data(String path) {
        return HttpRequest.newBuilder(address.resolve("/v1/" + mount + "/data/" + path))
                .timeout(TIMEOUT)
                .header("X-Vault-Token", token);
    }

    @Override
    public String toString() {
        return "KvHttp[" + address + ", " + mount + "]"; // never the token
    }
}
