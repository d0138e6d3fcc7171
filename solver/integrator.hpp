// CVODE (BDF, Newton) on an OdeSystem, with a dense or KLU sparse direct linear solver. One
// Integrator serves many runs: start() re-initialises CVODE but keeps the linear solver, so
// KLU's symbolic factorisation is reused across the runs of a sweep. When the system has root
// functions (SBML events, piecewise rates), CVODE locates them: advance() restarts by itself at a
// discontinuity of a rate, and stops early at a trigger comparison so the event driver can act.
#pragma once

#include <chrono>
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
    long max_run_steps = 10'000'000;    // internal steps allowed in a whole run (every output, dose and restart)
    double max_run_seconds = 0.0;       // wall-clock time allowed per run, s; 0 = unlimited (results would depend on the machine)
    bool check_negative_states = true;  // fail a run whose species falls below -negative_state_tolerance (see below) at an output
    double max_step_s = 0.0;            // largest internal step, s; 0 = unlimited
    LinearSolverKind linear_solver = LinearSolverKind::automatic;
    std::size_t klu_from_states = 10;   // automatic: KLU from this many states (see docs/performance.md)
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

// A species state below -negative_state_factor * (atol + rtol * its largest value so far) at an
// output is an integration error, not chemistry: ten times what CVODE's error test allows locally.
inline constexpr double negative_state_factor = 10.0;

// Why a run stopped early (docs/reliability.md describes each).
enum class FailureCause {
    non_finite,            // a rate, rule, partial derivative or observable is NaN or infinite
    negative_state,        // a species fell below the negative-state tolerance
    too_much_work,         // CVODE took max_steps steps without reaching the next output
    step_limit,            // the run used up max_run_steps
    time_limit,            // the run used up max_run_seconds of wall-clock time
    error_test_failures,   // CVODE's local error test failed repeatedly (step size underflow)
    convergence_failures,  // CVODE's Newton iteration failed to converge repeatedly
    solver_error,          // any other SUNDIALS failure
};

std::string to_string(FailureCause cause);

// Why and where an integration stopped early.
struct IntegrationFailure {
    FailureCause cause = FailureCause::solver_error;
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

    // Ends the run with a failure found outside CVODE (e.g. a non-finite observable at an
    // output); advance() then returns false.
    void stop(FailureCause cause, std::string message);

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
    long steps_taken() const;
    bool out_of_time();
    bool check_states();

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
    std::vector<char> checked_;               // per state: a species, checked unless the options say not
    std::vector<char> checking_;              // per state, this run: checked and did not start negative
    std::vector<double> largest_;             // per state: largest value this run, scales the negative tolerance
    std::optional<std::chrono::steady_clock::time_point> deadline_;
    long rhs_until_clock_check_ = 0;
    bool out_of_time_ = false;
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
