package dev.baozi.orchestrator.state;

import java.time.Instant;

/** A workspace lock as Baozi holds it: tofu's lock info, the caller that took it, and when. */
public record HeldLock(String workspace, LockInfo info, String holder, Instant since) {}
