/** Loads the orchestrator's typed configuration from a file and the environment and validates it at start-up. */
package dev.baozi.orchestrator.config;
