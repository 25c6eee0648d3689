package dev.baozi.orchestrator.proxmox;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One volume in a storage ({@code GET /nodes/{node}/storage/{storage}/content}): its volume id
 * ({@code local:backup/vzdump-qemu-100-….vma.zst}), content kind, format, size in bytes, the VM it
 * belongs to, when it was made (epoch seconds), and its notes.
 */
public record StorageVolume(String volid, String content, String format, long size, OptionalInt vmid, long ctime,
        Optional<String> notes) {}
