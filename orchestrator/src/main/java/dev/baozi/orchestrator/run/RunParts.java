package dev.baozi.orchestrator.run;

import java.time.Clock;

/** What the run pipeline's steps work with: storage, the log, the workspace port, tofu, the plan vault, settings, extensions. */
record RunParts(
        RunRepository runs,
        SidePlanRepository sidePlans,
        RunLogRepository logs,
        LogBus bus,
        RunWorkspaces workspaces,
        Tofu tofu,
        SealedPlans vault,
        RunSettings settings,
        RunCredentials credentials,
        RunSteps steps,
        SideKind.Registry kinds,
        RunCancels cancels,
        Clock clock) {}
