package dev.baozi.orchestrator.state;

/**
 * A state version's content as the store keeps it: one gzip member (RFC 1952), for a client that
 * accepts {@code Content-Encoding: gzip}. Its integrity is checked where it is decoded: gzip's
 * CRC-32 and the client's check of {@code Content-MD5} against the decoded bytes.
 */
public record CompressedState(StateVersion version, byte[] gzip) {}
