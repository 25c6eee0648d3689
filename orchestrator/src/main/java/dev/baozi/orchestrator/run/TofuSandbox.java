package dev.baozi.orchestrator.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a tofu step runs. With bubblewrap, in a sandbox that sees only the system's programs
 * and libraries ({@code /usr}), a few files of {@code /etc} a TLS client and the resolver read,
 * the tofu binary, the provider mirror, the CLI configuration and the run's own directory
 * (read-write), with its own process, IPC and user namespaces and a fresh {@code /proc} and
 * {@code /tmp}: so a step cannot read Baozi's OpenBao files, database, configuration or another
 * run's directory, nor another process's environment. The network is shared (tofu reaches the
 * state backend, NetBox and Proxmox through it). Without bubblewrap ({@link #NONE}) tofu runs as
 * a plain child process; the orchestrator says so at start-up.
 */
public record TofuSandbox(Optional<Path> bubblewrap, List<Path> readOnly) {

    /** No sandbox: tofu runs as the orchestrator's child, seeing what the orchestrator sees. */
    public static final TofuSandbox NONE = new TofuSandbox(Optional.empty(), List.of());

    /** Files of {@code /etc} bound read-only when they exist: name resolution and TLS trust. */
    static final List<String> ETC = List.of("/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/host.conf",
            "/etc/gai.conf", "/etc/ssl", "/etc/ca-certificates", "/etc/localtime", "/etc/passwd", "/etc/group");

    public TofuSandbox {
        readOnly = List.copyOf(readOnly);
    }

    /** A bubblewrap sandbox run by {@code bwrap}, with {@code readOnly} (tofu, mirror, CLI config) visible. */
    public static TofuSandbox bubblewrap(Path bwrap, List<Path> readOnly) {
        return new TofuSandbox(Optional.of(bwrap), readOnly);
    }

    /** {@code bwrap} from the usual places or PATH; empty when the machine has none. */
    public static Optional<Path> findBubblewrap(Map<String, String> env) {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/bwrap"), Path.of("/bin/bwrap")));
        for (String dir : env.getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "bwrap"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    public boolean sandboxed() {
        return bubblewrap.isPresent();
    }

    /** The command that runs {@code tofu args…} in {@code workDir}, inside the sandbox when there is one. */
    public List<String> command(Path tofu, Path runDir, Path workDir, List<String> args) {
        List<String> command = new ArrayList<>();
        if (bubblewrap.isEmpty()) {
            command.add(tofu.toString());
            command.addAll(args);
            return command;
        }
        command.add(bubblewrap.get().toString());
        command.addAll(List.of("--unshare-all", "--share-net", "--die-with-parent", "--new-session", "--cap-drop", "ALL"));
        command.addAll(List.of("--ro-bind", "/usr", "/usr"));
        // merged-/usr systems have /bin, /lib… as links into /usr; older ones as folders
        for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path p = Path.of(top);
            if (Files.isSymbolicLink(p)) {
                try {
                    command.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("reading the link " + top, e);
                }
            } else if (Files.isDirectory(p)) {
                command.addAll(List.of("--ro-bind", top, top));
            }
        }
        command.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        for (String etc : ETC) {
            command.addAll(List.of("--ro-bind-try", etc, etc));
        }
        Map<String, Path> visible = new TreeMap<>(); // sorted and without repeats: parents before children
        visible.put(tofu.toAbsolutePath().toString(), tofu.toAbsolutePath());
        readOnly.forEach(p -> visible.put(p.toAbsolutePath().toString(), p.toAbsolutePath()));
        visible.values().forEach(p -> command.addAll(List.of("--ro-bind", p.toString(), p.toString())));
        String run = runDir.toAbsolutePath().toString();
        command.addAll(List.of("--bind", run, run, "--chdir", workDir.toAbsolutePath().toString()));
        command.add("--");
        command.add(tofu.toAbsolutePath().toString());
        command.addAll(args);
        return command;
    }
}
