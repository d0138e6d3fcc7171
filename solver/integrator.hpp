// CVODE (BDF, Newton) on an OdeSystem, with a dense or KLU sparse direct linear solver. One
// Integrator serves many runs: start() re-initialises CVODE but keeps the linear solver, so
// KLU's symbolic factorisation is reused across the runs of a sweep. When the system has root
// functions (SBML events, piecewise rates), CVODE locates them: advance() restarts by itself at a
// discontinuity of a rate, and stops early at a trigger comparison so the event driver can act.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "solver/ode_system.hpp"

namespace ntsim::solver {

enum class LinearSolverKind { automatic, dense, klu };

struct SolverOptions {
    double rtol = 1e-6;                 // relative tolerance
    double atol = 1e-9;                 // absolute tolerance, nM
    long max_steps = 1'000'000;         // internal steps allowed between two outputs
    double max_step_s = 0.0;            // largest internal step, s; 0 = unlimited
    LinearSolverKind linear_solver = LinearSolverKind::automatic;
    std::size_t klu_from_states = 20;   // automatic: KLU from this many states (see docs/performance.md)
};

std::string to_string(LinearSolverKind kind);

struct SolverStats {
    long steps = 0;
    long rhs_evaluations = 0;
    long jacobian_evaluations = 0;
    long linear_setups = 0;
    long error_test_failures = 0;
    long convergence_failures = 0;

    SolverStats& operator+=(const SolverStats& other);
};

// Why and where an integration stopped early.
struct IntegrationFailure {
    double time = 0.0;
    std::string message;
    std::vector<std::pair<std::string, double>> worst_components;  // id, weighted local error
};

class Integrator {
public:
    Integrator(const OdeSystem& system, const SolverOptions& options);
    ~Integrator();
    Integrator(const Integrator&) = delete;
    Integrator& operator=(const Integrator&) = delete;

    // Begins a trajectory at t0 from x0 with the given inputs; resets statistics.
    void start(double t0, std::span<const double> x0, std::span<const double> inputs);

    // Integrates to `t_out`, never stepping past `t_stop` (the next discontinuity or the end).
    // Returns false on failure; failure() then says why. For a system with events it may stop
    // earlier, at a root of a trigger comparison: stopped_at_event_root() then says so.
    bool advance(double t_out, double t_stop);

    // After advance(): whether it stopped at a trigger root, and per root function the direction
    // of its crossing (+1 rising, -1 falling, 0 none), in OdeSystem::roots order.
    bool stopped_at_event_root() const { return stopped_at_event_root_; }
    std::span<const int> root_directions() const { return root_directions_; }

    // Replaces the state at the current time (e.g. a dose) and restarts the integration there.
    void reset_state(std::span<const double> x);

    // Changes inputs mid-run (e.g. a clamped input switched on) and restarts at the current time.
    void reset_inputs(std::span<const double> inputs);

    double time() const { return t_; }
    std::span<const double> state() const;
    SolverStats stats() const;
    const std::optional<IntegrationFailure>& failure() const { return failure_; }
    LinearSolverKind linear_solver() const { return kind_; }
    Workspace& workspace() { return workspace_; }
    const OdeSystem& system() const { return system_; }

private:
    struct Sundials;
    friend struct IntegratorCallbacks;
    void restart();

    const OdeSystem& system_;
    SolverOptions options_;
    LinearSolverKind kind_;
    Workspace workspace_;
    std::unique_ptr<Sundials> sundials_;
    double t_ = 0.0;
    SolverStats finished_segments_;
    // CVodeReInit zeroes the integrator's counters but not the linear solver's (Jacobian
    // evaluations): those are zeroed by the first CVode call after it. Until then they still hold
    // the previous segment's, or the previous run's, counts and must not be added again.
    bool stepped_since_init_ = false;
    std::optional<IntegrationFailure> failure_;
    bool stopped_at_event_root_ = false;
    std::vector<int> root_directions_;
};

// A trajectory sampled at output times, states and observables row by row.
struct Trajectory {
    std::vector<double> times;
    std::vector<double> states;       // times.size() x system.size()
    std::vector<double> observables;  // times.size() x observable count
};

struct SimulationResult {
    Trajectory trajectory;
    SolverStats stats;
    LinearSolverKind linear_solver = LinearSolverKind::automatic;  // the one actually used
    std::optional<IntegrationFailure> failure;  // empty when the run reached the last time
};

// One run from `x0` with `inputs`, sampled at `output_times` (ascending, first >= 0, starts at 0).
// Events of the system (SBML) are executed on the way; a row at an event's time shows the values
// after it.
SimulationResult simulate(const OdeSystem& system, std::span<const double> inputs, std::span<const double> x0,
                          const std::vector<double>& output_times, const SolverOptions& options);

}  // namespace ntsim::solver
