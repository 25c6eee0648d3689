package dev.baozi.orchestrator.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How PVE's refusals become {@link ProxmoxException}s, against canned answers from a plain HTTP
 * server on loopback (the simulator tests in test-harness do the same against PVE's behaviour).
 */
class ProxmoxErrorsTest {

    private static final String SECRET = "5e3cr3t-aaaa-bbbb-cccc-ddddeeeeffff";
    private static final ApiToken TOKEN = new ApiToken("baozi@pve!orchestrator", SECRET);

    private HttpServer server;
    private final AtomicReference<Answer> answer = new AtomicReference<>();
    private final AtomicReference<String> seenAuthorization = new AtomicReference<>();
    private ProxmoxClient client;

    private record Answer(int status, String body) {}

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seenAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            Answer a = answer.get();
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        client = ProxmoxClient.connect(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), TOKEN,
                new TlsSettings.SystemTrust());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void a_401_names_the_endpoint_and_token_id_but_never_the_secret() {
        answer.set(new Answer(401, "{\"data\":null}"));

        var e = catchThrowableOfType(ProxmoxException.TokenRefused.class, () -> client.version());

        assertThat(seenAuthorization.get()).isEqualTo("PVEAPIToken=baozi@pve!orchestrator=" + SECRET);
        assertThat(e.getMessage()).isEqualTo("reading the version: Proxmox at " + client.endpoint()
                + " refused the API token baozi@pve!orchestrator (HTTP 401)");
        assertThat(e.tokenId()).isEqualTo("baozi@pve!orchestrator");
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void a_400_carries_pves_error_for_each_parameter() {
        answer.set(new Answer(400, "{\"data\":null,\"errors\":{\"newid\":\"value must be at least 100\",\"name\":\"invalid format\"}}"));

        var e = catchThrowableOfType(ProxmoxException.BadRequest.class, () -> client.clone("pve1", 9000, CloneRequest.full(5, "x")));

        assertThat(e.parameterErrors()).containsEntry("newid", "value must be at least 100").containsEntry("name", "invalid format");
        assertThat(e.getMessage()).startsWith("cloning VM 9000 on pve1 to 5: Proxmox at " + client.endpoint()
                + " refused the parameters (HTTP 400): name: invalid format; newid: value must be at least 100");
    }

    @Test
    void a_500_carries_pves_message() {
        answer.set(new Answer(500, "{\"data\":null,\"message\":\"unable to find configuration file for VM 900\\n\"}"));

        var e = catchThrowableOfType(ProxmoxException.ServerError.class, () -> client.status("pve1", 900));

        assertThat(e.reason()).isEqualTo("unable to find configuration file for VM 900");
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.getMessage()).isEqualTo("reading the status of VM 900 on pve1: Proxmox at " + client.endpoint()
                + " answered HTTP 500: unable to find configuration file for VM 900");
    }

    @Test
    void a_403_is_a_refusal_with_pves_reason() {
        answer.set(new Answer(403, "{\"data\":null,\"message\":\"Permission check failed (/vms/100, VM.PowerMgmt)\"}"));

        var e = catchThrowableOfType(ProxmoxException.Refused.class, () -> client.start("pve1", 100));

        assertThat(e.status()).isEqualTo(403);
        assertThat(e.reason()).isEqualTo("Permission check failed (/vms/100, VM.PowerMgmt)");
    }

    @Test
    void an_answer_that_is_not_json_is_an_unexpected_answer() {
        answer.set(new Answer(200, "<html>proxy login</html>"));

        var e = catchThrowableOfType(ProxmoxException.UnexpectedAnswer.class, () -> client.nodes());

        assertThat(e.getMessage()).startsWith("listing the nodes: Proxmox at " + client.endpoint() + ": the answer is not JSON");
    }

    @Test
    void a_closed_port_is_unreachable_naming_the_host_without_a_tls_problem() throws Exception {
        int closed;
        try (var socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        var nobody = ProxmoxClient.connect(URI.create("http://127.0.0.1:" + closed), TOKEN, new TlsSettings.SystemTrust());

        var e = catchThrowableOfType(ProxmoxException.Unreachable.class, nobody::version);

        assertThat(e.host()).isEqualTo("127.0.0.1");
        assertThat(e.tlsProblem()).isEmpty();
        assertThat(e.getMessage()).startsWith("reading the version: cannot reach Proxmox at http://127.0.0.1:" + closed + ": ")
                .doesNotContain(SECRET);
    }
}
