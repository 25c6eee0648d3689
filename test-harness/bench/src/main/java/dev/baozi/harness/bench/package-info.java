/** Measures the HTTP state backend's latency, throughput and memory against direct OpenBao KV v2 calls ({@code make bench}). */
package dev.baozi.harness.bench;
