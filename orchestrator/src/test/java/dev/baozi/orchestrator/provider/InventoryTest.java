package dev.baozi.orchestrator.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baozi.orchestrator.proxmox.Vm;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one rule for which VMs Baozi manages. */
class InventoryTest {

    private static Vm vm(String name, String... tags) {
        return new Vm(101, name, "pve1", "running", false, 2, 2L << 30, 8L << 30, 60, List.of(tags));
    }

    @Test
    void a_vm_tagged_baozi_in_any_case_is_managed() {
        assertThat(Inventory.managedByBaozi(vm("anything", "web", "baozi"), Set.of())).isTrue();
        assertThat(Inventory.managedByBaozi(vm("anything", "Baozi"), Set.of())).isTrue();
    }

    @Test
    void a_vm_named_like_a_workspace_is_managed() {
        assertThat(Inventory.managedByBaozi(vm("shop"), Set.of("shop", "blog"))).isTrue();
    }

    @Test
    void any_other_vm_is_not_managed() {
        assertThat(Inventory.managedByBaozi(vm("shop-old", "baozi-ish"), Set.of("shop"))).isFalse();
    }
}
