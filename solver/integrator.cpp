// CVODE behind RAII: callbacks trampoline into OdeSystem, exceptions never cross into C, and a
// failed step becomes an IntegrationFailure naming the worst components.
#include "solver/integrator.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <cvode/cvode.h>
#include <fmt/format.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "solver/event_driver.hpp"
#include "solver/sundials_support.hpp"

namespace ntsim::solver {

using detail::check;

namespace {

constexpr std::size_t worst_components_reported = 3;

// A rate discontinuity found again and again at the same time means the integrator cannot get
// past it; give up rather than loop.
constexpr int max_restarts_at_one_time = 100;

// A dense n x n matrix of 8-byte values: 5000 states take 200 MB, more would risk the memory of a
// machine running one integrator per thread.
constexpr std::size_t max_dense_states = 5000;

// Reading the clock costs about as much as a small model's right-hand side, so the wall-clock
// limit is checked once per this many evaluations (well under a millisecond apart).
constexpr long rhs_calls_per_clock_check = 256;

struct CvodeDeleter {
    void operator()(void* memory) const { CVodeFree(&memory); }
};

// KLU's symbolic analysis (the fill-reducing ordering) depends only on the sparsity pattern, so
// one analysis serves every run of an integrator. Its numeric factorisation is another matter:
// refactoring keeps the pivot order of the first factorisation, and another run's pivots would
// make results depend on which runs shared this integrator (and so on the thread count). CVODE
// initialises the linear solver at every (re)start, where SUNDIALS' KLU would analyse again;
// these two replace that with a fresh numeric factorisation on the kept analysis.
int klu_initialize_keeping_analysis(SUNLinearSolver solver) {
    auto* klu = static_cast<SUNLinearSolverContent_KLU>(solver->content);
    if (!klu->symbolic) return SUNLinSolInitialize_KLU(solver);
    if (klu->numeric) sun_klu_free_numeric(&klu->numeric, &klu->common);
    klu->last_flag = SUNLS_SUCCESS;
    return klu->last_flag;
}

int klu_setup_on_kept_analysis(SUNLinearSolver solver, SUNMatrix matrix) {
    auto* klu = static_cast<SUNLinearSolverContent_KLU>(solver->content);
    if (klu->first_factorize || klu->numeric) return SUNLinSolSetup_KLU(solver, matrix);
    klu->numeric = sun_klu_factor(SUNSparseMatrix_IndexPointers(matrix), SUNSparseMatrix_IndexValues(matrix),
                                  SUNSparseMatrix_Data(matrix), klu->symbolic, &klu->common);
    klu->last_flag = klu->numeric ? SUNLS_SUCCESS : SUNLS_PACKAGE_FAIL_REC;
    return klu->last_flag;
}

}  // namespace

struct Integrator::Sundials {
    // Declared first so it is destroyed last: every other handle refers to it.
    sundials::Context context;
    detail::ErrorCapture errors;
    detail::SerialVector y;
    detail::MatrixHandle matrix;
    detail::LinearSolverHandle linear_solver;
    std::unique_ptr<void, CvodeDeleter> cvode;
    std::vector<double> jacobian_values;
    std::string callback_error;
    std::string non_finite_jacobian;  // why the last Jacobian was refused
    bool initialised = false;

