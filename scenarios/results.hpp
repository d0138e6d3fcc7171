// The life of a results directory: claimed for one sweep (identified by the hashes of its input
// files, its run count, shard and solver options), filled run by run through the run store,
// resumed after an interruption, split into shards and merged, and finished into result tables.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/output.hpp"
#include "scenarios/run_store.hpp"

namespace ntsim::scenarios {

struct Shard {
    std::size_t index = 0;
    std::size_t count = 1;
    bool owns(std::size_t run) const { return run % count == index; }  // round robin balances costly neighbours
};

// "K/N" with 0 <= K < N; empty text means the whole sweep.
Shard parse_shard(const std::string& text);

// What a results directory belongs to; two directories merge only if these agree (but for the shard).
struct SweepIdentity {
    nlohmann::ordered_json fields;
};

SweepIdentity identify(const Scenario& scenario, const SweepPlan& plan, const Shard& shard, const RunnerOptions& options);

// The first field in which `now` differs from `before` ("rtol was 1e-06, now 0.0001"); empty if none.
std::string difference(const SweepIdentity& before, const SweepIdentity& now);

// Marks `directory` as holding `identity`'s results. Without `resume`, earlier results there are
// removed; with it, they must belong to the same sweep (else an error says which input changed).
void claim_output_directory(const std::filesystem::path& directory, const SweepIdentity& identity, bool resume);

// The runs of `shard` not yet in `store`, ascending.
std::vector<std::size_t> runs_to_do(const SweepPlan& plan, const Shard& shard, const RunStore& store);

// A failed run as the command line reports it; runs.csv lists every run's status and message.
struct FailedRun {
    std::size_t run = 0;
    RunStatus status = RunStatus::failed;
    std::string message;
};

struct SweepReport {
    std::size_t failed_runs = 0;
    std::vector<FailedRun> first_failures;   // the first few failed runs, by index
    std::vector<ExpectationResult> expectations;
};

// Derives every result table from a complete store, streaming it run by run; throws naming missing runs.
SweepReport finish_sweep(const std::filesystem::path& directory, const Scenario& scenario, const SweepPlan& plan,
                         const RunStore& store, const RunContext& context, bool trajectories,
                         const std::vector<std::string>& state_ids);

// Combines shard directories into `output` and finishes the sweep there. Refuses shards of a
// different sweep and incomplete sets, naming what is wrong or missing. Returns the scenario file.
std::string merge_shards(const std::vector<std::filesystem::path>& shards, const std::filesystem::path& output);

}  // namespace ntsim::scenarios
