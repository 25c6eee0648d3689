/** Generates a deployment's secrets (passwords, keys, certificates) and keeps them in OpenBao, never in state, logs or the database. */
package dev.baozi.vars;