    Sundials(std::size_t n) : y(n, context) {}
};

std::string to_string(LinearSolverKind kind) {
    switch (kind) {
        case LinearSolverKind::automatic: return "automatic";
        case LinearSolverKind::dense: return "dense";
        case LinearSolverKind::klu: return "klu";
    }
    return "?";
}

std::string to_string(FailureCause cause) {
    switch (cause) {
        case FailureCause::non_finite: return "non_finite";
        case FailureCause::negative_state: return "negative_state";
        case FailureCause::too_much_work: return "too_much_work";
        case FailureCause::step_limit: return "step_limit";
        case FailureCause::time_limit: return "time_limit";
        case FailureCause::error_test_failures: return "error_test_failures";
        case FailureCause::convergence_failures: return "convergence_failures";
        case FailureCause::solver_error: return "solver_error";
    }
    return "?";
}

SolverStats& SolverStats::operator+=(const SolverStats& o) {
    steps += o.steps;
    rhs_evaluations += o.rhs_evaluations;
    jacobian_evaluations += o.jacobian_evaluations;
    linear_setups += o.linear_setups;
    error_test_failures += o.error_test_failures;
    convergence_failures += o.convergence_failures;
    return *this;
}

// C trampolines into the integrator; they catch everything, since exceptions must not cross
// SUNDIALS' C frames. A non-finite rate is recoverable (CVODE retries with a smaller step).
struct IntegratorCallbacks {
    static int rhs(sunrealtype t, N_Vector y, N_Vector ydot, void* user_data) {
        auto* self = static_cast<Integrator*>(user_data);
        // Unrecoverable, so CVODE returns at once; advance() reports the time limit.
        if (--self->rhs_until_clock_check_ <= 0 && self->out_of_time()) return -1;
        try {
            return self->system_.rhs(self->workspace_, t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot)) ? 0 : 1;
        } catch (const std::exception& e) {
            self->sundials_->callback_error = e.what();
            return -1;
        }
    }

    static int roots(sunrealtype t, N_Vector y, sunrealtype* g, void* user_data) {
        auto* self = static_cast<Integrator*>(user_data);
        try {
            self->system_.roots(self->workspace_, t, N_VGetArrayPointer(y), g);
            return 0;
        } catch (const std::exception& e) {
            self->sundials_->callback_error = e.what();
            return -1;
        }
    }

    static int jacobian(sunrealtype t, N_Vector y, N_Vector, SUNMatrix J, void* user_data, N_Vector, N_Vector, N_Vector) {
        auto* self = static_cast<Integrator*>(user_data);
        try {
            const OdeSystem& system = self->system_;
            const auto& pattern = system.jacobian_pattern();
            if (SUNMatGetID(J) == SUNMATRIX_SPARSE) {
                // The pattern is fixed; CVODE hands us a zeroed matrix whose index arrays we fill.
                std::copy(pattern.column_starts.begin(), pattern.column_starts.end(), SUNSparseMatrix_IndexPointers(J));
                std::copy(pattern.rows.begin(), pattern.rows.end(), SUNSparseMatrix_IndexValues(J));
                system.jacobian(self->workspace_, t, N_VGetArrayPointer(y), SUNSparseMatrix_Data(J));
            } else {
                std::vector<double>& values = self->sundials_->jacobian_values;
                system.jacobian(self->workspace_, t, N_VGetArrayPointer(y), values.data());
                for (std::size_t j = 0; j + 1 < pattern.column_starts.size(); ++j) {
                    double* column = SUNDenseMatrix_Column(J, static_cast<sunindextype>(j));
                    for (int k = pattern.column_starts[j]; k < pattern.column_starts[j + 1]; ++k)
                        column[pattern.rows[k]] = values[k];
                }
            }
            // A non-finite partial derivative would poison every Newton step: name it and let
            // CVODE retry with a smaller step. One pass, and Jacobians are rare next to RHS calls.
            const double* values = SUNMatGetID(J) == SUNMATRIX_SPARSE ? SUNSparseMatrix_Data(J) : self->sundials_->jacobian_values.data();
            for (std::size_t k = 0; k < pattern.rows.size(); ++k) {
                if (std::isfinite(values[k])) continue;
                const auto column = std::upper_bound(pattern.column_starts.begin(), pattern.column_starts.end(), static_cast<int>(k)) -
                                    pattern.column_starts.begin() - 1;
                self->sundials_->non_finite_jacobian =
                    fmt::format("Jacobian entry d(d{}/dt)/d{} is {} at t = {} s", system.state_ids()[pattern.rows[k]],
                                system.state_ids()[column], values[k], t);
                return 1;
            }
            return 0;
        } catch (const std::exception& e) {
            self->sundials_->callback_error = e.what();
            return -1;
        }
    }
};

