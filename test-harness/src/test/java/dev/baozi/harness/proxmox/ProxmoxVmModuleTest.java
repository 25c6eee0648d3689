package dev.baozi.harness.proxmox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baozi.harness.Folders;
import dev.baozi.harness.TestStack;
import dev.baozi.harness.TofuCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tf-modules/proxmox-vm} with the real tofu and the real bpg/proxmox provider (offline mirror)
 * against the simulator: create, a plan with no changes, an update in place, a replacement, destroy.
 */
@Tag("tofu")
class ProxmoxVmModuleTest {

    private static final String ADDRESS = "module.vm.proxmox_virtual_environment_vm.vm";
    private static final String SSH_KEY =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx7u2uQyTn8+K9uB2M4tHwR3FQz4k1vYb3tq6H0p0aB ops@baozi";

    @TempDir
    Path dir;

    private ProxmoxSimulator sim;
    private TofuCli tofu;

    @BeforeEach
    void start() throws IOException {
        sim = ProxmoxSimulator.start(ProxmoxSimulator.Options.defaults().withTaskDuration(Duration.ofMillis(100)));
        Folders.copy(TestStack.repoRoot().resolve("tf-modules/proxmox-vm"), dir.resolve("proxmox-vm"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Map<String, String> env = new HashMap<>(sim.providerEnvironment(dir.resolve("proxmox-ca.pem")));
        // bpg keeps a VM id sequence file in the temp directory; one per test, so runs do not share it.
        env.put("TMPDIR", tmp.toString());
        tofu = new TofuCli(dir, env);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void a_cloned_vm_is_created_left_alone_updated_in_place_replaced_and_destroyed() throws IOException {
        writeRoot(Map.of("name", "web-1", "cores", 2, "memory_mb", 2048, "disk_gb", 10, "vlan_id", 20,
                "ssh_keys", new String[] {SSH_KEY}, "ipv4_address", "192.0.2.10/24", "ipv4_gateway", "192.0.2.1"));
        ok(tofu.run("init", "-input=false", "-no-color"));

        ok(tofu.run("apply", "-auto-approve", "-input=false", "-no-color"));
        int vmid = Integer.parseInt(output("vm_id"));
        VmView vm = sim.vm(vmid).orElseThrow();
        assertThat(vm.status()).isEqualTo("running");
        assertThat(vm.node()).isEqualTo("pve1");
        assertThat(vm.config())
                .containsEntry("name", "web-1")
                .containsEntry("cores", "2")
                .containsEntry("memory", "2048")
                .containsEntry("ciuser", "debian")
                .containsEntry("ipconfig0", "gw=192.0.2.1,ip=192.0.2.10/24")
                .containsEntry("ide2", "local-lvm:vm-" + vmid + "-cloudinit,media=cdrom");
        assertThat(vm.config().get("net0")).isEqualTo("virtio=" + output("mac_address") + ",bridge=vmbr0,firewall=0,tag=20");
        assertThat(vm.config().get("scsi0")).startsWith("local-lvm:vm-" + vmid + "-disk-0,").contains("size=10G");
        assertThat(vm.config().get("sshkeys")).isEqualTo(
                "ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIGx7u2uQyTn8%2BK9uB2M4tHwR3FQz4k1vYb3tq6H0p0aB%20ops%40baozi");
        assertThat(vm.config()).doesNotContainKey("template");

        var again = tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color");
        assertThat(again.exitCode()).as(again.output()).isZero();
        noDrift();

        writeRoot(Map.of("name", "web-1", "cores", 4, "memory_mb", 4096, "disk_gb", 10, "vlan_id", 20,
                "ssh_keys", new String[] {SSH_KEY}, "ipv4_address", "192.0.2.10/24", "ipv4_gateway", "192.0.2.1"));
        var change = tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color");
        assertThat(change.exitCode()).as(change.output()).isEqualTo(2);
        assertThat(change.output())
                .contains(ADDRESS + " will be updated in-place")
                .containsPattern("cores\\s+= 2 -> 4")
                .containsPattern("dedicated\\s+= 2048 -> 4096")
                .contains("Plan: 0 to add, 1 to change, 0 to destroy.");
        ok(tofu.run("apply", "-auto-approve", "-input=false", "-no-color"));
        VmView updated = sim.vm(vmid).orElseThrow();
        assertThat(updated.config()).containsEntry("cores", "4").containsEntry("memory", "4096");
        assertThat(updated.config().get("smbios1")).isEqualTo(vm.config().get("smbios1"));
        assertThat(updated.status()).isEqualTo("running");
        assertThat(tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color").exitCode()).isZero();
        noDrift();

        int callsBeforeReplace = sim.calls().size();
        var replace = tofu.run("apply", "-replace=" + ADDRESS, "-auto-approve", "-input=false", "-no-color");
        ok(replace);
        assertThat(replace.output()).contains("Resources: 1 added, 0 changed, 1 destroyed.");
        int newId = Integer.parseInt(output("vm_id"));
        VmView replacement = sim.vm(newId).orElseThrow();
        // PVE's /cluster/nextid hands out the lowest free id, so the replacement may get the old id back:
        // it is a new VM all the same (new SMBIOS UUID, new MAC), made by a destroy and then a clone.
        assertThat(replacement.config().get("smbios1")).isNotEqualTo(vm.config().get("smbios1"));
        assertThat(replacement.config().get("net0")).isNotEqualTo(updated.config().get("net0"));
        assertThat(sim.calls().subList(callsBeforeReplace, sim.calls().size()))
                .extracting(c -> c.method() + " " + c.route())
                .containsSubsequence("DELETE /nodes/{node}/qemu/{vmid}", "POST /nodes/{node}/qemu/{vmid}/clone");
        assertThat(sim.vms()).hasSize(2);
        assertThat(tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color").exitCode()).isZero();
        noDrift();

        ok(tofu.run("destroy", "-auto-approve", "-input=false", "-no-color"));
        assertThat(sim.vm(newId)).isEmpty();
        assertThat(sim.vms()).extracting(VmView::vmid).containsExactly(9000);
        assertThat(sim.volumes("pve1", "local-lvm")).allMatch(v -> v.vmid() == 9000);

        assertThat(sim.unknownCalls()).as("requests the simulator has no route for").isEmpty();
        var routes = new TreeSet<String>();
        sim.calls().forEach(c -> routes.add(c.method() + " " + c.route()));
        System.out.println("routes bpg/proxmox called:\n  " + String.join("\n  ", routes));
    }

    @Test
    void without_a_template_an_empty_vm_is_created_on_the_node_asked_for_and_drift_is_put_back() throws IOException {
        writeRoot(Map.of("name", "blank-1", "node", "pve2", "template_vm_id", 0, "disk_gb", 4));
        ok(tofu.run("init", "-input=false", "-no-color"));

        ok(tofu.run("apply", "-auto-approve", "-input=false", "-no-color"));

        int vmid = Integer.parseInt(output("vm_id"));
        VmView vm = sim.vm(vmid).orElseThrow();
        assertThat(vm.node()).isEqualTo("pve2");
        assertThat(vm.status()).isEqualTo("running");
        assertThat(vm.config().get("scsi0")).startsWith("local-lvm:vm-" + vmid + "-disk-0,").contains("size=4G");
        assertThat(output("node")).isEqualTo("pve2");
        var again = tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color");
        assertThat(again.exitCode()).as(again.output()).isZero();
        noDrift();

        // Someone changes the VM behind tofu's back: the refresh sees it and the apply puts it back.
        assertThat(new PveHttp(sim).put("/nodes/pve2/qemu/" + vmid + "/config", PveHttp.params("cores", "8")).status())
                .isEqualTo(200);
        var drift = tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color");
        assertThat(drift.exitCode()).as(drift.output()).isEqualTo(2);
        assertThat(drift.output()).containsPattern("cores\\s+= 8 -> 2");
        ok(tofu.run("apply", "-auto-approve", "-input=false", "-no-color"));
        assertThat(sim.vm(vmid).orElseThrow().config()).containsEntry("cores", "2");
        assertThat(tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color").exitCode()).isZero();

        ok(tofu.run("destroy", "-auto-approve", "-input=false", "-no-color"));
        assertThat(sim.vm(vmid)).isEmpty();
        assertThat(sim.unknownCalls()).isEmpty();
    }

    @Test
    void a_template_on_another_node_is_cloned_there_and_the_clone_migrated_with_its_local_disks() throws IOException {
        writeRoot(Map.of("name", "moved-1", "node", "pve2", "template_node", "pve1"));
        ok(tofu.run("init", "-input=false", "-no-color"));

        ok(tofu.run("apply", "-auto-approve", "-input=false", "-no-color"));

        int vmid = Integer.parseInt(output("vm_id"));
        VmView vm = sim.vm(vmid).orElseThrow();
        assertThat(vm.node()).isEqualTo("pve2");
        assertThat(sim.volumes("pve2", "local-lvm")).extracting(Volume::volid)
                .contains("local-lvm:vm-" + vmid + "-disk-0", "local-lvm:vm-" + vmid + "-cloudinit");
        assertThat(sim.volumes("pve1", "local-lvm")).noneMatch(v -> v.vmid() == vmid);
        assertThat(sim.calls()).extracting(c -> c.method() + " " + c.route())
                .containsSubsequence("POST /nodes/{node}/qemu/{vmid}/clone", "POST /nodes/{node}/qemu/{vmid}/migrate");
        var again = tofu.run("plan", "-detailed-exitcode", "-input=false", "-no-color");
        assertThat(again.exitCode()).as(again.output()).isZero();
        noDrift();

        ok(tofu.run("destroy", "-auto-approve", "-input=false", "-no-color"));
        assertThat(sim.vm(vmid)).isEmpty();
        assertThat(sim.unknownCalls()).isEmpty();
    }

    @Test
    void the_module_declares_the_bpg_provider_and_configures_none_itself() throws IOException {
        var json = new ObjectMapper();
        var main = json.readTree(dir.resolve("proxmox-vm/main.tf.json").toFile());
        assertThat(main.at("/terraform/required_providers/proxmox/source").asText()).isEqualTo("bpg/proxmox");
        assertThat(main.has("provider")).as("endpoint and token come from the environment").isFalse();
        String text = Files.readString(dir.resolve("proxmox-vm/main.tf.json"));
        assertThat(text).doesNotContain("api_token").doesNotContain("endpoint").doesNotContain("file_id")
                .doesNotContain("user_data_file_id");
        var variables = json.readTree(dir.resolve("proxmox-vm/variables.tf.json").toFile()).get("variable");
        assertThat(variables.get("name").has("default")).as("name is the one required input").isFalse();
    }

    private void writeRoot(Map<String, Object> inputs) throws IOException {
        var json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode module = root.putObject("module").putObject("vm");
        module.put("source", "./proxmox-vm");
        inputs.forEach((k, v) -> module.set(k, json.valueToTree(v)));
        ObjectNode outputs = root.putObject("output");
        for (String name : new String[] {"vm_id", "node", "mac_address"}) {
            outputs.putObject(name).put("value", "${module.vm." + name + "}");
        }
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("main.tf.json").toFile(), root);
    }

    /**
     * What bpg reads back after an apply is what it wrote: a refresh-only plan finds nothing to
     * record (tofu would report "Objects have changed outside of OpenTofu" otherwise).
     */
    private void noDrift() {
        var refresh = tofu.run("plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color");
        assertThat(refresh.exitCode()).as(refresh.output()).isZero();
    }

    private String output(String name) {
        var result = tofu.run("output", "-raw", name);
        ok(result);
        return result.output().strip();
    }

    private static void ok(TofuCli.Result result) {
        assertThat(result.exitCode()).as(result.output()).isZero();
    }
}
