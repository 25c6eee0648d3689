package dev.baozi.harness.netbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.Folders;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TofuCli;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tf-modules/netbox-ip} on its own with the real tofu and the (patched) e-breuninger/netbox
 * provider against NetBox 4.7: allocating from a prefix, taking over an address NetBox holds, a
 * second plan with no changes, destroy giving the address back.
 */
@Tag("tofu")
@Tag("netbox")
class NetBoxIpModuleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TofuCli tofu(Map<String, Object> inputs) throws IOException {
        Folders.copy(TestStack.repoRoot().resolve("tf-modules/netbox-ip"), dir.resolve("netbox-ip"));
        ObjectNode root = JSON.createObjectNode();
        ObjectNode module = root.putObject("module").putObject("ip");
        module.put("source", "./netbox-ip");
        inputs.forEach((k, v) -> module.set(k, JSON.valueToTree(v)));
        for (String out : List.of("address", "id")) {
            root.with("output").putObject(out).put("value", "${module.ip." + out + "}");
        }
        JSON.writeValue(dir.resolve("main.tf.json").toFile(), root);
        NetBoxServer nb = NetBoxServer.shared();
        return new TofuCli(dir, Map.of("NETBOX_SERVER_URL", nb.url().toString(), "NETBOX_API_TOKEN", nb.token(),
                "NETBOX_SKIP_VERSION_CHECK", "true"));
    }

    @Test
    void an_address_is_allocated_from_a_prefix_left_alone_by_the_next_plan_and_given_back_on_destroy() throws IOException {
        NetBoxServer nb = NetBoxServer.shared();
        long prefix = nb.createPrefix("10.60.0.0/29");
        nb.call("POST", "/api/extras/tags/", Map.of("name", "module-test", "slug", "module-test"));
        TofuCli tofu = tofu(Map.of("prefix_id", prefix, "dns_name", "mod.example.test", "description", "module test",
                "tags", List.of("module-test")));

        ok(tofu.run("init", "-input=false", "-no-color"));
        ok(tofu.run("apply", "-auto-approve", "-input=false", "-no-color"));
        String address = tofu.run("output", "-raw", "address").output().strip();
        var again = tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color");
        var inNetBox = nb.addressesIn("10.60.0.0/29");

        assertThat(address).isEqualTo("10.60.0.1/29");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(inNetBox).hasSize(1);
        assertThat(inNetBox.getFirst().path("dns_name").asText()).isEqualTo("mod.example.test");
        assertThat(inNetBox.getFirst().path("tags").findValuesAsText("slug")).containsExactly("module-test");

        ok(tofu.run("destroy", "-auto-approve", "-input=false", "-no-color"));
        assertThat(nb.addressesIn("10.60.0.0/29")).isEmpty();
    }

    @Test
    void an_address_netbox_already_holds_is_imported_and_taken_over() throws IOException {
        NetBoxServer nb = NetBoxServer.shared();
        long prefix = nb.createPrefix("10.61.0.0/29");
        var held = nb.call("POST", "/api/ipam/prefixes/" + prefix + "/available-ips/", Map.of("status", "reserved"));
        TofuCli tofu = tofu(Map.of("address", held.path("address").asText(), "dns_name", "taken.example.test"));
        var root = (ObjectNode) JSON.readTree(dir.resolve("main.tf.json").toFile());
        root.putArray("import").addObject().put("to", "module.ip.netbox_ip_address.this[0]").put("id", held.path("id").asText());
        root.putObject("terraform").putObject("required_providers").putObject("netbox").put("source", "e-breuninger/netbox");
        JSON.writeValue(dir.resolve("main.tf.json").toFile(), root);

        ok(tofu.run("init", "-input=false", "-no-color"));
        var plan = tofu.run("plan", "-input=false", "-no-color");
        ok(tofu.run("apply", "-auto-approve", "-input=false", "-no-color"));
        var now = nb.call("GET", "/api/ipam/ip-addresses/" + held.path("id").asText() + "/", null);

        assertThat(plan.output()).contains("(imported from \"" + held.path("id").asText() + "\")")
                .containsPattern("status\\s+= \"reserved\" -> \"active\"").contains("1 to import, 0 to add, 1 to change");
        assertThat(now.path("status").path("value").asText()).isEqualTo("active");
        assertThat(now.path("dns_name").asText()).isEqualTo("taken.example.test");
        assertThat(tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color").exitCode()).isZero();
    }

    private static void ok(TofuCli.Result result) {
        assertThat(result.exitCode()).as(result.output()).isZero();
    }
}
