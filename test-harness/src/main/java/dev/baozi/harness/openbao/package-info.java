/** Runs a real OpenBao server and sets it up the way the orchestrator expects: mounts, policy, AppRole. */
package dev.baozi.harness.openbao;
