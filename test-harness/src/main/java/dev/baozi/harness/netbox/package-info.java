/** A real NetBox (from PyPI, on its own PostgreSQL and Redis) for tests and {@code make run}. */
package dev.baozi.harness.netbox;
