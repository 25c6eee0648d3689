/**
 * Talks to OpenBao: transport, KV v2, transit and AppRole login, with one response model and one
 * pair of exceptions (unavailable: retry later; refused: OpenBao said no).
 */
package dev.baozi.openbao;
