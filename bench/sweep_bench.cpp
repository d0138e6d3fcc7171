// Sweep benchmarks (issues 4 and 7): runs per second of a scenario's sweep on 1 and 2 threads,
// and the cost of a multi-dose schedule against a single dose over the same simulated time.
// Usage: sweep_bench throughput SCENARIO [repeats]
//        sweep_bench dosing SINGLE_SCENARIO MULTI_SCENARIO [repeats]
// Each figure is the best of `repeats` timings taken in this process, one after another.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "scenarios/scenarios.hpp"

using namespace ntsim::scenarios;

namespace {

struct Timing {
    double seconds = 1e300;
    long steps = 0;
    std::size_t runs = 0, failed = 0;
};

Timing time_sweep(const Scenario& scenario, const SweepPlan& plan, unsigned threads, int repeats) {
    const SweepRunner runner(scenario);
    RunnerOptions options;
    options.threads = threads;
    options.keep_trajectories = false;
    Timing best;
    for (int r = 0; r < repeats; ++r) {
        Progress progress;
        const auto start = std::chrono::steady_clock::now();
        const auto outcomes = runner.run(plan, options, progress);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (seconds < best.seconds) {
            best.seconds = seconds;
            best.steps = 0;
            best.failed = 0;
            for (const auto& o : outcomes) {
                best.steps += o.stats.steps;
                best.failed += o.status != RunStatus::ok;
            }
            best.runs = outcomes.size();
        }
    }
    return best;
}

int throughput(const std::string& file, int repeats) {
    const Scenario scenario = load_scenario(file);
    const SweepPlan plan = expand(scenario);
    const Timing one = time_sweep(scenario, plan, 1, repeats);
    const Timing two = time_sweep(scenario, plan, 2, repeats);
    fmt::print("scenario {}: {} runs ({} failed)\n", scenario.name, one.runs, one.failed);
    fmt::print("  1 thread : {:8.3f} s  {:8.1f} runs/s\n", one.seconds, one.runs / one.seconds);
    fmt::print("  2 threads: {:8.3f} s  {:8.1f} runs/s\n", two.seconds, two.runs / two.seconds);
    fmt::print("  speed-up 2 vs 1 thread: {:.2f}x\n", one.seconds / two.seconds);
    return 0;
}

int dosing(const std::string& single_file, const std::string& multi_file, int repeats) {
    const Scenario single = load_scenario(single_file), multi = load_scenario(multi_file);
    const Timing s = time_sweep(single, base_run(single), 1, repeats);
    const Timing m = time_sweep(multi, base_run(multi), 1, repeats);
    const auto doses = multi.schedules.at(multi.base.schedule).doses;
    fmt::print("single dose : {:8.4f} s, {:6} CVODE steps ({})\n", s.seconds, s.steps, single.name);
    fmt::print("{} doses    : {:8.4f} s, {:6} CVODE steps ({})\n", doses, m.seconds, m.steps, multi.name);
    fmt::print("cost of {} doses relative to one dose, same simulated time: {:.1f}x time, {:.1f}x steps\n", doses,
               m.seconds / s.seconds, static_cast<double>(m.steps) / s.steps);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "throughput" && argc >= 3) return throughput(argv[2], argc > 3 ? std::stoi(argv[3]) : 3);
        if (mode == "dosing" && argc >= 4) return dosing(argv[2], argv[3], argc > 4 ? std::stoi(argv[4]) : 3);
        std::fprintf(stderr, "usage: sweep_bench throughput SCENARIO [repeats] | dosing SINGLE MULTI [repeats]\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
