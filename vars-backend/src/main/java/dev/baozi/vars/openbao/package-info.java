/** The few OpenBao HTTP calls the vars backend makes, behind a port the orchestrator can fill with its own session. */
package dev.baozi.vars.openbao;
