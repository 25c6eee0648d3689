package dev.baozi.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tofu that {@code make tools} built installs both providers from the offline mirror. */
@Tag("tofu")
class TofuOfflineInitTest {

    @TempDir
    Path workspace;

    @Test
    void tofu_init_installs_proxmox_and_netbox_providers_with_the_network_cut_off() throws Exception {
        var json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode providers = root.putObject("terraform").putObject("required_providers");
        providers.putObject("proxmox").put("source", "bpg/proxmox");
        providers.putObject("netbox").put("source", "e-breuninger/netbox");
        json.writerWithDefaultPrettyPrinter().writeValue(workspace.resolve("main.tf.json").toFile(), root);

        var builder = new ProcessBuilder(Tools.tofu().toString(), "init", "-input=false", "-no-color")
                .directory(workspace.toFile())
                .redirectErrorStream(true);
        var env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("TF_"));
        env.put("TF_CLI_CONFIG_FILE", Tools.tofuCliConfig().toString());
        // Any attempt to reach a registry goes to a closed port and fails.
        env.put("HTTPS_PROXY", "http://127.0.0.1:9");
        env.put("HTTP_PROXY", "http://127.0.0.1:9");
        env.put("NO_PROXY", "");
        Process tofu = builder.start();
        String output = new String(tofu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tofu.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(tofu.exitValue()).as(output).isZero();
        assertThat(output).contains("OpenTofu has been successfully initialized");
        String lock = Files.readString(workspace.resolve(".terraform.lock.hcl"));
        assertThat(lock).contains("registry.opentofu.org/bpg/proxmox").contains("registry.opentofu.org/e-breuninger/netbox");
    }
}
