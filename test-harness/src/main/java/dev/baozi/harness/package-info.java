/** Starts the real components Baozi runs against (OpenBao, NetBox, PowerDNS, PostgreSQL, Chromium, and the simulator from {@code proxmox-simulator}) for tests and {@code make run}, each child process through {@link dev.baozi.harness.ManagedProcess}. */
package dev.baozi.harness;
