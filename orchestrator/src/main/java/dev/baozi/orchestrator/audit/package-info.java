/** Records who did what and when, and lets admins read it back. */
package dev.baozi.orchestrator.audit;
