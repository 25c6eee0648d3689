/** Measures the HTTP state backend's latency, throughput and memory against direct OpenBao KV v2 calls, the OpenBao calls of its layout and OpenTofu's {@code pg} backend ({@code make bench}). */
package dev.baozi.harness.bench;
