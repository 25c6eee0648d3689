/**
 * The application as one Javalin app: the route table with each route's access rule, the guard
 * that enforces those rules, and how errors become JSON or pages. It sits above every feature.
 */
package dev.baozi.orchestrator.app;
