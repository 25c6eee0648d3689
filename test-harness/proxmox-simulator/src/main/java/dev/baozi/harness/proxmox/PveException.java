package dev.baozi.harness.proxmox;

import java.util.Map;
import java.util.TreeMap;

/**
 * A refusal as PVE answers it: an HTTP status, the message (PVE's reason phrase, also in the body)
 * and, for parameter errors, one message per parameter.
 */
public final class PveException extends RuntimeException {

    private final int status;
    private final Map<String, String> errors;

    public PveException(int status, String message, Map<String, String> errors) {
        super(message);
        this.status = status;
        this.errors = Map.copyOf(errors);
    }

    public PveException(int status, String message) {
        this(status, message, Map.of());
    }

    /** PVE's 400 "Parameter verification failed." with one message per parameter. */
    public static PveException parameters(Map<String, String> errors) {
        return new PveException(400, "Parameter verification failed.", new TreeMap<>(errors));
    }

    public static PveException parameter(String name, String message) {
        return parameters(Map.of(name, message));
    }

    /** PVE's 500 with a plain message (PVE answers most refusals of a handler this way). */
    public static PveException failure(String message) {
        return new PveException(500, message);
    }

    /** What PVE says about a VM with no configuration file on that node. */
    public static PveException noVm(String node, int vmid) {
        return failure("Configuration file 'nodes/" + node + "/qemu-server/" + vmid + ".conf' does not exist");
    }

    public int status() {
        return status;
    }

    public Map<String, String> errors() {
        return errors;
    }
}
