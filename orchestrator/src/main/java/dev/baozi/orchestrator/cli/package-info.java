/** The {@code baozi} command-line client: the admin API from a shell, with exit codes scripts can rely on. */
package dev.baozi.orchestrator.cli;
