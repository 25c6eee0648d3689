package dev.baozi.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.harness.openbao.OrchestratorAccess;
import dev.baozi.orchestrator.Orchestrator;
import dev.baozi.orchestrator.StartupException;
import dev.baozi.orchestrator.audit.AuditRepository;
import dev.baozi.orchestrator.auth.LoginOutcome;
import dev.baozi.orchestrator.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator started for real against a real OpenBao dev server. */
@Tag("openbao")
class OrchestratorStartupTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static OpenBaoServer bao;
    private static OrchestratorAccess.AppRoleCredentials credentials;

    @BeforeAll
    static void startOpenBao() {
        bao = OpenBaoServer.startDev(TestStack.workDir());
        credentials = TestStack.access(bao).provisionAndIssue();
    }

    @AfterAll
    static void stopOpenBao() {
        bao.close();
    }

    private static HttpResponse<String> get(Orchestrator orchestrator, String path) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orchestrator.port() + path)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void starts_with_its_approle_and_reports_ready() throws Exception {
        try (var orchestrator = Orchestrator.start(TestStack.config(bao, credentials))) {
            var healthz = get(orchestrator, "/healthz");
            var readyz = get(orchestrator, "/readyz");
            JsonNode body = JSON.readTree(readyz.body());

            assertThat(healthz.statusCode()).isEqualTo(200);
            assertThat(readyz.statusCode()).isEqualTo(200);
            assertThat(body.path("ready").asBoolean()).isTrue();
            assertThat(body.path("checks").path("openbao").path("detail").asText()).isEqualTo("reachable and unsealed");
            assertThat(new AuditRepository(orchestrator.database().dsl(), Clock.systemUTC()).latest(5))
                    .anySatisfy(e -> assertThat(e.action()).isEqualTo("orchestrator.started"));
        }
    }

    @Test
    void a_wrong_approle_secret_fails_start_up_with_a_clear_message() {
        var wrong = new OrchestratorAccess.AppRoleCredentials(credentials.roleId(), "00000000-0000-0000-0000-000000000000");

        assertThatThrownBy(() -> Orchestrator.start(TestStack.config(bao, wrong)))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("openbao.approle: OpenBao at " + bao.address() + " refused the AppRole login")
                .hasMessageContaining(credentials.roleId())
                .hasMessageNotContaining("00000000-0000-0000-0000-000000000000");
    }

    @Test
    void an_unreachable_openbao_fails_start_up_naming_the_address() {
        var config = dev.baozi.orchestrator.config.ConfigLoader.load(null, withAddress("http://127.0.0.1:" + FreePort.pick()));

        assertThatThrownBy(() -> Orchestrator.start(config))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("cannot reach OpenBao at " + config.openbao().address());
    }

    @Test
    void readyz_reports_a_sealed_openbao_as_not_ready() throws Exception {
        // A server of its own: sealing a dev server cannot be undone without its unseal key.
        try (var sealable = OpenBaoServer.startDev(TestStack.workDir())) {
            var own = TestStack.access(sealable).provisionAndIssue();
            try (var orchestrator = Orchestrator.start(TestStack.config(sealable, own))) {
                assertThat(get(orchestrator, "/readyz").statusCode()).isEqualTo(200);

                sealable.rootAdmin().seal();
                var readyz = get(orchestrator, "/readyz");
                JsonNode body = JSON.readTree(readyz.body());

                assertThat(readyz.statusCode()).isEqualTo(503);
                assertThat(body.path("ready").asBoolean()).isFalse();
                assertThat(body.path("checks").path("database").path("ok").asBoolean()).isTrue();
                assertThat(body.path("checks").path("openbao").path("ok").asBoolean()).isFalse();
                assertThat(body.path("checks").path("openbao").path("detail").asText()).isEqualTo("sealed");
            }
        }
    }

    @Test
    void start_up_with_a_first_admin_file_writes_a_one_time_password_the_admin_logs_in_with(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("orchestrator/admin-password");
        var env = TestStack.env(bao, credentials);
        env.put("BAOZI_UI_FIRST_ADMIN_PASSWORD_FILE", file.toString());

        try (var orchestrator = Orchestrator.start(ConfigLoader.load(null, env))) {
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            var outcome = orchestrator.wiring().sessions().login("admin", Files.readString(file).strip(), "127.0.0.1");
            assertThat(outcome).isInstanceOfSatisfying(LoginOutcome.LoggedIn.class,
                    in -> assertThat(in.session().mustChangePassword()).isTrue());
        }
    }

    @Test
    void a_first_admin_file_that_cannot_be_written_fails_start_up_naming_the_setting(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        var env = TestStack.env(bao, credentials);
        env.put("BAOZI_UI_FIRST_ADMIN_PASSWORD_FILE", notADirectory.resolve("admin-password").toString());

        assertThatThrownBy(() -> Orchestrator.start(ConfigLoader.load(null, env)))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("ui.first-admin-password-file: writing the first admin's one-time password to "
                        + notADirectory.resolve("admin-password"));
    }

    private static java.util.Map<String, String> withAddress(String address) {
        var env = TestStack.env(bao, credentials);
        env.put("BAOZI_OPENBAO_ADDRESS", address);
        return env;
    }
}
