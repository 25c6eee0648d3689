package dev.baozi.orchestrator.proxmox;

import java.util.Optional;

/**
 * What {@code POST /nodes/{node}/qemu/{vmid}/clone} makes: the new VM's id and name, a full copy
 * (else a linked clone, templates only), and optionally another target node and storage.
 */
public record CloneRequest(int newid, String name, boolean full, Optional<String> target, Optional<String> storage) {

    /** A full clone on the template's own node and storage. */
    public static CloneRequest full(int newid, String name) {
        return new CloneRequest(newid, name, true, Optional.empty(), Optional.empty());
    }
}
