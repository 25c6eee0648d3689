/**
 * The web UI's pages: server-rendered with the {@code ui} module's templates, logged in with a
 * session cookie, every form carrying the session's CSRF token, and the same role rules as the API.
 */
package dev.baozi.orchestrator.ui;
