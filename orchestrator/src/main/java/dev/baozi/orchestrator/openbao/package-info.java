/** Holds the orchestrator's OpenBao session: AppRole login, token renewal and seal status. */
package dev.baozi.orchestrator.openbao;
