/** The Javalin app: the route table, who may call each route, and how errors become JSON. */
package dev.baozi.orchestrator.web;
