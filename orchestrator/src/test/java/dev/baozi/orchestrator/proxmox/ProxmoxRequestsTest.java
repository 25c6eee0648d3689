package dev.baozi.orchestrator.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import okhttp3.FormBody;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** How the client builds PVE requests and reads PVE's values, without a server. */
class ProxmoxRequestsTest {

    private static final ApiToken TOKEN = new ApiToken("baozi@pve!orchestrator", "0b4f1c2e-1111-2222-3333-444455556666");

    private static ProxmoxClient client(String endpoint) {
        return ProxmoxClient.connect(URI.create(endpoint), TOKEN, new TlsSettings.SystemTrust());
    }

    @Test
    void the_api_base_gets_api2_json_added_once() {
        assertThat(ProxmoxClient.apiBase(URI.create("https://pve.example:8006")).toString()).isEqualTo("https://pve.example:8006/api2/json");
        assertThat(ProxmoxClient.apiBase(URI.create("https://pve.example:8006/")).toString()).isEqualTo("https://pve.example:8006/api2/json");
        assertThat(ProxmoxClient.apiBase(URI.create("https://pve.example:8006/api2/json/")).toString())
                .isEqualTo("https://pve.example:8006/api2/json");
        assertThat(ProxmoxClient.apiBase(URI.create("https://proxy.example/pve")).toString()).isEqualTo("https://proxy.example/pve/api2/json");
    }

    @Test
    void an_endpoint_that_is_not_an_http_url_with_a_host_is_refused() {
        assertThatThrownBy(() -> ProxmoxClient.apiBase(URI.create("ftp://pve.example"))).hasMessageContaining("https:// URL");
        assertThatThrownBy(() -> ProxmoxClient.apiBase(URI.create("https://pve.example:8006/?x=1"))).hasMessageContaining("no user, query");
    }

    @Test
    void a_get_carries_its_parameters_in_the_query_and_the_token_in_pves_header() {
        var request = client("https://pve.example:8006").request("GET", List.of("cluster", "resources"), Map.of("type", "vm"));

        assertThat(request.url().toString()).isEqualTo("https://pve.example:8006/api2/json/cluster/resources?type=vm");
        assertThat(request.header("Authorization"))
                .isEqualTo("PVEAPIToken=baozi@pve!orchestrator=0b4f1c2e-1111-2222-3333-444455556666");
        assertThat(request.body()).isNull();
    }

    @Test
    void a_post_sends_its_parameters_form_encoded_with_booleans_as_1_and_0() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("newid", 123);
        params.put("name", "web 1&2");
        params.put("full", true);
        params.put("onboot", false);
        var request = client("https://pve.example:8006").request("POST", List.of("nodes", "pve1", "qemu", "9000", "clone"), params);
        var buffer = new Buffer();
        request.body().writeTo(buffer);