Integrator::Integrator(const OdeSystem& system, const SolverOptions& options)
    : system_(system), options_(options), workspace_(system), sundials_(std::make_unique<Sundials>(system.size())) {
    for (const StateInfo& info : system.state_info())
        checked_.push_back(options.check_negative_states && info.kind == models::EntityKind::species);
    kind_ = options.linear_solver;
    if (kind_ == LinearSolverKind::automatic)
        kind_ = system.size() >= options.klu_from_states ? LinearSolverKind::klu : LinearSolverKind::dense;

    if (kind_ == LinearSolverKind::dense && system.size() > max_dense_states)
        throw std::invalid_argument(fmt::format("the dense linear solver would need {:.3g} GB for {} states; use klu",
                                                8.0 * static_cast<double>(system.size()) * static_cast<double>(system.size()) / 1e9,
                                                system.size()));
    // A system without states (an SBML model of rules and constants) has nothing for CVODE to
    // integrate: time just advances.
    if (system.size() == 0) return;
    Sundials& s = *sundials_;
    const auto n = static_cast<sunindextype>(system.size());
    const auto& pattern = system.jacobian_pattern();
    s.jacobian_values.assign(pattern.rows.size(), 0.0);
    if (kind_ == LinearSolverKind::klu) {
        s.matrix.reset(SUNSparseMatrix(n, n, static_cast<sunindextype>(pattern.rows.size()), CSC_MAT, s.context));
        s.linear_solver.reset(SUNLinSol_KLU(s.y.get(), s.matrix.get(), s.context));
        if (s.linear_solver) {
            s.linear_solver->ops->initialize = klu_initialize_keeping_analysis;
            s.linear_solver->ops->setup = klu_setup_on_kept_analysis;
        }
    } else {
        s.matrix.reset(SUNDenseMatrix(n, n, s.context));
        s.linear_solver.reset(SUNLinSol_Dense(s.y.get(), s.matrix.get(), s.context));
    }
    if (!s.matrix || !s.linear_solver) throw std::runtime_error("Integrator: cannot create the linear solver");
    s.cvode.reset(CVodeCreate(CV_BDF, s.context));
    if (!s.cvode) throw std::runtime_error("Integrator: CVodeCreate failed");
    void* cv = s.cvode.get();
    check(CVodeSetErrHandlerFn(cv, detail::ErrorCapture::handler, &s.errors), "Integrator", "CVodeSetErrHandlerFn", s.errors, CVodeGetReturnFlagName);
}

Integrator::~Integrator() = default;

void Integrator::start(double t0, std::span<const double> x0, std::span<const double> inputs) {
    if (x0.size() != system_.size())
        throw std::invalid_argument(fmt::format("Integrator::start: expected {} initial values, got {}", system_.size(), x0.size()));
    workspace_.set_inputs(inputs);
    Sundials& s = *sundials_;
    std::copy(x0.begin(), x0.end(), s.y.data().begin());
    t_ = t0;
    finished_segments_ = {};
    failure_.reset();
    stopped_at_event_root_ = false;
    stepped_since_init_ = false;
    largest_.assign(x0.size(), 0.0);
    checking_.assign(x0.size(), 0);
    for (std::size_t i = 0; i < x0.size(); ++i) {
        largest_[i] = std::fabs(x0[i]);
        checking_[i] = checked_[i] && x0[i] >= 0;
    }
    out_of_time_ = false;
    rhs_until_clock_check_ = rhs_calls_per_clock_check;
    deadline_.reset();
    if (options_.max_run_seconds > 0)
        deadline_ = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(options_.max_run_seconds));
    if (!s.cvode) return;
    void* cv = s.cvode.get();
    if (!s.initialised) {
        check(CVodeInit(cv, IntegratorCallbacks::rhs, t0, s.y.get()), "Integrator::start", "CVodeInit", s.errors, CVodeGetReturnFlagName);
        check(CVodeSStolerances(cv, options_.rtol, options_.atol), "Integrator::start", "CVodeSStolerances", s.errors, CVodeGetReturnFlagName);
        check(CVodeSetUserData(cv, this), "Integrator::start", "CVodeSetUserData", s.errors, CVodeGetReturnFlagName);
        check(CVodeSetLinearSolver(cv, s.linear_solver.get(), s.matrix.get()), "Integrator::start", "CVodeSetLinearSolver", s.errors, CVodeGetReturnFlagName);
        check(CVodeSetJacFn(cv, IntegratorCallbacks::jacobian), "Integrator::start", "CVodeSetJacFn", s.errors, CVodeGetReturnFlagName);
        if (options_.max_step_s > 0)
            check(CVodeSetMaxStep(cv, options_.max_step_s), "Integrator::start", "CVodeSetMaxStep", s.errors, CVodeGetReturnFlagName);
        if (system_.root_count() > 0) {
            check(CVodeRootInit(cv, static_cast<int>(system_.root_count()), IntegratorCallbacks::roots), "Integrator::start",
                  "CVodeRootInit", s.errors, CVodeGetReturnFlagName);
            // A root function that is zero where integration (re)starts is normal here: an event
            // has just set the value its trigger compares.
            check(CVodeSetNoInactiveRootWarn(cv), "Integrator::start", "CVodeSetNoInactiveRootWarn", s.errors, CVodeGetReturnFlagName);
            root_directions_.assign(system_.root_count(), 0);
        }
        s.initialised = true;
    } else {
        check(CVodeReInit(cv, t0, s.y.get()), "Integrator::start", "CVodeReInit", s.errors, CVodeGetReturnFlagName);
    }
}

