package dev.baozi.orchestrator.run;

import java.time.OffsetDateTime;

/** One line a run's step printed, already redacted. {@code seq} counts from 1 per run. */
public record LogLine(long runId, int seq, String step, OffsetDateTime at, String line) {}
