/** Gets a deployment's secrets to its machine without tofu state: a read policy per deployment and a short-lived, single-use, response-wrapped token. */
package dev.baozi.vars.delivery;