SolverStats Integrator::stats() const {
    void* cv = sundials_->cvode.get();
    SolverStats now = finished_segments_;
    if (!sundials_->initialised || !cv || !stepped_since_init_) return now;
    long value = 0;
    CVodeGetNumSteps(cv, &value);
    now.steps += value;
    CVodeGetNumRhsEvals(cv, &value);
    now.rhs_evaluations += value;
    CVodeGetNumJacEvals(cv, &value);
    now.jacobian_evaluations += value;
    CVodeGetNumLinSolvSetups(cv, &value);
    now.linear_setups += value;
    CVodeGetNumErrTestFails(cv, &value);
    now.error_test_failures += value;
    CVodeGetNumNonlinSolvConvFails(cv, &value);
    now.convergence_failures += value;
    return now;
}

void Integrator::restart() {
    Sundials& s = *sundials_;
    if (!s.cvode) return;
    // CVodeReInit zeroes CVODE's counters; keep what this run has done so far.
    finished_segments_ = stats();
    check(CVodeReInit(s.cvode.get(), t_, s.y.get()), "Integrator::restart", "CVodeReInit", s.errors, CVodeGetReturnFlagName);
    stepped_since_init_ = false;
}

void Integrator::reset_state(std::span<const double> x) {
    std::copy(x.begin(), x.end(), sundials_->y.data().begin());
    for (std::size_t i = 0; i < x.size(); ++i) largest_[i] = std::max(largest_[i], std::fabs(x[i]));
    restart();
}

void Integrator::stop(FailureCause cause, std::string message) {
    if (!failure_) failure_ = IntegrationFailure{cause, t_, std::move(message), {}};
}

long Integrator::steps_taken() const {
    long steps = 0;
    if (sundials_->initialised && sundials_->cvode) CVodeGetNumSteps(sundials_->cvode.get(), &steps);
    return finished_segments_.steps + steps;
}

bool Integrator::out_of_time() {
    rhs_until_clock_check_ = rhs_calls_per_clock_check;
    if (!deadline_ || std::chrono::steady_clock::now() < *deadline_) return false;
    out_of_time_ = true;
    return true;
}

