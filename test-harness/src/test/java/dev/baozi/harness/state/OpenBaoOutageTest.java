package dev.baozi.harness.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.harness.FreePort;
import dev.baozi.harness.StateHttp;
import dev.baozi.harness.TestStackAccess;
import dev.baozi.harness.TestSupport;
import dev.baozi.harness.openbao.OpenBaoAdmin;
import dev.baozi.harness.openbao.OpenBaoServer;
import dev.baozi.orchestrator.Orchestrator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** OpenBao stops while the orchestrator serves states: clear 503s, nothing half-written, full recovery. */
@Tag("openbao")
class OpenBaoOutageTest {

    @Test
    void states_answer_503_with_retry_after_while_openbao_is_down_and_are_intact_after_it_returns() throws Exception {
        Path data = Files.createTempDirectory("bao-outage");
        int port = FreePort.pick();
        OpenBaoServer bao = OpenBaoServer.startFileBacked(data, port, TestSupport.workDir());
        OpenBaoAdmin.InitResult init = new OpenBaoAdmin(bao.address(), null).init();
        new OpenBaoAdmin(bao.address(), null).unseal(init.unsealKey());
        try (Orchestrator orchestrator = TestStackAccess.orchestrator(bao, init.rootToken())) {
            StateHttp client = TestSupport.client(orchestrator);
            String token = client.token("outage", "read-write");
            byte[] before = StateHttp.state("lin-o", 1, 3);
            assertThat(client.state("POST", "outage", token, before, null).statusCode()).isEqualTo(200);

            bao.close();
            var get = client.state("GET", "outage", token, null, null);
            var post = client.state("POST", "outage", token, StateHttp.state("lin-o", 2, 4), null);
            var lock = client.state("LOCK", "outage", token, StateHttp.lockInfo("x", "y"), null);

            assertThat(get.statusCode()).isEqualTo(503);
            assertThat(get.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(StateHttp.json(get).path("error").asText()).startsWith("OpenBao is unavailable").contains("retry later");
            assertThat(post.statusCode()).isEqualTo(503);
            assertThat(lock.statusCode()).isEqualTo(503);

            bao = OpenBaoServer.startFileBacked(data, port, TestSupport.workDir());
            new OpenBaoAdmin(bao.address(), null).unseal(init.unsealKey());
            var after = client.state("GET", "outage", token, null, null);
            var next = client.state("POST", "outage", token, StateHttp.state("lin-o", 2, 4), null);

            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).isEqualTo(before);
            assertThat(next.statusCode()).isEqualTo(200);
        } finally {
            bao.close();
        }
    }

    @Test
    void a_sealed_openbao_is_a_503_too() throws Exception {
        Path data = Files.createTempDirectory("bao-sealed");
        OpenBaoServer bao = OpenBaoServer.startFileBacked(data, FreePort.pick(), TestSupport.workDir());
        OpenBaoAdmin.InitResult init = new OpenBaoAdmin(bao.address(), null).init();
        new OpenBaoAdmin(bao.address(), null).unseal(init.unsealKey());
        try (Orchestrator orchestrator = TestStackAccess.orchestrator(bao, init.rootToken())) {
            StateHttp client = TestSupport.client(orchestrator);
            String token = client.token("sealed", "read-write");

            new OpenBaoAdmin(bao.address(), init.rootToken()).seal();
            var get = client.state("GET", "sealed", token, null, null);

            assertThat(get.statusCode()).isEqualTo(503);
            assertThat(get.headers().firstValue("Retry-After")).isPresent();
        } finally {
            bao.close();
        }
    }
}
