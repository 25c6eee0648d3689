package dev.baozi.harness.proxmox;

import java.util.List;

/**
 * A storage as {@code storage.cfg} declares it: its type (PVE's plugin name), the content types it
 * takes, whether all nodes share it, and its capacity. Non-shared storages exist once per node.
 */
public record Storage(String id, String type, List<String> content, boolean shared, long totalBytes) {

    public Storage {
        content = List.copyOf(content);
    }

    public boolean holds(String contentType) {
        return content.contains(contentType);
    }

    /** The format PVE gives new images on this storage. */
    String imageFormat() {
        return type.equals("dir") || type.equals("nfs") ? "qcow2" : "raw";
    }
}
