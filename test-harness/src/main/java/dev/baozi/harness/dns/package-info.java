/** A real PowerDNS authoritative server for tests and {@code make run}, and what octoDNS needs to reach it. */
package dev.baozi.harness.dns;