        assertThat(request.url().toString()).isEqualTo("https://pve.example:8006/api2/json/nodes/pve1/qemu/9000/clone");
        assertThat(request.body()).isInstanceOf(FormBody.class);
        assertThat(request.body().contentType().toString()).startsWith("application/x-www-form-urlencoded");
        assertThat(buffer.readUtf8()).isEqualTo("newid=123&name=web+1%262&full=1&onboot=0");
    }

    @Test
    void a_delete_carries_its_parameters_in_the_query() {
        var request = client("https://pve.example:8006").request("DELETE", List.of("nodes", "pve1", "qemu", "101"), Map.of("purge", true));

        assertThat(request.method()).isEqualTo("DELETE");
        assertThat(request.url().toString()).isEqualTo("https://pve.example:8006/api2/json/nodes/pve1/qemu/101?purge=1");
    }

    @Test
    void a_upid_is_one_path_segment_however_many_colons_and_bangs_it_has() {
        Upid upid = Upid.parse("UPID:pve1:000A1B2C:0012D687:6740F00D:qmclone:9000:baozi@pve!orchestrator:");
        var request = client("https://pve.example:8006").request("GET", List.of("nodes", upid.node(), "tasks", upid.value(), "status"),
                Map.of());

        assertThat(request.url().pathSegments()).containsExactly("api2", "json", "nodes", "pve1", "tasks", upid.value(), "status");
        assertThat(upid.node()).isEqualTo("pve1");
        assertThat(upid.type()).isEqualTo("qmclone");
        assertThat(upid.id()).isEqualTo("9000");
        assertThat(upid.user()).isEqualTo("baozi@pve!orchestrator");
    }

    @Test
    void something_that_is_not_a_upid_is_refused() {
        assertThatThrownBy(() -> Upid.parse("OK")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Upid.parse("UPID:pve1:1:2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_token_secret_is_never_in_its_text_form_nor_the_clients() {
        assertThat(TOKEN.toString()).contains("baozi@pve!orchestrator").doesNotContain("0b4f1c2e");
        assertThat(client("https://pve.example:8006").toString()).doesNotContain("0b4f1c2e");
    }

    @Test
    void a_token_id_must_be_user_at_realm_bang_tokenid_and_the_secret_header_safe() {
        assertThat(ApiToken.isValidId("root@pam!baozi")).isTrue();
        assertThat(ApiToken.isValidId("root@pam")).isFalse();
        assertThat(ApiToken.isValidId("root!baozi")).isFalse();
        assertThat(ApiToken.isValidId("ro ot@pam!baozi")).isFalse();
        assertThatThrownBy(() -> new ApiToken("root@pam!baozi", "has space")).hasMessage(ApiToken.SECRET_PROBLEM);
        assertThatThrownBy(() -> new ApiToken("root@pam!baozi", "line\nbreak")).hasMessage(ApiToken.SECRET_PROBLEM);
    }

    @Test
    void pve_tags_split_on_semicolons_commas_and_spaces() {
        assertThat(ProxmoxClient.tags("baozi;web")).containsExactly("baozi", "web");
        assertThat(ProxmoxClient.tags("baozi,web prod")).containsExactly("baozi", "web", "prod");
        assertThat(ProxmoxClient.tags("")).isEmpty();
    }

    @Test
    void a_vm_config_gives_name_cores_memory_and_the_first_nics_mac_bridge_and_vlan() {
        var config = new VmConfig(Map.of("name", "web-1", "cores", "4", "memory", "4096",
                "net0", "virtio=BC:24:11:2A:3B:4C,bridge=vmbr0,firewall=1,tag=20"));

        assertThat(config.name()).hasValue("web-1");
        assertThat(config.cores()).hasValue(4);
        assertThat(config.memory()).hasValue(4096);
        var nic = config.net0().orElseThrow();
        assertThat(nic.model()).isEqualTo("virtio");
        assertThat(nic.mac()).isEqualTo("BC:24:11:2A:3B:4C");
        assertThat(nic.bridge()).isEqualTo("vmbr0");
        assertThat(nic.tag()).isEqualTo(OptionalInt.of(20));
        assertThat(nic.options()).containsEntry("firewall", "1");
    }

    @Test
    void a_vm_config_reads_pve8s_memory_form_and_a_nic_without_vlan() {
        var config = new VmConfig(Map.of("memory", "current=2048", "net0", "e1000=BC:24:11:00:00:01,bridge=vmbr1"));

        assertThat(config.memory()).hasValue(2048);
        assertThat(config.cores()).isEmpty();
        assertThat(config.net0().orElseThrow().tag()).isEmpty();
        assertThat(config.net0().orElseThrow().model()).isEqualTo("e1000");
        assertThat(config.net(1)).isEmpty();
    }

    @Test
    void a_task_with_warnings_counts_as_succeeded_and_an_error_text_does_not() {
        Upid upid = Upid.parse("UPID:pve1:00000001:00000002:00000003:vzdump:100:root@pam:");

        assertThat(new Task(upid, false, java.util.Optional.of("OK"), 0).succeeded()).isTrue();
        assertThat(new Task(upid, false, java.util.Optional.of("WARNINGS: 2"), 0).succeeded()).isTrue();
        assertThat(new Task(upid, false, java.util.Optional.of("job errors"), 0).succeeded()).isFalse();
        assertThat(new Task(upid, true, java.util.Optional.empty(), 0).succeeded()).isFalse();
    }
}
