// `ntsim sweep`: expand a scenario, run it in parallel (on one process, or across MPI ranks when an
// MPI launcher started it) with progress on stderr, write the results directory and report the
// expectations; `ntsim merge` of shards.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
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


int print_report(const scenarios::SweepReport& report, const scenarios::SweepPlan& plan, const std::string& output, bool quiet,
                 bool fail_on_expectations) {
    if (!quiet) {
        for (const auto& f : report.first_failures)
            std::cerr << fmt::format("run {} failed ({}): {}\n", f.run, scenarios::to_string(f.status), f.message);
        if (report.failed_runs > report.first_failures.size())
            std::cerr << fmt::format("... and {} more failed runs; {}/runs.csv gives each one's status and message\n",
                                     report.failed_runs - report.first_failures.size(), output);
    }
    std::size_t failed_expectations = 0;
    for (const auto& r : report.expectations) {
        failed_expectations += !r.held;
        std::cout << fmt::format("[{}] {}: {} ({} {} {:.4g}; measured {:.4g})\n", r.held ? "held" : "FAILED", r.expectation->id,
                                 r.expectation->claim, r.expectation->metric, scenarios::to_string(r.expectation->op),
                                 r.compared_with, r.measured);
    }
    std::cout << fmt::format("{} runs ({} failed), {} of {} expectations held; results in {}\n", plan.size(), report.failed_runs,
                             report.expectations.size() - failed_expectations, report.expectations.size(), output);
    return fail_on_expectations && failed_expectations ? exit_expectation_failed : 0;
}

// How an MPI launcher started this process, read from the variables it sets: Open MPI's mpirun
// (OMPI_COMM_WORLD_*), MPICH's mpiexec and Slurm's PMI-2 (PMI_*), PMIx launchers such as
// srun --mpi=pmix (PMIX_RANK; they set no size variable).
struct MpiLaunch {
    bool launched = false;  // by a launcher, perhaps as its only process
    bool several = false;   // as one of several processes, as far as the variables tell
};

