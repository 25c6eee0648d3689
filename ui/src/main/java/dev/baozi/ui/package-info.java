/** The web UI's server-side pieces: templates and static assets the orchestrator serves. */
package dev.baozi.ui;
