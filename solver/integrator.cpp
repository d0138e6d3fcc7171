// CVODE behind RAII: callbacks trampoline into OdeSystem, exceptions never cross into C, and a
// failed step becomes an IntegrationFailure naming the worst components.
#include "solver/integrator.hpp"

#include <algorithm>
#include <cmath>

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
            return 0;
        } catch (const std::exception& e) {
            self->sundials_->callback_error = e.what();
            return -1;
        }
    }
};

Integrator::Integrator(const OdeSystem& system, const SolverOptions& options)
    : system_(system), options_(options), workspace_(system), sundials_(std::make_unique<Sundials>(system.size())) {
    kind_ = options.linear_solver;
    if (kind_ == LinearSolverKind::automatic)
        kind_ = system.size() >= options.klu_from_states ? LinearSolverKind::klu : LinearSolverKind::dense;

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
    if (!s.cvode) return;
    void* cv = s.cvode.get();
    if (!s.initialised) {
        check(CVodeInit(cv, IntegratorCallbacks::rhs, t0, s.y.get()), "Integrator::start", "CVodeInit", s.errors, CVodeGetReturnFlagName);
        check(CVodeSStolerances(cv, options_.rtol, options_.atol), "Integrator::start", "CVodeSStolerances", s.errors, CVodeGetReturnFlagName);
        check(CVodeSetUserData(cv, this), "Integrator::start", "CVodeSetUserData", s.errors, CVodeGetReturnFlagName);
        check(CVodeSetLinearSolver(cv, s.linear_solver.get(), s.matrix.get()), "Integrator::start", "CVodeSetLinearSolver", s.errors, CVodeGetReturnFlagName);
        check(CVodeSetJacFn(cv, IntegratorCallbacks::jacobian), "Integrator::start", "CVodeSetJacFn", s.errors, CVodeGetReturnFlagName);
        check(CVodeSetMaxNumSteps(cv, options_.max_steps), "Integrator::start", "CVodeSetMaxNumSteps", s.errors, CVodeGetReturnFlagName);
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
    restart();
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
    workspace_.clear_problem();
    stopped_at_event_root_ = false;
    sunrealtype t_reached = t_;
    int flag = 0;
    int restarts_here = 0;
    double last_restart = t_;
    for (;;) {
        stepped_since_init_ = true;
        flag = CVode(cv, t_out, s.y.get(), &t_reached, CV_NORMAL);
        if (flag != CV_ROOT_RETURN) break;
        t_ = t_reached;
        CVodeGetRootInfo(cv, root_directions_.data());
        const auto event_roots = static_cast<std::ptrdiff_t>(system_.event_root_count());
        if (std::any_of(root_directions_.begin(), root_directions_.begin() + event_roots, [](int d) { return d != 0; })) {
            stopped_at_event_root_ = true;
            return true;
        }
        // A rate changes abruptly here: restart so CVODE does not carry history across it.
        restarts_here = t_reached == last_restart ? restarts_here + 1 : 0;
        last_restart = t_reached;
        if (restarts_here > max_restarts_at_one_time) break;
        restart();
    }
    if (flag >= 0 && flag != CV_ROOT_RETURN) {
        t_ = t_reached;
        return true;
    }
    if (flag == CV_ROOT_RETURN) flag = CV_TOO_MUCH_WORK;  // stuck at a discontinuity
    // CVODE leaves y at the last successful step; report where and why it stopped.
    sunrealtype t_last = t_;
    CVodeGetCurrentTime(cv, &t_last);
    IntegrationFailure failure;
    failure.time = t_last;
    std::string why = detail::name_of_flag(flag, CVodeGetReturnFlagName);
    if (!workspace_.problem().empty()) why += ": " + workspace_.problem();
    else if (!s.callback_error.empty()) why += ": " + s.callback_error;
    else if (!s.errors.last_message.empty()) why += ": " + s.errors.last_message;
    failure.message = why;

    // Largest weighted local errors, by id: where the integrator was struggling.
    std::vector<double> weights(system_.size()), errors(system_.size());
    detail::VectorHandle w(N_VMake_Serial(static_cast<sunindextype>(system_.size()), weights.data(), s.context));
    detail::VectorHandle e(N_VMake_Serial(static_cast<sunindextype>(system_.size()), errors.data(), s.context));
    if (CVodeGetErrWeights(cv, w.get()) >= 0 && CVodeGetEstLocalErrors(cv, e.get()) >= 0) {
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
    for (double t : output_times) {
        const bool reached = events ? events->advance(t, output_times.back()) : integrator.advance(t, output_times.back());
        if (!reached) break;
        const auto x = integrator.state();
        result.trajectory.times.push_back(t);
        result.trajectory.states.insert(result.trajectory.states.end(), x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
        system.observables(integrator.workspace(), t, x.data(), observed.data());
        result.trajectory.observables.insert(result.trajectory.observables.end(), observed.begin(), observed.end());
    }
    result.stats = integrator.stats();
    result.linear_solver = integrator.linear_solver();
    result.failure = integrator.failure();
    return result;
}

}  // namespace ntsim::solver
