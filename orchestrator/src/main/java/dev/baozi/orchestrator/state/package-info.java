/** Serves the OpenTofu HTTP state backend and keeps every state, lock and state version in OpenBao. */
package dev.baozi.orchestrator.state;
