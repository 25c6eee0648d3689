/**
 * What each page shows, as plain records the orchestrator fills in: the templates read nothing
 * else, so a page can only show what its view hands it (no secret reaches a template by accident).
 */
package dev.baozi.ui.view;
