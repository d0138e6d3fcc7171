// Results directories: identity file, resume checks, shard bookkeeping, finishing and merging.
#include "scenarios/results.hpp"

#include <fstream>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace ntsim::scenarios {

namespace fs = std::filesystem;

namespace {

constexpr const char* identity_file = "sweep.json";
constexpr std::size_t missing_runs_listed = 10;
constexpr std::size_t failures_listed = 10;  // on the terminal; runs.csv has them all

nlohmann::ordered_json read_identity(const fs::path& directory) {
    std::ifstream in(directory / identity_file);
    if (!in) throw std::invalid_argument(fmt::format("'{}' holds no sweep (no {})", directory.string(), identity_file));
    try {
        return nlohmann::ordered_json::parse(in);
    } catch (const std::exception& e) {
        throw std::invalid_argument(fmt::format("'{}': unreadable {}: {}", directory.string(), identity_file, e.what()));
    }
}

void write_identity(const fs::path& directory, const SweepIdentity& identity) {
    const fs::path part = directory / (std::string(identity_file) + ".part");
    {
        std::ofstream out(part);
        out << identity.fields.dump(1) << '\n';
        if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", part.string()));
    }
    fs::rename(part, directory / identity_file);
}

// The first field in which two identities differ, ignoring `ignored`; empty when they agree.
std::string first_difference(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b, const std::set<std::string>& ignored) {
    for (const auto& [key, value] : a.items()) {
        if (ignored.count(key)) continue;
        if (!b.contains(key) || b.at(key) != value)
            return fmt::format("{} was {}, now {}", key, value.dump(), b.contains(key) ? b.at(key).dump() : "absent");
    }
    for (const auto& [key, value] : b.items())
        if (!ignored.count(key) && !a.contains(key)) return fmt::format("{} is new", key);
    return {};
}

std::string list_runs(const std::vector<std::size_t>& runs) {
    std::string text;
    for (std::size_t i = 0; i < std::min(runs.size(), missing_runs_listed); ++i) text += (i ? ", " : "") + std::to_string(runs[i]);
    if (runs.size() > missing_runs_listed) text += fmt::format(", ... ({} in all)", runs.size());
    return text;
}

}  // namespace

Shard parse_shard(const std::string& text) {
    if (text.empty()) return {};
    const auto slash = text.find('/');
    std::size_t index = 0, count = 0;
    try {
        if (slash == std::string::npos) throw std::invalid_argument("");
        std::size_t used = 0;
        index = std::stoul(text.substr(0, slash), &used);
        if (used != slash) throw std::invalid_argument("");
        count = std::stoul(text.substr(slash + 1), &used);
        if (used != text.size() - slash - 1) throw std::invalid_argument("");
    } catch (const std::exception&) {
        throw std::invalid_argument(fmt::format("--shard expects K/N (e.g. 0/4), got '{}'", text));
    }
    if (count == 0 || index >= count)
        throw std::invalid_argument(fmt::format("--shard {}: K must be from 0 to N-1", text));
    return {index, count};
}

SweepIdentity identify(const Scenario& scenario, const SweepPlan& plan, const Shard& shard, const RunnerOptions& options) {
    SweepIdentity id;
    auto& f = id.fields;
    f["scenario_file"] = fs::absolute(scenario.file).lexically_normal().string();
    f["scenario_hash"] = file_hash(scenario.file);
    for (const auto& file : scenario.model.files) f["model_hashes"].push_back(file_hash(file));
    for (const auto& [name, region] : scenario.regions) f["region_hashes"][name] = file_hash(region.file);
    f["runs"] = plan.size();
    f["shard_count"] = shard.count;
    f["shard_index"] = shard.index;
    f["rtol"] = options.solver.rtol;
    f["atol"] = options.solver.atol;
    f["max_steps"] = options.solver.max_steps;
    f["max_run_steps"] = options.solver.max_run_steps;
    f["max_run_seconds"] = options.solver.max_run_seconds;
    f["check_negative_states"] = options.solver.check_negative_states;
    f["linear_solver"] = solver::to_string(options.solver.linear_solver);
    f["trajectories"] = options.keep_trajectories;
    f["states"] = options.record_states;
    return id;
}

std::string difference(const SweepIdentity& before, const SweepIdentity& now) {
    return first_difference(before.fields, now.fields, {});
}

void claim_output_directory(const fs::path& directory, const SweepIdentity& identity, bool resume) {
    const bool earlier = fs::exists(directory / identity_file);
    if (resume && earlier) {
        const auto before = read_identity(directory);
        const std::string difference = first_difference(before, identity.fields, {});
        if (!difference.empty())
            throw std::invalid_argument(fmt::format("cannot resume the sweep in '{}': its inputs changed ({}); "
                                                    "run without --resume to start over", directory.string(), difference));
        return;
    }
    // A fresh sweep: clear what an earlier one left, so nothing stale is mixed in.
    for (const char* stale : {"runs.store", "runs.csv", "trajectories.csv", "summary.csv", "divergence.csv", "ec50.csv",
                              "expectations.csv", "manifest.json", "states.csv", identity_file})
        fs::remove(directory / stale);
    write_identity(directory, identity);
}

