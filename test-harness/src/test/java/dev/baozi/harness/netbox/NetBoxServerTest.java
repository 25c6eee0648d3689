package dev.baozi.harness.netbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The harness's NetBox: the real NetBox 4.7 from PyPI answers with both kinds of token and allocates addresses. */
@Tag("netbox")
class NetBoxServerTest {

    private static int status(String path, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(NetBoxServer.shared().url() + path)).header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void netbox_answers_a_v2_token_as_bearer_and_a_v1_token_and_refuses_a_wrong_one() throws Exception {
        NetBoxServer nb = NetBoxServer.shared();

        assertThat(nb.call("GET", "/api/status/", null).path("netbox-version").asText()).startsWith("4.7.");
        assertThat(status("/api/status/", "Bearer " + nb.token())).isEqualTo(200);
        assertThat(status("/api/status/", "Token " + nb.v1Token())).isEqualTo(200);
        assertThat(status("/api/status/", "Token 0123456789012345678901234567890123456789")).isEqualTo(403);
        assertThat(status("/api/status/", null)).isEqualTo(403);
    }

    @Test
    void a_prefix_hands_out_its_addresses_lowest_first_until_none_is_left() {
        NetBoxServer nb = NetBoxServer.shared();
        long prefix = nb.createPrefix("198.18.7.0/30");

        var first = nb.call("POST", "/api/ipam/prefixes/" + prefix + "/available-ips/", Map.of("description", "one"));
        var second = nb.call("POST", "/api/ipam/prefixes/" + prefix + "/available-ips/", Map.of("description", "two"));
        var third = nb.api("POST", "/api/ipam/prefixes/" + prefix + "/available-ips/", Map.of("description", "three"));

        assertThat(List.of(first.path("address").asText(), second.path("address").asText()))
                .containsExactly("198.18.7.1/30", "198.18.7.2/30");
        assertThat(third.statusCode()).isEqualTo(409);
        assertThat(nb.addressesIn("198.18.7.0/30")).hasSize(2);
    }
}
