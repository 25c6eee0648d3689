/**
 * A Proxmox VE API simulator: nodes, storages, VMs and tasks in memory behind PVE's JSON API over
 * TLS, faithful enough that the real bpg/proxmox provider plans, applies, refreshes and destroys VMs on it.
 */
package dev.baozi.harness.proxmox;
