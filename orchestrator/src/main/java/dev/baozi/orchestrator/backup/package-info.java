/**
 * Backups: vzdump archives of deployments' VMs, made before every destroy, for a migration or on
 * request, recorded with their expiry, listed, restored into a new VM and deleted when they expire.
 */
package dev.baozi.orchestrator.backup;