// A species below its tolerance is reported with the value furthest below it; a species that
// starts negative is taken as meant to be (an SBML variable) and not checked.
bool Integrator::check_states() {
    const auto x = state();
    std::size_t worst = x.size();
    double worst_ratio = 1.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!checking_[i]) continue;
        if (x[i] >= 0) {
            largest_[i] = std::max(largest_[i], x[i]);
            continue;
        }
        const double tolerance = negative_state_factor * (options_.atol + options_.rtol * largest_[i]);
        if (-x[i] > worst_ratio * tolerance) {
            worst = i;
            worst_ratio = -x[i] / tolerance;
        }
    }
    if (worst == x.size()) return true;
    const double tolerance = negative_state_factor * (options_.atol + options_.rtol * largest_[worst]);
    stop(FailureCause::negative_state,
         fmt::format("species '{}' is {:.6g} at t = {} s, below the negative-state tolerance -{:.3g} "
                     "({} x (atol + rtol x its largest value {:.6g}))",
                     system_.state_ids()[worst], x[worst], t_, tolerance, negative_state_factor, largest_[worst]));
    return false;
}

void Integrator::reset_inputs(std::span<const double> inputs) {
    workspace_.set_inputs(inputs);
    restart();
}

std::span<const double> Integrator::state() const { return sundials_->y.data(); }

bool Integrator::advance(double t_out, double t_stop) {
    if (failure_) return false;
    if (t_out <= t_) return true;
    Sundials& s = *sundials_;
    stopped_at_event_root_ = false;
    // Also between outputs: a run of many short advances (doses, events) calls the RHS rarely.
    if (out_of_time()) {
        stop(FailureCause::time_limit, fmt::format("the run used up its wall-clock limit of {} s", options_.max_run_seconds));
        return false;
    }
    if (!s.cvode) {
        t_ = std::min(t_out, t_stop);
        return true;
    }
    void* cv = s.cvode.get();
    // CVODE may have stepped past the time it last returned (it interpolates back to output
    // times and roots); a stop time in between, such as a newly scheduled event, needs a restart
    // from the returned point.
    sunrealtype t_internal = t_;
    CVodeGetCurrentTime(cv, &t_internal);
    if (t_internal > t_stop) restart();
    check(CVodeSetStopTime(cv, t_stop), "Integrator::advance", "CVodeSetStopTime", s.errors, CVodeGetReturnFlagName);
    s.errors.last_message.clear();
    s.callback_error.clear();
    s.non_finite_jacobian.clear();
    workspace_.clear_problem();
    stopped_at_event_root_ = false;
    sunrealtype t_reached = t_;
    int flag = 0;
    int restarts_here = 0;
    double last_restart = t_;
    bool run_budget_binds = false;
    for (;;) {
        stepped_since_init_ = true;
        // The per-run budget is enforced through CVODE's own per-call limit, so it costs nothing
        // per step.
        const long left = options_.max_run_steps - steps_taken();
        if (left <= 0) {
            stop(FailureCause::step_limit,
                 fmt::format("the run used up its limit of {} internal steps (max_run_steps)", options_.max_run_steps));
            return false;
        }
        run_budget_binds = left < options_.max_steps;
        check(CVodeSetMaxNumSteps(cv, std::min(options_.max_steps, left)), "Integrator::advance", "CVodeSetMaxNumSteps", s.errors,
              CVodeGetReturnFlagName);
        flag = CVode(cv, t_out, s.y.get(), &t_reached, CV_NORMAL);
        if (flag != CV_ROOT_RETURN) break;
        t_ = t_reached;
        CVodeGetRootInfo(cv, root_directions_.data());
        const auto event_roots = static_cast<std::ptrdiff_t>(system_.event_root_count());
        if (std::any_of(root_directions_.begin(), root_directions_.begin() + event_roots, [](int d) { return d != 0; })) {
            stopped_at_event_root_ = true;
            return check_states();
        }
        // A rate changes abruptly here: restart so CVODE does not carry history across it.
        restarts_here = t_reached == last_restart ? restarts_here + 1 : 0;
        last_restart = t_reached;
        if (restarts_here > max_restarts_at_one_time) break;
        restart();
    }
    if (flag >= 0 && flag != CV_ROOT_RETURN) {
        t_ = t_reached;
        return check_states();
    }
    if (flag == CV_ROOT_RETURN) flag = CV_TOO_MUCH_WORK;  // stuck at a discontinuity
    // CVODE leaves y at the last successful step; report where and why it stopped.
    sunrealtype t_last = t_;
    CVodeGetCurrentTime(cv, &t_last);
    IntegrationFailure failure;
    failure.time = t_last;
    const std::string& non_finite = !workspace_.problem().empty() ? workspace_.problem() : s.non_finite_jacobian;
    std::string why = detail::name_of_flag(flag, CVodeGetReturnFlagName);
    if (out_of_time_) {
        failure.cause = FailureCause::time_limit;
        why = fmt::format("the run used up its wall-clock limit of {} s", options_.max_run_seconds);
    } else if (!non_finite.empty()) {
        // CVODE answers a refused rate or Jacobian by shrinking the step, so the flag says only
        // how it gave up: repeated RHS, setup or convergence failures, or steps used up while
        // creeping towards the point where a rate stops being finite.
        failure.cause = FailureCause::non_finite;
        why += ": " + non_finite;
    } else {
        failure.cause = detail::cause_of_cvode_flag(flag, run_budget_binds);
        if (failure.cause == FailureCause::step_limit)
            why += fmt::format(": the run used up its limit of {} internal steps (max_run_steps)", options_.max_run_steps);
        if (!s.callback_error.empty()) why += ": " + s.callback_error;
        else if (!s.errors.last_message.empty()) why += ": " + s.errors.last_message;
    }
    failure.message = why;

    // Largest weighted local errors, by id: where the integrator was struggling.
    std::vector<double> weights(system_.size()), errors(system_.size());
    detail::VectorHandle w(N_VMake_Serial(static_cast<sunindextype>(system_.size()), weights.data(), s.context));
    detail::VectorHandle e(N_VMake_Serial(static_cast<sunindextype>(system_.size()), errors.data(), s.context));
    // Before the first step CVODE has no error estimates, only uninitialised numbers.
    if (steps_taken() > 0 && CVodeGetErrWeights(cv, w.get()) >= 0 && CVodeGetEstLocalErrors(cv, e.get()) >= 0) {
        std::vector<std::pair<std::string, double>> ranked;
        for (std::size_t i = 0; i < system_.size(); ++i) ranked.emplace_back(system_.state_ids()[i], std::fabs(errors[i] * weights[i]));
        const std::size_t shown = std::min(worst_components_reported, ranked.size());
        std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown), ranked.end(),
                          [](const auto& a, const auto& b) { return a.second > b.second; });
        ranked.resize(shown);
        failure.worst_components = std::move(ranked);
    }
    t_ = t_last;
    failure_ = std::move(failure);
    return false;
}

