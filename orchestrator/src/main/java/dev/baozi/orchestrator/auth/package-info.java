/** Decides who is calling (state tokens, API tokens, the admin token, web UI logins and their sessions) and what each caller may do. */
package dev.baozi.orchestrator.auth;
