/**
 * Migrations: move a deployment workspace to another provider as a resumable, reversible workflow of
 * steps, each risky one approved by a person, with each step's work behind the {@code MigrationActions} port.
 */
package dev.baozi.orchestrator.migration;