std::vector<std::size_t> runs_to_do(const SweepPlan& plan, const Shard& shard, const RunStore& store) {
    std::vector<std::size_t> todo;
    for (std::size_t run = 0; run < plan.size(); ++run)
        if (shard.owns(run) && !store.has(run)) todo.push_back(run);
    return todo;
}

SweepReport finish_sweep(const fs::path& directory, const Scenario& scenario, const SweepPlan& plan, const RunStore& store,
                         const RunContext& context, bool trajectories, const std::vector<std::string>& state_ids) {
    std::vector<std::size_t> missing;
    for (std::size_t run = 0; run < plan.size(); ++run)
        if (!store.has(run)) missing.push_back(run);
    if (!missing.empty())
        throw std::invalid_argument(fmt::format("'{}' lacks {} of {} runs ({}); finish them with --resume",
                                                directory.string(), missing.size(), plan.size(), list_runs(missing)));
    Summariser summariser(scenario, plan, context.options.solver.atol);
    ResultsWriter writer(directory, scenario, plan, context, trajectories, state_ids);
    SweepReport report;
    // Treated runs sharing a vehicle run mostly come in a row, so keeping the last one read saves re-reading it.
    std::optional<std::size_t> vehicle_run;
    RunOutcome vehicle;
    for (std::size_t index = 0; index < plan.size(); ++index) {
        const Run run = plan.run(index);
        const RunOutcome outcome = store.read(index);
        if (run.vehicle && run.vehicle != vehicle_run) {
            vehicle = store.read(*run.vehicle);
            vehicle_run = run.vehicle;
        }
        writer.add(run, outcome, summariser.add(run, outcome, run.vehicle ? vehicle : outcome));
        if (outcome.status == RunStatus::ok) continue;
        if (++report.failed_runs <= failures_listed) report.first_failures.push_back({index, outcome.status, outcome.message});
    }
    Comparisons comparisons = summariser.finish();
    writer.finish(comparisons, report.failed_runs);
    report.expectations = std::move(comparisons.expectations);
    return report;
}

std::string merge_shards(const std::vector<fs::path>& shards, const fs::path& output) {
    if (shards.empty()) throw std::invalid_argument("ntsim merge: no shard directories given");
    const auto first = read_identity(shards.front());
    const std::size_t count = first.at("shard_count").get<std::size_t>();
    std::vector<fs::path> by_index(count);
    for (const auto& dir : shards) {
        const auto id = read_identity(dir);
        const std::string difference = first_difference(first, id, {"shard_index"});
        if (!difference.empty())
            throw std::invalid_argument(fmt::format("'{}' is a shard of a different sweep than '{}' ({})", dir.string(),
                                                    shards.front().string(), difference));
        const std::size_t index = id.at("shard_index").get<std::size_t>();
        if (index >= count) throw std::invalid_argument(fmt::format("'{}': shard index {} out of range", dir.string(), index));
        if (!by_index[index].empty())
            throw std::invalid_argument(fmt::format("shard {}/{} given twice: '{}' and '{}'", index, count,
                                                    by_index[index].string(), dir.string()));
        by_index[index] = dir;
    }
    std::vector<std::size_t> absent;
    for (std::size_t k = 0; k < count; ++k)
        if (by_index[k].empty()) absent.push_back(k);
    if (!absent.empty()) {
        std::string names;
        for (std::size_t k : absent) names += (names.empty() ? "" : ", ") + fmt::format("{}/{}", k, count);
        throw std::invalid_argument(fmt::format("incomplete set of shards: missing {}", names));
    }
    // An unfinished shard is named here, where resuming it is the remedy; the merged directory
    // would only know that runs are missing.
    const std::size_t runs = first.at("runs").get<std::size_t>();
    std::string unfinished;
    for (std::size_t k = 0; k < count; ++k) {
        const RunStore store(by_index[k]);
        const Shard shard{k, count};
        std::vector<std::size_t> missing;
        std::size_t owned = 0;
        for (std::size_t run = 0; run < runs; ++run) {
            if (!shard.owns(run)) continue;
            ++owned;
            if (!store.has(run)) missing.push_back(run);
        }
        if (!missing.empty())
            unfinished += fmt::format("{}shard {}/{} in '{}' lacks {} of its {} runs ({})", unfinished.empty() ? "" : "; ", k, count,
                                      by_index[k].string(), missing.size(), owned, list_runs(missing));
    }
    if (!unfinished.empty())
        throw std::invalid_argument(fmt::format("unfinished shards: {}; finish each with ntsim sweep SCENARIO -o DIR "
                                                "--shard K/N --resume", unfinished));
    prepare_output_directory(output);
    SweepIdentity merged{first};
    merged.fields["shard_count"] = 1;
    merged.fields["shard_index"] = 0;
    claim_output_directory(output, merged, false);
    RunStore store(output);
    for (const auto& dir : by_index) store.absorb(RunStore(dir));
    return first.at("scenario_file").get<std::string>();
}

}  // namespace ntsim::scenarios
