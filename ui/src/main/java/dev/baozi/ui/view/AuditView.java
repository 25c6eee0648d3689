package dev.baozi.ui.view;

import java.util.List;

/** The audit log, newest first, filtered by actor, action and target (empty: any). */
public record AuditView(Chrome chrome, String actor, String action, String target, List<Row> rows, int limit) {

    public record Row(long id, String at, String actor, String action, String target, String outcome, String detail) {}
}
