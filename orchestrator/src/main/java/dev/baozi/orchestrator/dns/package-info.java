/**
 * Managed DNS zones: deployments' records written as octoDNS zone files, planned with a dry run of
 * {@code octodns-sync} and applied only under the checksum of the plan a person approved.
 */
package dev.baozi.orchestrator.dns;
