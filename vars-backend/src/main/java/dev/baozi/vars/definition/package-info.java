/** What a template declares about its secrets: generators, their kinds and files, prompts and dependencies, checked when loaded. */
package dev.baozi.vars.definition;
