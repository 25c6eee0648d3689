/**
 * Talks to Proxmox VE: a typed client of its JSON API (API-token auth, TLS verified against a CA
 * or a pinned certificate fingerprint, tasks awaited to their end), and nothing Baozi-specific.
 */
package dev.baozi.orchestrator.proxmox;
