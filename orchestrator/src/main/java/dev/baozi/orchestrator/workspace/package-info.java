/** Workspaces: a template from tf-modules/, validated inputs, and the OpenTofu directory generated from them. */
package dev.baozi.orchestrator.workspace;
