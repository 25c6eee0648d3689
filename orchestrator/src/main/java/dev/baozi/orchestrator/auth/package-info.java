/** Decides who is calling (state tokens, the admin token) and what each caller may do. */
package dev.baozi.orchestrator.auth;
