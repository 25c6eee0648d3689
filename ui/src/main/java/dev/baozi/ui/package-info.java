/**
 * The web UI's server-side pieces: compiled templates ({@link dev.baozi.ui.Pages}), the views they
 * read, and the static assets the orchestrator serves.
 */
package dev.baozi.ui;
