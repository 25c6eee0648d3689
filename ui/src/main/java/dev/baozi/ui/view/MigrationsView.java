package dev.baozi.ui.view;

import java.util.List;

/** A workspace's migrations, newest first, and whether the reader may start one. */
public record MigrationsView(Chrome chrome, String workspace, String provider, boolean canMigrate, List<Row> rows) {

    public MigrationsView {
        rows = List.copyOf(rows);
    }

    public record Row(long id, Status status, String step, String from, String to, String requestedBy, String requestedAt,
                      String finishedAt) {}
}
