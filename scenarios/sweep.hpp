// Expanding a scenario into its numbered runs before anything runs: the Cartesian product of the
// axes over the base run, plus the vehicle runs that fold changes are measured against.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace ntsim::scenarios {

struct Run {
    std::size_t index = 0;
    RunSettings settings;
    std::vector<std::string> labels;          // one per SweepPlan::columns, as written to outputs
    std::optional<std::size_t> vehicle;       // the run this one's fold changes are relative to
    bool added_as_reference = false;          // a vehicle run the axes did not ask for
};

struct SweepPlan {
    std::vector<std::string> columns;         // axis columns of the output tables
    std::vector<Run> runs;
};

// Throws ScenarioError (naming the scenario file) for combinations that cannot run, such as a
// compound without the requested route.
SweepPlan expand(const Scenario& scenario);

// Just the base run of the scenario (no axes, no vehicle reference): what `ntsim simulate` runs.
SweepPlan base_run(const Scenario& scenario);

}  // namespace ntsim::scenarios
