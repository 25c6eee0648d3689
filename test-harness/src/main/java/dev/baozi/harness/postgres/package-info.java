/** Runs a throwaway PostgreSQL cluster (the distribution's own binaries, as the {@code postgres} OS user when we are root) for tests against real PostgreSQL. */
package dev.baozi.harness.postgres;
