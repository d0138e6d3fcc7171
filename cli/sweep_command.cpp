// `ntsim sweep`: expand a scenario, run it in parallel with progress on stderr, write the results
// directory and report the expectations.
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
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

int run_sweep(const SweepArgs& args) {
    return guarded([&] {
        const scenarios::Scenario scenario = scenarios::load_scenario(args.scenario);
        const scenarios::SweepPlan plan = scenarios::expand(scenario);
        scenarios::prepare_output_directory(args.output);
        scenarios::write_plan(args.output, plan);
        if (!args.quiet)
            std::cerr << fmt::format("{}: {} runs planned (listed in {}/runs.csv)\n", scenario.name, plan.runs.size(), args.output);

        scenarios::RunnerOptions options;
        options.solver = to_options(args.solver);
        options.threads = args.threads;
        options.record_states = args.states;
        const scenarios::SweepRunner runner(scenario);
        scenarios::Progress progress;
        std::vector<scenarios::RunOutcome> outcomes;
        {
            ProgressReporter reporter(progress, plan.runs.size(), args.quiet);
            outcomes = runner.run(plan, options, progress);
        }
        const auto summary = scenarios::summarise(scenario, plan, outcomes, options.solver.atol);
        const unsigned threads = args.threads ? args.threads : static_cast<unsigned>(tbb::info::default_concurrency());
        scenarios::write_results(args.output, scenario, plan, outcomes, summary, {ntsim_version(), threads, options},
                                 !args.no_trajectories);
        if (args.states) scenarios::write_states(args.output, plan, outcomes, runner.system().state_ids());

        std::size_t failed_runs = 0;
        for (const auto& o : outcomes) failed_runs += o.status != scenarios::RunStatus::ok;
        std::size_t failed_expectations = 0;
        if (!args.quiet) {
            for (std::size_t i = 0; i < plan.runs.size() && failed_runs; ++i)
                if (outcomes[i].status != scenarios::RunStatus::ok)
                    std::cerr << fmt::format("run {} failed: {}\n", i, outcomes[i].message);
        }
        for (const auto& r : summary.expectations) {
            failed_expectations += !r.held;
            std::cout << fmt::format("[{}] {}: {} ({} {} {:.4g}; measured {:.4g})\n", r.held ? "held" : "FAILED",
                                     r.expectation->id, r.expectation->claim, r.expectation->metric,
                                     scenarios::to_string(r.expectation->op), r.compared_with, r.measured);
        }
        std::cout << fmt::format("{} runs ({} failed), {} of {} expectations held; results in {}\n", plan.runs.size(),
                                 failed_runs, summary.expectations.size() - failed_expectations, summary.expectations.size(),
                                 args.output);
        if (args.fail_on_expectations && failed_expectations) return exit_expectation_failed;
        return 0;
    });
}

}  // namespace ntsim::cli