SimulationResult simulate(const OdeSystem& system, std::span<const double> inputs, std::span<const double> x0,
                          const std::vector<double>& output_times, const SolverOptions& options) {
    if (output_times.empty()) throw std::invalid_argument("simulate: no output times");
    if (!std::is_sorted(output_times.begin(), output_times.end()))
        throw std::invalid_argument("simulate: output times must be ascending");
    SimulationResult result;
    Integrator integrator(system, options);
    integrator.start(output_times.front(), x0, inputs);
    std::optional<EventDriver> events;
    if (!system.events().empty()) {
        events.emplace(system, integrator);
        events->begin();
    }
    const std::size_t n = system.size(), m = system.observable_ids().size();
    std::vector<double> observed(m);
    std::vector<int> every_observable(m);
    std::iota(every_observable.begin(), every_observable.end(), 0);
    for (double t : output_times) {
        const bool reached = events ? events->advance(t, output_times.back()) : integrator.advance(t, output_times.back());
        if (!reached) break;
        const auto x = integrator.state();
        system.observables(integrator.workspace(), t, x.data(), observed.data());
        if (std::string why = system.non_finite_observable(integrator.workspace(), t, every_observable); !why.empty()) {
            integrator.stop(FailureCause::non_finite, std::move(why));
            break;
        }
        result.trajectory.times.push_back(t);
        result.trajectory.states.insert(result.trajectory.states.end(), x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
        result.trajectory.observables.insert(result.trajectory.observables.end(), observed.begin(), observed.end());
    }
    result.stats = integrator.stats();
    result.linear_solver = integrator.linear_solver();
    result.failure = integrator.failure();
    return result;
}

}  // namespace ntsim::solver
