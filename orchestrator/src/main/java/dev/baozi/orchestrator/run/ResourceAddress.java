package dev.baozi.orchestrator.run;

import java.util.List;
import java.util.regex.Pattern;

/**
 * OpenTofu resource instance addresses as a run may name them for {@code -replace}: module
 * path, optional {@code data.}, type and name, each with an optional {@code [index]} or
 * {@code ["key"]}. Checked before a run is queued, so tofu gets only addresses of that form.
 */
public final class ResourceAddress {

    private static final String NAME = "[A-Za-z_][A-Za-z0-9_-]*";
    private static final String KEY = "(?:\\[(?:[0-9]+|\"(?:[^\"\\\\\\p{Cntrl}]|\\\\.)*\")])?";
    private static final Pattern ADDRESS = Pattern.compile(
            "(?:module\\." + NAME + KEY + "\\.)*(?:data\\.)?" + NAME + "\\." + NAME + KEY);

    /** At most this many addresses in one run. */
    public static final int MAX = 50;

    private ResourceAddress() {}

    public static boolean isValid(String address) {
        return address != null && address.length() <= 512 && ADDRESS.matcher(address).matches();
    }

    /** Every problem with a list of addresses to replace, each naming the address; empty when fine. */
    public static List<String> problems(List<String> addresses) {
        if (addresses.size() > MAX) {
            return List.of("replace: at most " + MAX + " addresses, got " + addresses.size());
        }
        return addresses.stream().filter(a -> !isValid(a))
                .map(a -> "replace: '" + a + "' is not a resource address (like module.vm.proxmox_virtual_environment_vm.vm"
                        + " or terraform_data.item[\"a\"])")
                .toList();
    }
}
