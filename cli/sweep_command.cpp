// `ntsim sweep`: expand a scenario, run it in parallel with progress on stderr, write the results
// directory and report the expectations.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <tbb/info.h>
#include <unistd.h>

#include "cli/commands.hpp"
#include "scenarios/scenarios.hpp"

namespace ntsim::cli {

namespace {

constexpr int exit_expectation_failed = 3;

// Prints progress from its own thread until stopped: a redrawn bar on a terminal, a plain line
// every few seconds otherwise.
class ProgressReporter {
public:
    ProgressReporter(const scenarios::Progress& progress, std::size_t total, bool quiet)
        : progress_(progress), total_(total), terminal_(isatty(STDERR_FILENO) != 0) {
        if (!quiet) thread_ = std::thread([this] { loop(); });
    }
    ~ProgressReporter() { stop(); }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) {
            thread_.join();
            print(true);
        }
    }

private:
    void loop() {
        std::unique_lock lock(mutex_);
        const auto period = terminal_ ? std::chrono::milliseconds(200) : std::chrono::seconds(5);
        while (!wake_.wait_for(lock, period, [this] { return stopping_; })) print(false);
    }

    void print(bool last) {
        const std::size_t done = progress_.done.load(), failed = progress_.failed.load();
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        const double rate = elapsed > 0 ? done / elapsed : 0.0;
        const double eta = rate > 0 ? (total_ - done) / rate : 0.0;
        if (terminal_) {
            constexpr int width = 30;
            const int filled = total_ ? static_cast<int>(width * done / total_) : width;
            std::cerr << fmt::format("\r[{}{}] {}/{} runs, {} failed, {:.1f} runs/s, ETA {:.0f} s   ",
                                     std::string(filled, '#'), std::string(width - filled, '.'), done, total_, failed, rate, eta);
            if (last) std::cerr << '\n';
        } else {
            std::cerr << fmt::format("progress: {}/{} runs, {} failed, {:.1f} runs/s, ETA {:.0f} s\n", done, total_, failed, rate, eta);
        }
    }

    const scenarios::Progress& progress_;
    std::size_t total_;
    bool terminal_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace

int print_report(const scenarios::SweepReport& report, const scenarios::SweepPlan& plan, const std::string& output, bool quiet,
                 bool fail_on_expectations) {
    std::size_t failed_runs = 0;
    for (std::size_t i = 0; i < report.outcomes.size(); ++i) {
        if (report.outcomes[i].status == scenarios::RunStatus::ok) continue;
        ++failed_runs;
        if (!quiet) std::cerr << fmt::format("run {} failed ({}): {}\n", i, scenarios::to_string(report.outcomes[i].status), report.outcomes[i].message);
    }
    std::size_t failed_expectations = 0;
    for (const auto& r : report.summary.expectations) {
        failed_expectations += !r.held;
        std::cout << fmt::format("[{}] {}: {} ({} {} {:.4g}; measured {:.4g})\n", r.held ? "held" : "FAILED", r.expectation->id,
                                 r.expectation->claim, r.expectation->metric, scenarios::to_string(r.expectation->op),
                                 r.compared_with, r.measured);
    }
    std::cout << fmt::format("{} runs ({} failed), {} of {} expectations held; results in {}\n", plan.runs.size(), failed_runs,
                             report.summary.expectations.size() - failed_expectations, report.summary.expectations.size(), output);
    return fail_on_expectations && failed_expectations ? exit_expectation_failed : 0;
}

int run_merge(const MergeArgs& args) {
    return guarded([&] {
        std::vector<std::filesystem::path> shards(args.shards.begin(), args.shards.end());
        const std::string scenario_file = scenarios::merge_shards(shards, args.output);
        const scenarios::Scenario scenario = scenarios::load_scenario(scenario_file);
        const scenarios::SweepPlan plan = scenarios::expand(scenario);
        scenarios::write_plan(args.output, plan);
        const scenarios::RunStore store(args.output);
        const auto identity = nlohmann::json::parse(std::ifstream(std::filesystem::path(args.output) / "sweep.json"));
        scenarios::RunnerOptions options;
        options.solver.rtol = identity.at("rtol").get<double>();
        options.solver.atol = identity.at("atol").get<double>();
        options.solver.max_steps = identity.at("max_steps").get<long>();
        options.solver.max_run_steps = identity.at("max_run_steps").get<long>();
        options.solver.max_run_seconds = identity.at("max_run_seconds").get<double>();
        options.solver.check_negative_states = identity.at("check_negative_states").get<bool>();
        options.keep_trajectories = identity.at("trajectories").get<bool>();
        std::vector<std::string> state_ids;
        if (identity.at("states").get<bool>()) state_ids = scenarios::SweepRunner(scenario).system().state_ids();
        const auto report = scenarios::finish_sweep(args.output, scenario, plan, store, {ntsim_version(), 0, options},
                                                    options.keep_trajectories, state_ids);
        return print_report(report, plan, args.output, args.quiet, false);
    });
}

int run_sweep(const SweepArgs& args) {
    return guarded([&] {
        const scenarios::Scenario scenario = scenarios::load_scenario(args.scenario);
        const scenarios::SweepPlan plan = scenarios::expand(scenario);
        const auto shard = scenarios::parse_shard(args.shard);
        scenarios::RunnerOptions options;
        options.solver = to_options(args.solver);
        options.threads = args.threads;
        options.keep_trajectories = !args.no_trajectories;
        options.record_states = args.states;
        scenarios::prepare_output_directory(args.output);
        scenarios::claim_output_directory(args.output, scenarios::identify(scenario, plan, shard, options), args.resume);
        scenarios::write_plan(args.output, plan);

        scenarios::RunStore store(args.output);
        const auto todo = scenarios::runs_to_do(plan, shard, store);
        if (!args.quiet)
            std::cerr << fmt::format("{}: {} runs planned (listed in {}/runs.csv){}; {} to run\n", scenario.name, plan.runs.size(),
                                     args.output, shard.count > 1 ? fmt::format(", shard {}/{}", shard.index, shard.count) : "",
                                     todo.size());

        const scenarios::SweepRunner runner(scenario);
        scenarios::Progress progress;
        {
            ProgressReporter reporter(progress, todo.size(), args.quiet);
            runner.run(plan, todo, options, progress, [&](std::vector<scenarios::RunOutcome>&& finished) { store.append(finished); });
        }
        if (shard.count > 1) {
            std::cout << fmt::format("shard {}/{}: {} runs stored in {}; combine the shards with ntsim merge\n", shard.index,
                                     shard.count, store.count(), args.output);
            return 0;
        }
        const unsigned threads = args.threads ? args.threads : static_cast<unsigned>(tbb::info::default_concurrency());
        const auto report = scenarios::finish_sweep(args.output, scenario, plan, store, {ntsim_version(), threads, options},
                                                    !args.no_trajectories, args.states ? runner.system().state_ids()
                                                                                       : std::vector<std::string>{});
        return print_report(report, plan, args.output, args.quiet, args.fail_on_expectations);
    });
}

}  // namespace ntsim::cli
