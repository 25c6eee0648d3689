package dev.baozi.ui.view;

import java.util.List;

/**
 * One workspace: its inputs, what it deployed (null unless it has a provider or state outputs),
 * runs, state (current, versions, a diff), generated files and lock.
 */
public record WorkspaceView(Chrome chrome, String name, String template, String tofuVersion, String createdBy,
                            String createdAt, List<Input> inputs, Deployment deployment, boolean canQueue, boolean admin,
                            List<RunRow> runs, Current current, List<Version> versions, Diff diff, List<File> files, Lock lock) {

    public record Input(String name, String value, boolean sensitive) {}

    /**
     * What the workspace runs on and what its state says it made: for a {@code machine} (a
     * deployment template, or a workspace with a provider) the provider, the address and VM (from
     * the template's outputs; null until applied) and the DNS names its inputs ask for; for any
     * workspace every output of the current state (sensitive ones masked).
     */
    public record Deployment(boolean machine, String provider, String address, String vm, List<String> dnsNames,
                             List<Output> outputs) {}

    public record Output(String name, String value, boolean sensitive) {}

    public record RunRow(long id, Status status, boolean destroy, String queuedBy, String queuedAt, String changes) {}

    /** The current state version with the resources it holds; null when the workspace has no state. */
    public record Current(long version, Long serial, String lineage, long size, String who, String when,
                          List<String> resources) {}

    /** One state version; {@code runId} is the run whose apply wrote it (null for other writers). */
    public record Version(long version, Long serial, String lineage, long size, String sha256, String who, String when,
                          boolean deleted, boolean current, Long runId) {}

    /** Resource addresses added, removed and changed between versions {@code from} and {@code to}. */
    public record Diff(long from, long to, List<String> added, List<String> removed, List<String> changed) {}

    public record File(String name, String content) {}

    /** Who holds the state lock; null when it is free. */
    public record Lock(String id, String operation, String who, String holder, String since) {}
}
