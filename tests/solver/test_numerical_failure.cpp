// Numerical failure is a result, not a crash: each cause of a failed integration gets its status,
// the time, and the entity (by id and expression) that caused it; the per-run limits stop a
// pathological run.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>

#include <cvode/cvode.h>

#include "models/models.hpp"
#include "solver/solver.hpp"
#include "solver/sundials_support.hpp"
#include "tests/solver/robertson_model.hpp"
#include "tests/support/compiled_model.hpp"

using namespace ntsim;
using testing::compile_text;
using testing::robertson_model;
using solver::FailureCause;

namespace {

solver::SimulationResult run(const testing::CompiledModel& c, std::vector<double> times, const solver::SolverOptions& options = {}) {
    const auto& s = c.system;
    return solver::simulate(s, s.default_inputs(), s.default_state(), times, options);
}

// One species A read by reaction "r", which makes B at `rate` (units `unit`).
std::string one_rate(double a0, const std::string& unit, const std::string& rate, const std::string& observables = "[]") {
    return R"({"species": [{"id": "A", "initial": )" + std::to_string(a0) + R"(, "unit": "nM"}, {"id": "B", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": ")" + unit + R"(", "source": "assumed: test"}],
      "reactions": [{"id": "r", "products": ["B"], "modifiers": [{"species": "A", "role": "activator"}],
                     "rate": {"type": "expression", "expression": ")" + rate + R"("}}],
      "observables": )" + observables + "}";
}

}  // namespace

TEST_CASE("log of zero in a rate is non_finite, naming the reaction, its expression and the term", "[solver][failure]") {
    // A starts at 0, so log(A) = -inf at the very first evaluation (t = 0).
    const auto c = compile_text(one_rate(0, "nM/s", "k*(1 + log(A))"));
    const auto r = run(c, {0.0, 10.0});
    REQUIRE(r.failure);
    CHECK(r.failure->cause == FailureCause::non_finite);
    CHECK(r.failure->time == 0.0);
    CHECK_THAT(r.failure->message, Catch::Contains("reaction 'r' is -inf at t = 0 s"));
    CHECK_THAT(r.failure->message, Catch::Contains("log(A) = -inf where A = 0"));
    CHECK_THAT(r.failure->message, Catch::Contains("(expression: k*(1 + log(A)))"));
    CHECK(r.failure->worst_components.empty());  // no step taken: no error estimates to rank
}

TEST_CASE("pow overflow in a rate is non_finite, naming the overflowing term and its operand", "[solver][failure]") {
    // 10^400 overflows a double.
    const auto c = compile_text(one_rate(400, "nM/s", "k*pow(10, A)"));
    const auto r = run(c, {0.0, 10.0});
    REQUIRE(r.failure);
    CHECK(r.failure->cause == FailureCause::non_finite);
    CHECK_THAT(r.failure->message, Catch::Contains("10^A = inf where A = 400"));
}

TEST_CASE("division by zero mid-run is non_finite at the time the divisor reaches zero", "[solver][failure]") {
    // floor(5 - time) is 0 for 4 < t <= 5, so k/floor(5 - time) is infinite there and finite
    // (1/4, 1/3, 1/2, 1) before: CVODE creeps up to t = 4, refused beyond it, until it gives up.
    const auto c = compile_text(one_rate(10, "nM/s", "k/floor(5 - time)"));
    solver::SolverOptions options;
    options.max_steps = 10'000;  // enough to reach t = 4; the rest would only creep closer
    const auto r = run(c, {0.0, 10.0}, options);
    REQUIRE(r.failure);
    CHECK(r.failure->cause == FailureCause::non_finite);
    CHECK(r.failure->time == Approx(4.0));
    CHECK_THAT(r.failure->message, Catch::Contains("k/floor(5 - time) = inf where k = 1, time = "));
}

