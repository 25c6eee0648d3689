package dev.baozi.harness.proxmox;

import java.util.Map;

/** A VM as a test sees it: a copy, taken under the simulator's lock. */
public record VmView(int vmid, String node, String name, String status, boolean template, String lock,
        Map<String, String> config) {}
