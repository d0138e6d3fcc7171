// Writing a sweep's results directory: the numbered run list (before running), tidy long-format
// trajectories, the metrics summary, divergence and EC50 tables, expectations, and a manifest.
// Every file is written to a temporary name and renamed, so a file that exists is complete.
#pragma once

#include <filesystem>
#include <memory>
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

// runs.csv before the sweep runs: every run's settings and its vehicle reference, status "pending".
void write_plan(const std::filesystem::path& directory, const SweepPlan& plan);

// Writes the tables of a finished sweep from its runs, given one at a time in run order, so it
// holds no more than one run whatever the sweep's size. Until finish() renames them into place,
// the files are written under temporary names.
class ResultsWriter {
public:
    // trajectories.csv only with `trajectories`; states.csv only when `state_ids` is not empty.
    ResultsWriter(const std::filesystem::path& directory, const Scenario& scenario, const SweepPlan& plan,
                  const RunContext& context, bool trajectories, std::vector<std::string> state_ids);
    ~ResultsWriter();

    // `outcome` holds the run's sampled trajectory (and states) if those files are written;
    // `rows` are its summary rows.
    void add(const Run& run, const RunOutcome& outcome, const std::vector<SummaryRow>& rows);

    // Writes the comparison tables and the manifest, and renames every file into place.
    void finish(const Comparisons& comparisons, std::size_t failed_runs);

private:
    struct Files;
    void write_manifest(std::size_t failed_runs);

    const Scenario& scenario_;
    const SweepPlan& plan_;
    RunContext context_;
    std::filesystem::path directory_;
    std::vector<std::string> state_ids_;
    std::unique_ptr<Files> files_;
};

// FNV-1a 64-bit of a file's bytes, as 16 hex digits: identifies model files in the manifest.
std::string file_hash(const std::filesystem::path& file);

}  // namespace ntsim::scenarios
