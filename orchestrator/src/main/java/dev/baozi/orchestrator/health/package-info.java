/** Answers whether the orchestrator is alive and whether the parts it depends on are ready. */
package dev.baozi.orchestrator.health;
