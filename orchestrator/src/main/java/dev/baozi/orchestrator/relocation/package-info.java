/**
 * Relocation: the work of a migration's steps on the clusters and in NetBox (capacity checks, the
 * target's address, the backup, the move of the VM by remote migrate or shared backup, the marker
 * that proves the disk moved, decommission and rollback), behind the {@code migration} package's port.
 */
package dev.baozi.orchestrator.relocation;
