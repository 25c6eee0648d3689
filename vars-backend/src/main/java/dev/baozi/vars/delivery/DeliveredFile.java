package dev.baozi.vars.delivery;

import dev.baozi.vars.definition.GeneratorName;

/** One file the machine fetches: its KV path (under the mount) and the committed version to read. Not secret. */
public record DeliveredFile(GeneratorName generator, String file, String path, long version) {}
