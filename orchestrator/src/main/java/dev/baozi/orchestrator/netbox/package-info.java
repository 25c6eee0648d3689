/** NetBox, the source of truth for addresses: a typed client, the pools deployments draw from, and the reservations Baozi makes in them. */
package dev.baozi.orchestrator.netbox;