TEST_CASE("a non-finite observable at an output is non_finite, naming the observable", "[solver][failure]") {
    // B/A is 0/0 at t = 0; no rate is affected, so only the observable check can see it.
    const auto c = compile_text(one_rate(0, "nM/s", "k", R"([{"id": "ratio", "expression": "B/A"}])"));
    const auto r = run(c, {0.0, 10.0});
    REQUIRE(r.failure);
    CHECK(r.failure->cause == FailureCause::non_finite);
    CHECK_THAT(r.failure->message, Catch::Contains("observable 'ratio'") && Catch::Contains("(expression: B/A)"));
    CHECK(r.trajectory.times.empty());  // the NaN row is not written
}

TEST_CASE("a species draining below zero is negative_state unless the check is off", "[solver][failure]") {
    // dA/dt = -1 nM/s whatever A is, so A = 10 - t crosses 0 at t = 10 s; the output at 20 s
    // sees A = -10, far below 10 * (atol + rtol * 10 nM) = 1e-4 nM.
    const auto c = compile_text(R"({"species": [{"id": "A", "initial": 10, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "nM/s", "source": "assumed: test"}],
      "reactions": [{"id": "drain", "reactants": ["A"], "rate": {"type": "expression", "expression": "k"}}]})");
    const auto r = run(c, {0.0, 5.0, 20.0});
    REQUIRE(r.failure);
    CHECK(r.failure->cause == FailureCause::negative_state);
    CHECK(r.failure->time == 20.0);
    CHECK_THAT(r.failure->message, Catch::Contains("species 'A' is -10 at t = 20 s") && Catch::Contains("-0.0001"));
    CHECK(r.trajectory.times.size() == 2);

    solver::SolverOptions signed_states;
    signed_states.check_negative_states = false;
    const auto allowed = run(c, {0.0, 5.0, 20.0}, signed_states);
    CHECK_FALSE(allowed.failure);
    CHECK(allowed.trajectory.states.back() == Approx(-10.0));
}

TEST_CASE("a species that starts negative is not held to the negative-state check", "[solver][failure]") {
    // Such a start only comes from a model that means it (an SBML variable); here -5 -> -25.
    const auto c = compile_text(R"({"species": [{"id": "A", "initial": 10, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "nM/s", "source": "assumed: test"}],
      "reactions": [{"id": "drain", "reactants": ["A"], "rate": {"type": "expression", "expression": "k"}}]})");
    const auto& s = c.system;
    const auto r = solver::simulate(s, s.default_inputs(), std::vector<double>{-5.0}, {0.0, 20.0}, {});
    CHECK_FALSE(r.failure);
    CHECK(r.trajectory.states.back() == Approx(-25.0));
}

TEST_CASE("max_steps between outputs gives too_much_work, max_run_steps over the run gives step_limit", "[solver][failure]") {
    // Robertson needs a few hundred steps to 1e5 s: 50 per output interval are too few.
    const auto c = compile_text(robertson_model);
    solver::SolverOptions per_output;
    per_output.max_steps = 50;
    const auto work = run(c, {0.0, 1e5}, per_output);
    REQUIRE(work.failure);
    CHECK(work.failure->cause == FailureCause::too_much_work);
    CHECK(work.failure->worst_components.size() == 3);

    // Forcing at 1 rad/s sampled every 10 s for 1000 s: each interval takes some tens of steps,
    // well under max_steps = 500, but the run as a whole needs thousands, over max_run_steps = 300.
    const auto forced = compile_text(R"json({"species": [{"id": "A", "initial": 1, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "1/s", "source": "assumed: test"},
                     {"id": "s", "value": 1, "unit": "nM/s", "source": "assumed: test"}],
      "reactions": [{"id": "forced", "products": ["A"], "rate": {"type": "expression", "expression": "s*(1 + sin(time))"}},
                    {"id": "decay", "reactants": ["A"], "rate": {"type": "mass_action", "kf": "k"}}]})json");
    std::vector<double> times;
    for (int k = 0; k <= 100; ++k) times.push_back(k * 10.0);
    solver::SolverOptions per_run;
    per_run.max_steps = 500;
    per_run.max_run_steps = 300;
    const auto limited = run(forced, times, per_run);
    REQUIRE(limited.failure);
    CHECK(limited.failure->cause == FailureCause::step_limit);
    CHECK_THAT(limited.failure->message, Catch::Contains("limit of 300 internal steps"));
    CHECK(limited.stats.steps <= 300);
    CHECK(limited.trajectory.times.size() > 2);  // outputs before the budget ran out are kept
    CHECK(limited.trajectory.times.size() < 101);
}