MpiLaunch mpi_launch() {
    auto number = [](std::initializer_list<const char*> names) -> std::optional<long> {
        for (const char* name : names)
            if (const char* text = std::getenv(name)) return std::strtol(text, nullptr, 10);
        return std::nullopt;
    };
    const auto size = number({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"});
    const auto rank = number({"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"});
    return {size || rank, size.value_or(1) > 1 || rank.value_or(0) > 0};
}

// The sweep `args` asks for, loaded and compiled; every process of an MPI job builds its own.
struct SweepSetup {
    explicit SweepSetup(const SweepArgs& args)
        : scenario(scenarios::load_scenario(args.scenario)),
          plan(scenarios::expand(scenario)),
          shard(scenarios::parse_shard(args.shard)),
          options(runner_options(args)),
          identity(scenarios::identify(scenario, plan, shard, options)),
          threads(args.threads ? args.threads : static_cast<unsigned>(tbb::info::default_concurrency())),
          runner(scenario) {}
    SweepSetup(const SweepSetup&) = delete;  // `runner` refers to `scenario`
    SweepSetup& operator=(const SweepSetup&) = delete;

    static scenarios::RunnerOptions runner_options(const SweepArgs& args) {
        scenarios::RunnerOptions options;
        options.solver = to_options(args.solver);
        options.threads = args.threads;
        options.keep_trajectories = !args.no_trajectories;
        options.record_states = args.states;
        return options;
    }

    const scenarios::Scenario scenario;
    const scenarios::SweepPlan plan;
    const scenarios::Shard shard;
    const scenarios::RunnerOptions options;
    const scenarios::SweepIdentity identity;
    const unsigned threads;
    const scenarios::SweepRunner runner;
};

// Claims the results directory for the sweep and opens its run store (one process, or MPI rank 0).
scenarios::RunStore open_results(const SweepArgs& args, const SweepSetup& setup) {
    scenarios::prepare_output_directory(args.output);
    scenarios::claim_output_directory(args.output, setup.identity, args.resume);
    scenarios::write_plan(args.output, setup.plan);
    return scenarios::RunStore(args.output);
}

void announce(const SweepArgs& args, const SweepSetup& setup, std::size_t todo, int processes) {
    if (args.quiet) return;
    std::cerr << fmt::format("{}: {} runs planned (listed in {}/runs.csv){}; {} to run{}\n", setup.scenario.name,
                             setup.plan.size(), args.output,
                             setup.shard.count > 1 ? fmt::format(", shard {}/{}", setup.shard.index, setup.shard.count) : "",
                             todo, processes > 1 ? fmt::format(" on {} processes", processes) : "");
}

// The tables of a complete sweep, or, for a shard, where its runs wait to be merged.
int finish(const SweepArgs& args, const SweepSetup& setup, const scenarios::RunStore& store) {
    if (setup.shard.count > 1) {
        std::cout << fmt::format("shard {}/{}: {} runs stored in {}; combine the shards with ntsim merge\n", setup.shard.index,
                                 setup.shard.count, store.count(), args.output);
        return 0;
    }
    const auto report = scenarios::finish_sweep(args.output, setup.scenario, setup.plan, store,
                                                {ntsim_version(), setup.threads, setup.options}, !args.no_trajectories,
                                                args.states ? setup.runner.system().state_ids() : std::vector<std::string>{});
    return print_report(report, setup.plan, args.output, args.quiet, args.fail_on_expectations);
}

int sweep_alone(const SweepArgs& args) {
    const SweepSetup setup(args);
    scenarios::RunStore store = open_results(args, setup);
    const auto todo = scenarios::runs_to_do(setup.plan, setup.shard, store);
    announce(args, setup, todo.size(), 1);
    scenarios::Progress progress;
    {
        ProgressReporter reporter(progress, todo.size(), args.quiet);
        setup.runner.run(setup.plan, todo, setup.options, progress,
                         [&](std::vector<scenarios::RunOutcome>&& finished) { store.append(finished); });
    }
    return finish(args, setup, store);
}

#if NTSIM_HAVE_MPI
// MPI rank 0 does what one process would, but shares the runs out and tells the others to stop
// if the sweep cannot start; it alone writes to the results directory and to the terminal.
int sweep_as_rank_0(const SweepArgs& args, const scenarios::mpi::Job& job) {
    std::optional<SweepSetup> setup;
    std::optional<scenarios::RunStore> store;
    std::exception_ptr failure;
    try {
        setup.emplace(args);
        store.emplace(open_results(args, *setup));
    } catch (...) {
        failure = std::current_exception();
    }
    scenarios::mpi::Coordinator coordinator(job, setup ? setup->identity : scenarios::SweepIdentity{},
                                            setup ? setup->threads : 0, failure);
    const auto todo = scenarios::runs_to_do(setup->plan, setup->shard, *store);
    announce(args, *setup, todo.size(), job.size());
    scenarios::Progress progress;
    std::vector<std::size_t> done_by;
    {
        ProgressReporter reporter(progress, todo.size(), args.quiet);
        done_by = coordinator.run(setup->runner, setup->plan, todo, setup->options, progress, *store);
    }
    if (!args.quiet) {
        std::string shares;
        for (std::size_t rank = 0; rank < done_by.size(); ++rank) shares += fmt::format("{}{}: {}", rank ? ", " : "", rank, done_by[rank]);
        std::cerr << fmt::format("runs done by rank: {}\n", shares);
    }
    return finish(args, *setup, *store);
}

// The other ranks run what rank 0 hands out; their errors reach the user through rank 0.
int sweep_as_worker(const SweepArgs& args) {
    std::optional<SweepSetup> setup;
    std::string error;
    try {
        setup.emplace(args);
    } catch (const std::exception& e) {
        error = e.what();
    }
    scenarios::mpi::work(setup ? setup->identity : scenarios::SweepIdentity{}, setup ? setup->threads : 0, error,
                         setup ? &setup->runner : nullptr, setup ? &setup->plan : nullptr,
                         setup ? setup->options : scenarios::RunnerOptions{});
    return 0;
}
#endif

}  // namespace

int run_merge(const MergeArgs& args) {
    return guarded([&] {
        std::vector<std::filesystem::path> shards(args.shards.begin(), args.shards.end());
        const std::string scenario_file = scenarios::merge_shards(shards, args.output);
        const scenarios::Scenario scenario = scenarios::load_scenario(scenario_file);
        const scenarios::SweepPlan plan = scenarios::expand(scenario);
        scenarios::write_plan(args.output, plan);
        const scenarios::RunStore store(args.output);
        const auto identity = nlohmann::json::parse(std::ifstream(std::filesystem::path(args.output) / "sweep.json"));
        SolverArgs solver;
        solver.rtol = identity.at("rtol").get<double>();
        solver.atol = identity.at("atol").get<double>();
        solver.max_steps = identity.at("max_steps").get<long>();
        solver.linear_solver = identity.at("linear_solver").get<std::string>();
        solver.max_run_steps = identity.at("max_run_steps").get<long>();
        solver.max_run_seconds = identity.at("max_run_seconds").get<double>();
        solver.allow_negative_states = !identity.at("check_negative_states").get<bool>();
        scenarios::RunnerOptions options;
        options.solver = to_options(solver);
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
#if NTSIM_HAVE_MPI
        if (mpi_launch().launched) {
            const scenarios::mpi::Job job;
            if (job.size() > 1) return job.rank() == 0 ? sweep_as_rank_0(args, job) : sweep_as_worker(args);
        }
#else
        if (mpi_launch().several)
            throw std::invalid_argument(fmt::format(
                "ntsim was started as one of several processes by an MPI launcher (mpirun, mpiexec or srun), but it was "
                "built without MPI, so every process would run the whole sweep into '{}'. Rebuild it with MPI (Debian: "
                "apt-get install libopenmpi-dev openmpi-bin, then run cmake again), or split the sweep into array jobs "
                "with --shard K/N and ntsim merge (see docs/cluster.md)", args.output));
#endif
        return sweep_alone(args);
    });
}

}  // namespace ntsim::cli
