/**
 * Deployments: workspaces of a deployment template (a VM at an address from NetBox, with DNS
 * names), checked before they plan, with the address reserved while planning and the DNS records
 * planned and applied with tofu's plan.
 */
package dev.baozi.orchestrator.deployment;