TEST_CASE("max_run_seconds stops a pathological run with time_limit within a fraction of a second", "[solver][failure]") {
    // Forcing at 1000 rad/s over a day needs on the order of 1e8 steps (minutes); the limit of
    // 0.2 s must end it long before, checked every 256 RHS calls.
    const auto c = compile_text(R"json({"species": [{"id": "A", "initial": 1, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "1/s", "source": "assumed: test"},
                     {"id": "s", "value": 1, "unit": "nM/s", "source": "assumed: test"}],
      "reactions": [{"id": "forced", "products": ["A"], "rate": {"type": "expression", "expression": "s*(1 + sin(1000*time))"}},
                    {"id": "decay", "reactants": ["A"], "rate": {"type": "mass_action", "kf": "k"}}]})json");
    solver::SolverOptions options;
    options.max_run_seconds = 0.2;
    options.max_steps = 100'000'000;
    options.max_run_steps = 1'000'000'000;
    const auto start = std::chrono::steady_clock::now();
    const auto r = run(c, {0.0, 86400.0}, options);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(r.failure);
    CHECK(r.failure->cause == FailureCause::time_limit);
    CHECK_THAT(r.failure->message, Catch::Contains("wall-clock limit of 0.2 s"));
    CHECK(r.failure->time > 0.0);
    CHECK(r.failure->time < 86400.0);
    CHECK(elapsed < 2.0);
}

TEST_CASE("CVODE's failure flags map to their causes", "[solver][failure]") {
    // Error-test and convergence failures cannot be provoked reliably through a compiled model
    // with an exact Jacobian, so the mapping the integrator applies to them is checked directly.
    using solver::detail::cause_of_cvode_flag;
    CHECK(cause_of_cvode_flag(CV_ERR_FAILURE, false) == FailureCause::error_test_failures);
    CHECK(cause_of_cvode_flag(CV_CONV_FAILURE, false) == FailureCause::convergence_failures);
    CHECK(cause_of_cvode_flag(CV_TOO_MUCH_WORK, false) == FailureCause::too_much_work);
    CHECK(cause_of_cvode_flag(CV_TOO_MUCH_WORK, true) == FailureCause::step_limit);
    CHECK(cause_of_cvode_flag(CV_TOO_MUCH_ACC, false) == FailureCause::solver_error);
    CHECK(solver::to_string(FailureCause::error_test_failures) == "error_test_failures");
}

TEST_CASE("the dense linear solver is refused for a system too large for its matrix", "[solver][limits]") {
    // 6000 states would need 0.29 GB of dense matrix per integrator.
    std::string species;
    for (int i = 0; i < 6000; ++i) species += (i ? "," : "") + std::string(R"({"id": "s)") + std::to_string(i) + R"(", "initial": 1, "unit": "nM"})";
    const auto c = compile_text(R"({"species": [)" + species + R"(],
      "parameters": [{"id": "k", "value": 1, "unit": "1/s", "source": "assumed: test"}],
      "reactions": [{"id": "r", "reactants": ["s0"], "rate": {"type": "mass_action", "kf": "k"}}]})");
    solver::SolverOptions dense;
    dense.linear_solver = solver::LinearSolverKind::dense;
    CHECK_THROWS_WITH(solver::Integrator(c.system, dense), Catch::Contains("use klu") && Catch::Contains("6000 states"));
}
