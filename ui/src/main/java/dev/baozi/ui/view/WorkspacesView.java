package dev.baozi.ui.view;

import java.util.List;

/** The workspace list, filtered by {@code filter} (empty: all). */
public record WorkspacesView(Chrome chrome, String filter, List<Row> rows, int total, boolean canCreate) {

    /**
     * One workspace: its last run (null when none), who holds its state lock (null when free) and
     * its drift marker (a placeholder until drift detection exists).
     */
    public record Row(String name, String template, Long lastRunId, Status lastRunStatus, String lastRunWhen,
                      String lockedBy, String drift) {}
}
