/** Opens the orchestrator's database (H2 or PostgreSQL), migrates it with Flyway and hands out jOOQ contexts. */
package dev.baozi.orchestrator.db;
