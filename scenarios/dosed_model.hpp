// One run of a scenario as a self-contained model: the run's region and parameter values, its
// pre-equilibrated baseline as initial values and its doses as events, so a tool that knows
// nothing of ntsim's scenarios (COPASI, libRoadRunner) reproduces the run from an SBML export.
#pragma once

#include "scenarios/runner.hpp"

namespace ntsim::scenarios {

// The model `runner` simulates for `settings`, with every input and state set to the run's
// values at time 0 (before the first dose) and one event per dose adding the dose step to the
// dosed species at its time. Compound effects stay as they are (the SBML export writes them as
// assignment rules). Throws std::runtime_error if the pre-equilibration does not converge.
models::Model dosed_model(const SweepRunner& runner, const Scenario& scenario, const RunSettings& settings,
                          const solver::SteadyStateOptions& steady = {});

}  // namespace ntsim::scenarios
