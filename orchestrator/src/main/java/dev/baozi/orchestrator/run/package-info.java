/** Runs: queue, plan with tofu, wait for a person's approval, apply exactly the approved plan, and keep the logs. */
package dev.baozi.orchestrator.run;
