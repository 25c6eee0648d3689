package dev.baozi.ui.view;

import java.util.List;

/**
 * One page of the audit log, newest first, filtered by actor, action and target (empty: any) and
 * by day ({@code from} and {@code to}, {@code yyyy-MM-dd} in UTC, both included; empty: open).
 * {@code olderHref} leads to the next page (null on the last one), {@code newestHref} back to the
 * first (null on the first).
 */
public record AuditView(Chrome chrome, String actor, String action, String target, String from, String to, List<Row> rows,
                        int pageSize, String olderHref, String newestHref) {

    /** One event; {@code outcome} is one of a few words (succeeded, refused, rejected, failed), {@code code} what was stored. */
    public record Row(long id, String at, String actor, String action, String target, String outcome, String code, String detail) {}
}
