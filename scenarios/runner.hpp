// The parallel runner: every run of a sweep plan is pre-equilibrated to its region's baseline,
// dosed on its schedule and sampled, each on its own integrator. A failing run records why; the
// others go on. Results are stored by run index, so they do not depend on the thread count.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "scenarios/sweep.hpp"
#include "solver/solver.hpp"

namespace ntsim::scenarios {

struct RunnerOptions {
    solver::SolverOptions solver;
    solver::SteadyStateOptions steady;
    unsigned threads = 0;                  // 0: all cores
    bool record_states = false;            // keep every species' course too (for the interactive report)
};

// Counters the runner updates as runs finish; another thread may read them to show progress.
struct Progress {
    std::atomic<std::size_t> done{0};
    std::atomic<std::size_t> failed{0};
};

enum class RunStatus { ok, failed };

struct RunOutcome {
    RunStatus status = RunStatus::ok;
    std::string message;                   // why the run failed
    solver::SolverStats stats;             // pre-equilibration excluded
    double last_dose_s = 0.0;              // metrics are taken from here on
    std::vector<double> times_s;           // since the start of the schedule's day 0
    std::vector<double> values;            // times_s.size() x scenario.observables.size()
    std::vector<double> states;            // times_s.size() x system states, if recorded
};

// The compiled system and what the runs share; built once per sweep.
class SweepRunner {
public:
    explicit SweepRunner(const Scenario& scenario);

    std::vector<RunOutcome> run(const SweepPlan& plan, const RunnerOptions& options, Progress& progress) const;

    // Inputs and initial state of one run before pre-equilibration (region, overrides applied).
    void run_inputs(const RunSettings& settings, std::vector<double>& inputs, std::vector<double>& x0) const;

    // Concentration step of one dose in the dosed species, nM; throws for a run that cannot be dosed.
    std::pair<int, double> dose_step(const RunSettings& settings, std::span<const double> inputs) const;

    const solver::OdeSystem& system() const { return system_; }
    std::vector<double> sample_times(const RunSettings& settings, double& last_dose_s) const;

private:
    const Scenario& scenario_;
    models::Network network_;
    solver::OdeSystem system_;
    std::vector<int> observable_columns_;   // scenario observables -> system observable index
};

}  // namespace ntsim::scenarios
