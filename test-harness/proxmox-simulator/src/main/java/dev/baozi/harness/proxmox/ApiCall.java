package dev.baozi.harness.proxmox;

import java.util.Map;
import java.util.Optional;

/**
 * One request to a route, its parameters checked against the route's declared ones: path parameters
 * and query or form parameters in one map (as PVE merges them), booleans already {@code 1}/{@code 0}.
 */
public record ApiCall(Map<String, String> params, String user) {

    public String node() {
        return required("node");
    }

    public int vmid() {
        return Integer.parseInt(required("vmid"));
    }

    public String required(String name) {
        String v = params.get(name);
        if (v == null) {
            throw PveException.parameter(name, "property is missing and it is not optional");
        }
        return v;
    }

    public Optional<String> optional(String name) {
        return Optional.ofNullable(params.get(name));
    }

    public boolean flag(String name) {
        return "1".equals(params.get(name));
    }
}
