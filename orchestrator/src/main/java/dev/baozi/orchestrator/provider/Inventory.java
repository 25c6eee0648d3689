package dev.baozi.orchestrator.provider;

import dev.baozi.orchestrator.proxmox.ProxmoxNode;
import dev.baozi.orchestrator.proxmox.Vm;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** What a provider's cluster holds now: its nodes, and its VMs each marked with whether Baozi manages it. */
public record Inventory(String provider, List<ProxmoxNode> nodes, List<ManagedVm> vms) {

    public Inventory {
        nodes = List.copyOf(nodes);
        vms = List.copyOf(vms);
    }

    /** A VM and whether Baozi manages it ({@link #managedByBaozi}). */
    public record ManagedVm(Vm vm, boolean managed) {}

    /** The tag that marks a VM as Baozi's. */
    public static final String TAG = "baozi";

    /**
     * The one rule for "Baozi manages this VM", for now: the VM carries the tag {@value #TAG} (in
     * any case), or its name is the name of a workspace. Later, when workspaces record the VMs they
     * made, this becomes "a workspace's state holds this vmid".
     */
    public static boolean managedByBaozi(Vm vm, Set<String> workspaceNames) {
        return vm.tags().stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).equals(TAG)) || workspaceNames.contains(vm.name());
    }

    static Inventory of(String provider, List<ProxmoxNode> nodes, List<Vm> vms, Set<String> workspaceNames) {
        return new Inventory(provider, nodes, vms.stream().map(v -> new ManagedVm(v, managedByBaozi(v, workspaceNames))).toList());
    }
}
