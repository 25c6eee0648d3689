/**
 * A workspace's generated secrets (its template's vars generators, kept in OpenBao by the vars
 * backend): the verbs as API, generation before a plan, and delivery to the machine after an apply.
 */
package dev.baozi.orchestrator.vars;
