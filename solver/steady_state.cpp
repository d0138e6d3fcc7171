// Steady state: Newton (KINSOL, sparse LU by KLU) on the system with conservation laws, falling back to
// integration over growing horizons with Newton retried after each, then polishing the integrated
// state with Newton.
#include "solver/steady_state.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <kinsol/kinsol.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include "solver/sundials_support.hpp"

namespace ntsim::solver {

namespace {

// Pivots smaller than this (relative to the largest entry) count as zero in the elimination.
constexpr double rank_tolerance = 1e-10;

struct KinsolDeleter {
    void operator()(void* memory) const { KINFree(&memory); }
};

double max_scaled_rate(const std::vector<double>& rate, std::span<const double> x, const SteadyStateOptions& o) {
    double worst = 0.0;
    for (std::size_t i = 0; i < rate.size(); ++i)
        worst = std::max(worst, std::fabs(rate[i]) / (o.rate_atol + o.rate_rtol * std::fabs(x[i])));
    return std::isfinite(worst) ? worst : INFINITY;
}

// Row-reduces N^T (reactions x states); free columns are the dependent states. Returns the
// pivot flag per state and the law for each free state (coefficient 1 on that state).
struct ConservationAnalysis {
    std::vector<bool> independent;
    std::vector<int> law_state;                 // the state whose equation each law replaces
    std::vector<std::vector<double>> laws;
};

ConservationAnalysis analyse_conservation(const OdeSystem& system, const Workspace& ws) {
    const auto outside = system.states_outside_stoichiometry();
    const std::size_t n = system.size(), m = system.reaction_ids().size() + outside.size();
    std::vector<std::vector<double>> a(m, std::vector<double>(n, 0.0));
    double scale = 0.0;
    for (const auto& e : system.stoichiometric_matrix(ws)) {
        a[e.reaction][e.state] += e.coefficient;
        scale = std::max(scale, std::fabs(e.coefficient));
    }
    // A state driven by a rate rule or a variable stoichiometry gets a flux of its own, so no
    // conservation law can pin it (SBML models).
    for (std::size_t k = 0; k < outside.size(); ++k) a[system.reaction_ids().size() + k][static_cast<std::size_t>(outside[k])] = 1.0;
    if (!outside.empty()) scale = std::max(scale, 1.0);
    ConservationAnalysis result;
    result.independent.assign(n, false);
    std::vector<int> pivot_column_of_row;
    std::size_t row = 0;
    for (std::size_t col = 0; col < n && row < m; ++col) {
        std::size_t best = row;
        for (std::size_t r = row + 1; r < m; ++r)
            if (std::fabs(a[r][col]) > std::fabs(a[best][col])) best = r;
        if (std::fabs(a[best][col]) <= rank_tolerance * std::max(scale, 1.0)) continue;
        std::swap(a[row], a[best]);
        const double pivot = a[row][col];
        for (double& v : a[row]) v /= pivot;
        for (std::size_t r = 0; r < m; ++r) {
            if (r == row || a[r][col] == 0.0) continue;
            const double factor = a[r][col];
            for (std::size_t c = col; c < n; ++c) a[r][c] -= factor * a[row][c];
        }
        result.independent[col] = true;
        pivot_column_of_row.push_back(static_cast<int>(col));
        ++row;
    }
    for (std::size_t f = 0; f < n; ++f) {
        if (result.independent[f]) continue;
        std::vector<double> law(n, 0.0);
        law[f] = 1.0;
        for (std::size_t r = 0; r < pivot_column_of_row.size(); ++r) law[pivot_column_of_row[r]] = -a[r][f];
        result.laws.push_back(std::move(law));
        result.law_state.push_back(static_cast<int>(f));
    }
    return result;
}

// The Jacobian of the Newton system in compressed columns: the ODE Jacobian's entries outside
// the law rows, and in each law's row its nonzero coefficients. Each value comes from `source`:
// an index into the ODE Jacobian's values, or -(law + 1) for that law's coefficient.
struct NewtonPattern {
    std::vector<sunindextype> column_starts, rows;
    std::vector<long> source;
};

NewtonPattern newton_pattern(const SparsityPattern& jacobian, const ConservationAnalysis& conservation, std::size_t n) {
    std::vector<int> law_of_row(n, -1);
    for (std::size_t law = 0; law < conservation.laws.size(); ++law) law_of_row[conservation.law_state[law]] = static_cast<int>(law);
    NewtonPattern out;
    out.column_starts.push_back(0);
    std::vector<std::pair<sunindextype, long>> column;  // (row, source)
    for (std::size_t j = 0; j < n; ++j) {
        column.clear();
        for (int k = jacobian.column_starts[j]; k < jacobian.column_starts[j + 1]; ++k)
            if (law_of_row[jacobian.rows[k]] < 0) column.emplace_back(jacobian.rows[k], k);
        for (std::size_t law = 0; law < conservation.laws.size(); ++law)
            if (conservation.laws[law][j] != 0.0) column.emplace_back(conservation.law_state[law], -static_cast<long>(law) - 1);
        std::sort(column.begin(), column.end());
        for (const auto& [row, source] : column) {
            out.rows.push_back(row);
            out.source.push_back(source);
        }
        out.column_starts.push_back(static_cast<sunindextype>(out.rows.size()));
    }
    return out;
}

// f(x) with each dependent state's equation replaced by its conservation law.
struct NewtonProblem {
    const OdeSystem* system;
    Workspace* workspace;
    const ConservationAnalysis* conservation;
    const NewtonPattern* pattern;
    std::vector<double> totals;
    std::vector<double> jacobian_values;
    std::string error;
};

int newton_residual(N_Vector u, N_Vector f, void* user_data) {
    auto* p = static_cast<NewtonProblem*>(user_data);
    try {
        const double* x = N_VGetArrayPointer(u);
        double* out = N_VGetArrayPointer(f);
        if (!p->system->rhs(*p->workspace, 0.0, x, out)) return 1;
        const std::size_t n = p->system->size();
        for (std::size_t k = 0; k < p->conservation->laws.size(); ++k) {
            double sum = -p->totals[k];
            for (std::size_t j = 0; j < n; ++j) sum += p->conservation->laws[k][j] * x[j];
            out[p->conservation->law_state[k]] = sum;
        }
        return 0;
    } catch (const std::exception& e) {
        p->error = e.what();
        return -1;
    }
}

int newton_jacobian(N_Vector u, N_Vector, SUNMatrix J, void* user_data, N_Vector, N_Vector) {
    auto* p = static_cast<NewtonProblem*>(user_data);
    try {
        const NewtonPattern& pattern = *p->pattern;
        p->system->jacobian(*p->workspace, 0.0, N_VGetArrayPointer(u), p->jacobian_values.data());
        // KINSOL zeroes the whole sparse matrix, structure included, before each evaluation.
        std::copy(pattern.column_starts.begin(), pattern.column_starts.end(), SUNSparseMatrix_IndexPointers(J));
        std::copy(pattern.rows.begin(), pattern.rows.end(), SUNSparseMatrix_IndexValues(J));
        double* values = SUNSparseMatrix_Data(J);
        for (std::size_t j = 0; j + 1 < pattern.column_starts.size(); ++j)
            for (auto k = pattern.column_starts[j]; k < pattern.column_starts[j + 1]; ++k) {
                const long source = pattern.source[static_cast<std::size_t>(k)];
                values[k] = source >= 0 ? p->jacobian_values[static_cast<std::size_t>(source)]
                                        : p->conservation->laws[static_cast<std::size_t>(-source - 1)][j];
            }
        return 0;
    } catch (const std::exception& e) {
        p->error = e.what();
        return -1;
    }
}

// One Newton solve from `x`; returns true and overwrites `x` on convergence to a non-negative root.
bool newton(const OdeSystem& system, Workspace& ws, const ConservationAnalysis& conservation, const NewtonPattern& pattern,
            std::vector<double>& x, const SteadyStateOptions& options, std::string& message) {
    const std::size_t n = system.size();
    NewtonProblem problem{&system, &ws, &conservation, &pattern, {}, std::vector<double>(system.jacobian_pattern().rows.size()), {}};
    for (const auto& law : conservation.laws) {
        double total = 0.0;
        for (std::size_t j = 0; j < n; ++j) total += law[j] * x[j];
        problem.totals.push_back(total);
    }

    sundials::Context context;
    detail::ErrorCapture errors;
    detail::SerialVector u(n, context), scale(n, context), constraints(n, context);
    std::copy(x.begin(), x.end(), u.data().begin());
    std::fill(scale.data().begin(), scale.data().end(), 1.0);
    std::fill(constraints.data().begin(), constraints.data().end(), 1.0);  // every state >= 0
    detail::MatrixHandle matrix(SUNSparseMatrix(static_cast<sunindextype>(n), static_cast<sunindextype>(n),
                                                static_cast<sunindextype>(pattern.rows.size()), CSC_MAT, context));
    detail::LinearSolverHandle linear_solver(SUNLinSol_KLU(u.get(), matrix.get(), context));
    std::unique_ptr<void, KinsolDeleter> kinsol(KINCreate(context));
    void* kin = kinsol.get();
    auto ok = [&](int flag, const char* what) { detail::check(flag, "find_steady_state", what, errors, KINGetReturnFlagName); };
    ok(KINSetErrHandlerFn(kin, detail::ErrorCapture::handler, &errors), "KINSetErrHandlerFn");
    ok(KINInit(kin, newton_residual, u.get()), "KINInit");
    ok(KINSetUserData(kin, &problem), "KINSetUserData");
    ok(KINSetLinearSolver(kin, linear_solver.get(), matrix.get()), "KINSetLinearSolver");
    ok(KINSetJacFn(kin, newton_jacobian), "KINSetJacFn");
    ok(KINSetConstraints(kin, constraints.get()), "KINSetConstraints");
    ok(KINSetFuncNormTol(kin, options.rate_atol * 1e-2), "KINSetFuncNormTol");
    ok(KINSetNumMaxIters(kin, 200), "KINSetNumMaxIters");
    // Plain Newton steps, a fresh Jacobian each: KINSOL's line search, on rates and totals of very
    // different scales, accepted only small fractions of each step, with a Jacobian refreshed every
    // 10th (the shipped network took 49 iterations and 750 rate evaluations from a state where
    // these full steps take 6). Steps stay cut to keep every state non-negative, and what Newton
    // returns is checked below.
    ok(KINSetMaxSetupCalls(kin, 1), "KINSetMaxSetupCalls");
    const int flag = KINSol(kin, u.get(), KIN_NONE, scale.get(), scale.get());
    if (flag < 0) {
        message = fmt::format("Newton: {} {}", detail::name_of_flag(flag, KINGetReturnFlagName), errors.last_message);
        return false;
    }
    std::vector<double> rate(n);
    if (!system.rhs(ws, 0.0, u.data().data(), rate.data())) return false;
    if (max_scaled_rate(rate, u.data(), options) > 1.0) {
        message = "Newton stopped at a point that is not a steady state";
        return false;
    }
    x = u.data();
    return true;
}

}  // namespace

std::string to_string(SteadyStateMethod method) {
    switch (method) {
        case SteadyStateMethod::newton: return "newton";
        case SteadyStateMethod::integration: return "integration";
        case SteadyStateMethod::integration_then_newton: return "integration then newton";
        case SteadyStateMethod::none: return "none";
    }
    return "?";
}

std::vector<std::vector<double>> conservation_laws(const OdeSystem& system, std::span<const double> inputs) {
    Workspace ws(system);
    ws.set_inputs(inputs);
    return analyse_conservation(system, ws).laws;
}

SteadyStateResult find_steady_state(const OdeSystem& system, std::span<const double> inputs,
                                    std::span<const double> x0, const SteadyStateOptions& options) {
    SteadyStateResult result;
    const std::size_t n = system.size();
    Workspace ws(system);
    ws.set_inputs(inputs);
    std::vector<double> x(x0.begin(), x0.end());
    std::vector<double> rate(n);
    const bool newton_allowed = n <= options.max_newton_states;
    std::string newton_message;

    auto finish = [&](SteadyStateMethod method) {
        system.rhs(ws, 0.0, x.data(), rate.data());
        result.max_scaled_rate = max_scaled_rate(rate, x, options);
        result.converged = result.max_scaled_rate <= 1.0;
        result.method = method;
        result.state = x;
        return result;
    };

    // The laws depend on the inputs only; the analysis is dense, so it is done once.
    std::optional<ConservationAnalysis> conservation;
    std::optional<NewtonPattern> pattern;
    auto newton_from = [&](std::vector<double>& y) {
        if (!newton_allowed) return false;
        if (!conservation) {
            conservation = analyse_conservation(system, ws);
            pattern = newton_pattern(system.jacobian_pattern(), *conservation, n);
        }
        return newton(system, ws, *conservation, *pattern, y, options, newton_message);
    };
    if (newton_from(x)) return finish(SteadyStateMethod::newton);
    x.assign(x0.begin(), x0.end());

    // Integrate over growing horizons until the rates are negligible. Newton is retried after
    // each horizon: from a state the dynamics have brought near the root it usually converges,
    // which saves integrating the slowest modes out (thousands of steps).
    Integrator integrator(system, options.integration);
    integrator.start(0.0, x, inputs);
    auto record_integration = [&] {
        result.stats = integrator.stats();
        result.time_integrated_s = integrator.time();
    };
    double horizon = 1.0;
    while (horizon <= options.max_time_s) {
        if (!integrator.advance(horizon, horizon)) break;
        const auto state = integrator.state();
        system.rhs(ws, horizon, state.data(), rate.data());
        if (max_scaled_rate(rate, state, options) <= 1.0) break;
        std::vector<double> y(state.begin(), state.end());
        if (newton_from(y)) {
            record_integration();
            x = std::move(y);
            return finish(SteadyStateMethod::integration_then_newton);
        }
        horizon *= 10.0;
    }
    record_integration();
    x.assign(integrator.state().begin(), integrator.state().end());
    if (integrator.failure()) {
        result.message = integrator.failure()->message;
        result.failure_cause = integrator.failure()->cause;
    }
    if (newton_from(x)) return finish(SteadyStateMethod::integration_then_newton);
    finish(SteadyStateMethod::integration);
    if (!result.converged && result.message.empty())
        result.message = fmt::format("no steady state within {} s (max scaled rate {:.3g}); {}", options.max_time_s,
                                     result.max_scaled_rate, newton_message);
    return result;
}

}  // namespace ntsim::solver
