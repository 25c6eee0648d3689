package dev.baozi.harness.proxmox;

import java.util.List;

/**
 * A route the simulator serves: method and path as PVE's API schema writes them
 * ({@code /nodes/{node}/qemu/{vmid}/config}), the parameters it accepts, and its handler, whose
 * result is sent as {@code {"data": ...}}.
 */
public record ApiRoute(String method, String path, List<Param> params, Handler handler) {

    /** Answers one call; throws {@link PveException} to refuse it as PVE would. */
    @FunctionalInterface
    public interface Handler {
        Object handle(ApiCall call);
    }
}
