/** Makes a generator's files from its kind, its prompts and its dependencies' files: random values, key pairs, certificates, scripts. */
package dev.baozi.vars.generate;
