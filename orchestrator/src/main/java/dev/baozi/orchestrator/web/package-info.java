/**
 * The HTTP vocabulary every controller shares and no feature owns: access rules, error bodies,
 * the strict JSON mapper, session cookies, refused pages and the pages' chrome. It depends on no
 * feature. The rule for controllers: each feature owns its API and page controllers (and the
 * presenters only its pages use); {@code app} composes them into one route table.
 */
package dev.baozi.orchestrator.web;
