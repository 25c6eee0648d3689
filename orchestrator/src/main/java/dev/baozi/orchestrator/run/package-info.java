/**
 * Runs: queue, plan with tofu and the side plans of extensions in a pipeline of small steps, wait
 * for a person's approval, apply exactly the approved plans, and keep the logs.
 */
package dev.baozi.orchestrator.run;
