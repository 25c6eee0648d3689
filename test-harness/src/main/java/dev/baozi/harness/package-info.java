/** Starts the real components Baozi runs against (OpenBao now; NetBox, PowerDNS, a Proxmox simulator later) for tests and {@code make run}. */
package dev.baozi.harness;
