/** Baozi's orchestrator: wires configuration, database, OpenBao and the HTTP app into one process. */
package dev.baozi.orchestrator;
