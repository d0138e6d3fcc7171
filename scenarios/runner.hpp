// The parallel runner: every run of a sweep plan is pre-equilibrated to its region's baseline,
// dosed on its schedule and sampled, each on its own integrator. A failing run records why; the
// others go on. Results are stored by run index, so they do not depend on the thread count.
#pragma once

#include <atomic>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "scenarios/sweep.hpp"
#include "solver/solver.hpp"

namespace ntsim::scenarios {

struct RunnerOptions {
    solver::SolverOptions solver;
    solver::SteadyStateOptions steady;     // its integration takes the run limits of `solver` (steps, seconds, negative states)
    unsigned threads = 0;                  // 0: all cores
    bool keep_trajectories = true;         // keep sampled observables (trajectories.csv); metrics are always kept
    bool record_states = false;            // keep every species' course too (for the interactive report)
    std::size_t chunk_runs = 0;            // runs handed to the sink at a time, and at most in flight; 0: 32 per thread
};

// Counters the runner updates as runs finish; another thread may read them to show progress.
struct Progress {
    std::atomic<std::size_t> done{0};
    std::atomic<std::size_t> failed{0};
};

// A run's outcome: ok, one of the integration failure causes (solver::FailureCause, same
// names), or failed for anything else (a run that cannot be dosed, a setup error).
enum class RunStatus {
    ok,
    failed,
    non_finite,
    negative_state,
    too_much_work,
    step_limit,
    time_limit,
    error_test_failures,
    convergence_failures,
    solver_error,
};

std::string to_string(RunStatus status);
RunStatus status_of(solver::FailureCause cause);

// Metrics of one observable over the window after the last dose (times measured from it).
struct ObservableMetrics {
    double peak = NAN, time_to_peak_s = NAN, auc = NAN, final_value = NAN;
    std::vector<double> value_at;          // at scenario.metric_times_s
};

struct RunOutcome {
    std::size_t run = 0;
    RunStatus status = RunStatus::ok;
    std::string message;                   // why the run failed: what (by id and expression), when, and the cause
    solver::SolverStats stats;             // pre-equilibration excluded
    double last_dose_s = 0.0;              // metrics are taken from here on
    std::vector<double> times_s;           // since the start of the schedule's day 0
    std::vector<double> values;            // times_s.size() x scenario.observables.size()
    std::vector<double> states;            // times_s.size() x system states, if recorded
    std::vector<ObservableMetrics> metrics;  // one per scenario observable; empty if the run failed
};

// Receives finished runs in ascending run order, a chunk at a time, on the calling thread.
using RunSink = std::function<void(std::vector<RunOutcome>&& finished)>;

// `runs` reordered for handing out across processes: runs that share a baseline (region and
// parameter settings) adjacent, each group where its first run was. A slice that does not split
// a group lets one process pre-equilibrate that baseline once for all of its runs.
struct BaselineGroups {
    std::vector<std::size_t> runs;
    std::vector<bool> starts_group;  // per position of `runs`

    // Where a slice starting at position `begin` with about `size` runs should end: at a group
    // boundary if one lies within `most` runs of `begin`, or else before `size`. A group too
    // large for either is cut, and each of its slices pre-equilibrates it once.
    std::size_t slice_end(std::size_t begin, std::size_t size, std::size_t most) const;
};
BaselineGroups group_by_baseline(const SweepPlan& plan, const std::vector<std::size_t>& runs);

// The compiled system and what the runs share; built once per sweep.
class SweepRunner {
public:
    explicit SweepRunner(const Scenario& scenario);

    // Runs `runs` (run indices of `plan`, ascending) in parallel, each distinct baseline
    // pre-equilibrated once; finished runs go to `sink` a chunk at a time in run order, so memory
    // stays bounded by the chunk, not the sweep. A slow run delays only its chunk's hand-off:
    // the threads go on with the next runs meanwhile.
    void run(const SweepPlan& plan, const std::vector<std::size_t>& runs, const RunnerOptions& options, Progress& progress,
             const RunSink& sink) const;

    // Every run of the plan, kept in memory (small sweeps, tests).
    std::vector<RunOutcome> run(const SweepPlan& plan, const RunnerOptions& options, Progress& progress) const;

    // Inputs and initial state of one run before pre-equilibration (region, overrides applied).
    void run_inputs(const RunSettings& settings, std::vector<double>& inputs, std::vector<double>& x0) const;

    // Concentration step of one dose in the dosed species, nM; throws for a run that cannot be dosed.
    std::pair<int, double> dose_step(const RunSettings& settings, std::span<const double> inputs) const;

    const solver::OdeSystem& system() const { return system_; }
    std::vector<double> sample_times(const RunSettings& settings, double& last_dose_s) const;

private:
    // The positions [begin, end) of `runs` reordered round robin over their baselines (the first
    // run of each baseline, then the second...), so that threads start on different
    // pre-equilibrations instead of waiting for one.
    std::vector<std::size_t> baselines_first(const SweepPlan& plan, const std::vector<std::size_t>& runs, std::size_t begin,
                                             std::size_t end) const;
    RunOutcome run_one(const Run& run, const std::vector<double>& inputs, const solver::SteadyStateResult& baseline,
                       const RunnerOptions& options, solver::Integrator& integrator, solver::Probe& outputs) const;
    // Why an output row holds NaN or infinity (the first such output), or "" when all are finite.
    std::string non_finite_output(solver::Integrator& integrator, double t, const std::vector<double>& row) const;
    void add_metrics(RunOutcome& out) const;

    const Scenario& scenario_;
    models::Network network_;
    solver::OdeSystem system_;
    std::vector<models::ExprPtr> outputs_;  // scenario outputs (observable, species or parameter ids)
};

}  // namespace ntsim::scenarios
