package dev.baozi.orchestrator.relocation;

import dev.baozi.orchestrator.migration.StepRecord;
import java.util.List;

/** A migration's timeline as recorded, oldest first: what earlier attempts of a step found and left in their details. */
@FunctionalInterface
public interface Timeline {

    List<StepRecord> of(long migrationId);
}
