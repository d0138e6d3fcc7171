// Writing a sweep's results directory: the numbered run list (before running), tidy long-format
// trajectories, the metrics summary, divergence and EC50 tables, expectations, and a manifest.
// Every file is written to a temporary name and renamed, so a file that exists is complete.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "scenarios/summary.hpp"

namespace ntsim::scenarios {

struct RunContext {
    std::string ntsim_version;
    unsigned threads = 0;
    RunnerOptions options;
};

// Checks the directory can be created and written, before anything runs.
void prepare_output_directory(const std::filesystem::path& directory);

// runs.csv: every run's settings, its vehicle reference, and its status and message: "pending"
// before the sweep runs, rewritten with the outcomes (indexed by run) when it has finished.
void write_plan(const std::filesystem::path& directory, const SweepPlan& plan, const std::vector<RunOutcome>& outcomes = {});

// The full record of one run (with its sampled trajectory): from memory or from a run store.
using OutcomeSource = std::function<RunOutcome(std::size_t run)>;

// Writes every table. `outcomes` may be compact (metrics only); trajectories.csv (and states.csv
// when `state_ids` is not empty) are streamed run by run from `full`.
void write_results(const std::filesystem::path& directory, const Scenario& scenario, const SweepPlan& plan,
                   const std::vector<RunOutcome>& outcomes, const Summary& summary, const RunContext& context,
                   const OutcomeSource& full, bool trajectories, const std::vector<std::string>& state_ids);

// FNV-1a 64-bit of a file's bytes, as 16 hex digits: identifies model files in the manifest.
std::string file_hash(const std::filesystem::path& file);

}  // namespace ntsim::scenarios
