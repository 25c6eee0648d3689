package dev.baozi.orchestrator.run;

import java.util.List;

/**
 * Shows one kind of side plan: the run page, the API's run JSON and the CLI's {@code run show}
 * all show the {@link Table} a kind's presenter makes of its document.
 */
public interface SidePlanPresenter {

    /**
     * A side plan as shown: a title ("DNS changes"), the sentence shown when it changes nothing,
     * column names, one row per change (cells as text), notes below it, and what ticking its force
     * box means ("Force these DNS changes past octoDNS's safety thresholds").
     */
    record Table(String title, String noChanges, List<String> columns, List<List<String>> rows, List<String> notes,
            String forceLabel) {}

    String kind();

    Table table(SidePlan plan);
}
