package dev.baozi.orchestrator.proxmox;

import java.util.List;

/**
 * A storage as a node sees it ({@code GET /nodes/{node}/storage} or {@code …/storage/{storage}/status}):
 * its type ({@code dir}, {@code lvmthin}, {@code zfspool}, {@code pbs}, …), the content kinds it holds
 * ({@code images}, {@code backup}, {@code iso}, …), and sizes in bytes.
 */
public record Storage(String storage, String type, List<String> content, boolean active, boolean enabled, boolean shared,
        long total, long used, long avail) {

    public Storage {
        content = List.copyOf(content);
    }
}
