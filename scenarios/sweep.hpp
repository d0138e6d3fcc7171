// Expanding a scenario into its numbered runs before anything runs: the Cartesian product of the
// axes over the base run, plus the vehicle runs that fold changes are measured against.
#pragma once

#include <optional>
#include <span>
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

// The numbered runs of a sweep. It holds two numbers per run and builds a run's settings and labels
// when asked, so a sweep of a million runs needs megabytes, not the gigabyte its settings would take.
// It refers to the scenario it was made from, which must outlive it.
class SweepPlan {
public:
    std::vector<std::string> columns;         // axis columns of the output tables

    std::size_t size() const { return runs_.size(); }
    Run run(std::size_t index) const;

    // The position of run `index` on scenario axis `axis` (an added reference: that of the run it was added for).
    std::size_t position(std::size_t index, std::size_t axis) const;

    // The run at the same positions as run `index` but `position` on axis `axis`: how runs that differ
    // only in region or dose are paired. None for an added reference, and for a vehicle combination
    // that shares an earlier vehicle run.
    std::optional<std::size_t> sibling(std::size_t index, std::size_t axis, std::size_t position) const;

private:
    friend SweepPlan expand(const Scenario& scenario);
    friend SweepPlan base_run(const Scenario& scenario);

    struct PlannedRun {
        std::size_t combination;              // odometer number of its axis positions
        std::size_t vehicle;                  // run index, or no_vehicle
    };
    static constexpr std::size_t no_vehicle = static_cast<std::size_t>(-1);

    SweepPlan(const Scenario& scenario, std::span<const Axis> axes);
    std::size_t position_in(std::size_t combination, std::size_t axis) const;
    Run combination_run(std::size_t combination) const;

    const Scenario* scenario_;
    std::span<const Axis> axes_;              // the scenario's axes, or none for its base run
    std::vector<PlannedRun> runs_;
    std::size_t combination_runs_ = 0;        // runs_ up to here are axis combinations in ascending order;
                                              // after them come the added vehicle references
};

// Throws ScenarioError (naming the scenario file) for combinations that cannot run, such as a
// compound without the requested route.
SweepPlan expand(const Scenario& scenario);
SweepPlan expand(const Scenario&& scenario) = delete;  // the plan would outlive the scenario it refers to

// Just the base run of the scenario (no axes, no vehicle reference): what `ntsim simulate` runs.
SweepPlan base_run(const Scenario& scenario);
SweepPlan base_run(const Scenario&& scenario) = delete;

}  // namespace ntsim::scenarios
