/**
 * Providers: the named Proxmox VE clusters deployments live on, kept in the database with their
 * API token's secret in OpenBao, and what Baozi sees on each (nodes, VMs, which VMs it manages).
 */
package dev.baozi.orchestrator.provider;
