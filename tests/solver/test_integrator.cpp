// Integration against known answers: analytic solutions, equilibria, conservation, the stiff
// Robertson problem, and failures reported as results.
#include <catch2/catch.hpp>

#include <cmath>

#include "models/models.hpp"
#include "solver/solver.hpp"
#include "tests/solver/robertson_model.hpp"
#include "tests/support/compiled_model.hpp"

using namespace ntsim;
using testing::compile_text;
using testing::robertson_model;

namespace {

double state_at(const solver::SimulationResult& r, const solver::OdeSystem& s, std::size_t row, const std::string& id) {
    return r.trajectory.states[row * s.size() + *s.state_index(id)];
}

std::vector<double> linspace(double a, double b, std::size_t n) {
    std::vector<double> t(n);
    for (std::size_t k = 0; k < n; ++k) t[k] = a + (b - a) * static_cast<double>(k) / static_cast<double>(n - 1);
    return t;
}

// Principal branch of Lambert W for x >= 0 (Halley iteration).
double lambert_w(double x) {
    double w = std::log1p(x);
    for (int i = 0; i < 50; ++i) {
        const double e = std::exp(w), f = w * e - x;
        const double step = f / (e * (w + 1) - (w + 2) * f / (2 * w + 2));
        w -= step;
        if (std::fabs(step) < 1e-15 * (1 + std::fabs(w))) break;
    }
    return w;
}

const char* chain_model = R"json({
  "species": [
    {"id": "A", "initial": 10, "unit": "uM"},
    {"id": "B", "initial": 0, "unit": "nM"},
    {"id": "C", "initial": 0, "unit": "nM"}],
  "parameters": [
    {"id": "k1", "value": 0.3, "unit": "1/min", "source": "assumed: test value"},
    {"id": "k2", "value": 0.002, "unit": "1/s", "source": "assumed: test value"}],
  "reactions": [
    {"id": "r1", "reactants": ["A"], "products": ["B"], "rate": {"type": "mass_action", "kf": "k1"}},
    {"id": "r2", "reactants": ["B"], "products": ["C"], "rate": {"type": "mass_action", "kf": "k2"}}]
})json";

}  // namespace

TEST_CASE("first-order chain A -> B -> C follows the analytic solution", "[solver][integrator]") {
    // Reference: A = A0 e^{-k1 t}, B = A0 k1/(k2-k1) (e^{-k1 t} - e^{-k2 t}), C = A0 - A - B.
    // Units in the file (uM, 1/min) exercise conversion: A0 = 1e4 nM, k1 = 0.005 /s.
    const auto c = compile_text(chain_model);
    const auto& s = c.system;
    const double a0 = 1e4, k1 = 0.3 / 60, k2 = 0.002;
    solver::SolverOptions options;
    options.rtol = 1e-10;
    options.atol = 1e-10;
    for (auto solver_kind : {solver::LinearSolverKind::dense, solver::LinearSolverKind::klu}) {
        options.linear_solver = solver_kind;
        const auto times = linspace(0, 3600, 61);
        const auto r = solver::simulate(s, s.default_inputs(), s.default_state(), times, options);
        REQUIRE_FALSE(r.failure);
        for (std::size_t k = 0; k < times.size(); ++k) {
            const double t = times[k];
            const double a = a0 * std::exp(-k1 * t);
            const double b = a0 * k1 / (k2 - k1) * (std::exp(-k1 * t) - std::exp(-k2 * t));
            // rtol 1e-10 on the solver gives global errors of a few 1e-9 relative.
            CHECK(state_at(r, s, k, "A") == Approx(a).epsilon(1e-7).margin(1e-6));
            CHECK(state_at(r, s, k, "B") == Approx(b).epsilon(1e-7).margin(1e-6));
            CHECK(state_at(r, s, k, "C") == Approx(a0 - a - b).epsilon(1e-7).margin(1e-6));
        }
    }
}

TEST_CASE("reversible binding A + B <-> C reaches the analytic equilibrium", "[solver][integrator]") {
    // Reference: C solves (A0 - C)(B0 - C) = Kd C with Kd = kr/kf, the smaller root.
    const auto c = compile_text(R"json({
      "species": [{"id": "A", "initial": 5, "unit": "nM"}, {"id": "B", "initial": 8, "unit": "nM"},
                  {"id": "C", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "kf", "value": 1e6, "unit": "1/(M*s)", "source": "assumed: test"},
                     {"id": "kr", "value": 2e-3, "unit": "1/s", "source": "assumed: test"}],
      "reactions": [{"id": "bind", "reactants": ["A", "B"], "products": ["C"],
                     "rate": {"type": "mass_action", "kf": "kf", "kr": "kr"}}]})json");
    const auto& s = c.system;
    const double kd = 2e-3 / 1e-3;  // kf = 1e6 /M/s = 1e-3 /nM/s -> Kd = 2 nM
    const double a0 = 5, b0 = 8;
    const double sum = a0 + b0 + kd;
    const double c_eq = (sum - std::sqrt(sum * sum - 4 * a0 * b0)) / 2;
    solver::SolverOptions options;
    options.rtol = 1e-10;
    options.atol = 1e-12;
    const auto r = solver::simulate(s, s.default_inputs(), s.default_state(), {0.0, 1e5}, options);
    REQUIRE_FALSE(r.failure);
    CHECK(state_at(r, s, 1, "C") == Approx(c_eq).epsilon(1e-8));
    CHECK(state_at(r, s, 1, "A") == Approx(a0 - c_eq).epsilon(1e-8));

    // The steady-state solver must find the same point, with A + C and B + C conserved.
    const auto steady = solver::find_steady_state(s, s.default_inputs(), s.default_state());
    REQUIRE(steady.converged);
    CHECK(steady.method == solver::SteadyStateMethod::newton);
    CHECK(steady.state[*s.state_index("C")] == Approx(c_eq).epsilon(1e-9));
    CHECK(steady.state[*s.state_index("B")] == Approx(b0 - c_eq).epsilon(1e-9));
}

TEST_CASE("a Michaelis-Menten conversion follows the Lambert-W solution", "[solver][integrator]") {
    // Reference: for dS/dt = -Vmax S/(Km + S), S(t) = Km W((S0/Km) exp((S0 - Vmax t)/Km))
    // (Schnell & Mendoza 1997); P = S0 - S. Enzyme amount E = 20 nM, kcat = 0.5/s -> Vmax 10 nM/s.
    const auto c = compile_text(R"json({
      "species": [{"id": "S", "initial": 0.5, "unit": "uM"}, {"id": "P", "initial": 0, "unit": "nM"},
                  {"id": "E", "initial": 20, "unit": "nM", "constant": true}],
      "parameters": [{"id": "kcat", "value": 0.5, "unit": "1/s", "source": "assumed: test"},
                     {"id": "Km", "value": 150, "unit": "nM", "source": "assumed: test"}],
      "reactions": [{"id": "cat", "reactants": ["S"], "products": ["P"],
                     "modifiers": [{"species": "E", "role": "enzyme"}],
                     "rate": {"type": "michaelis_menten", "kcat": "kcat", "Km": "Km"}}]})json");
    const auto& s = c.system;
    const double s0 = 500, km = 150, vmax = 10;
    solver::SolverOptions options;
    options.rtol = 1e-10;
    options.atol = 1e-12;
    const auto times = linspace(0, 120, 25);
    const auto r = solver::simulate(s, s.default_inputs(), s.default_state(), times, options);
    REQUIRE_FALSE(r.failure);
    for (std::size_t k = 0; k < times.size(); ++k) {
        const double expected = km * lambert_w(s0 / km * std::exp((s0 - vmax * times[k]) / km));
        CHECK(state_at(r, s, k, "S") == Approx(expected).epsilon(1e-7).margin(1e-8));
        CHECK(state_at(r, s, k, "P") == Approx(s0 - expected).epsilon(1e-7).margin(1e-8));
    }
}

TEST_CASE("the stiff Robertson problem matches the reference at t = 4e5", "[solver][integrator]") {
    // Reference: Robertson (1966) chemical kinetics as in SUNDIALS' cvRoberts_dns example;
    // values at t = 4e5 from scipy Radau at rtol 1e-12 (y1 = 4.9382745e-3, y2 = 1.9849941e-8,
    // y3 = 0.99506171), consistent with the cvRoberts_dns output at its looser rtol 1e-4.
    const auto c = compile_text(R"json({
      "species": [{"id": "y1", "initial": 1, "unit": "nM"}, {"id": "y2", "initial": 0, "unit": "nM"},
                  {"id": "y3", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "k1", "value": 0.04, "unit": "1/s", "source": "Robertson 1966"},
                     {"id": "k2", "value": 3e7, "unit": "1/(nM*s)", "source": "Robertson 1966"},
                     {"id": "k3", "value": 1e4, "unit": "1/(nM*s)", "source": "Robertson 1966"}],
      "reactions": [
        {"id": "r1", "reactants": ["y1"], "products": ["y2"], "rate": {"type": "mass_action", "kf": "k1"}},
        {"id": "r2", "reactants": [{"species": "y2", "stoichiometry": 2}], "products": ["y2", "y3"],
         "rate": {"type": "expression", "expression": "k2 * y2^2"}},
        {"id": "r3", "reactants": ["y2", "y3"], "products": ["y1", "y3"], "rate": {"type": "mass_action", "kf": "k3"}}]})json");
    const auto& s = c.system;
    solver::SolverOptions options;
    options.rtol = 1e-10;
    options.atol = 1e-16;  // y2 is ~1e-8: the absolute tolerance must be far below it
    const auto r = solver::simulate(s, s.default_inputs(), s.default_state(), {0.0, 0.4, 4e5}, options);
    REQUIRE_FALSE(r.failure);
    CHECK(state_at(r, s, 1, "y1") == Approx(0.98517211386).epsilon(1e-7));
    CHECK(state_at(r, s, 2, "y1") == Approx(4.9382745210e-3).epsilon(1e-5));
    CHECK(state_at(r, s, 2, "y2") == Approx(1.9849940880e-8).epsilon(1e-5));
    CHECK(state_at(r, s, 2, "y3") == Approx(0.99506170563).epsilon(1e-7));
    // Mass is conserved: y1 + y2 + y3 = 1.
    CHECK(state_at(r, s, 2, "y1") + state_at(r, s, 2, "y2") + state_at(r, s, 2, "y3") == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("a closed cycle with nonlinear rates conserves total mass", "[solver][integrator]") {
    // Reference: A -> B -> C -> A only moves mass around; A + B + C stays at its initial 600 nM
    // to within the solver tolerance at every output.
    const auto c = compile_text(R"json({
      "species": [{"id": "A", "initial": 300, "unit": "nM"}, {"id": "B", "initial": 200, "unit": "nM"},
                  {"id": "C", "initial": 100, "unit": "nM"}],
      "parameters": [{"id": "V", "value": 3, "unit": "nM/s", "source": "assumed: test"},
                     {"id": "K", "value": 40, "unit": "nM", "source": "assumed: test"},
                     {"id": "n", "value": 2, "unit": "1", "source": "assumed: test"},
                     {"id": "k", "value": 0.01, "unit": "1/s", "source": "assumed: test"}],
      "reactions": [
        {"id": "ab", "reactants": ["A"], "products": ["B"], "rate": {"type": "michaelis_menten", "Vmax": "V", "Km": "K"}},
        {"id": "bc", "reactants": ["B"], "products": ["C"], "modifiers": [{"species": "A", "role": "activator"}],
         "rate": {"type": "hill_activation", "V": "k", "K": "K", "n": "n", "activator": "A"}},
        {"id": "ca", "reactants": ["C"], "products": ["A"], "rate": {"type": "mass_action", "kf": "k"}}]})json");
    const auto& s = c.system;
    const auto r = solver::simulate(s, s.default_inputs(), s.default_state(), linspace(0, 5000, 51), {});
    REQUIRE_FALSE(r.failure);
    for (std::size_t k = 0; k < r.trajectory.times.size(); ++k) {
        const double total = state_at(r, s, k, "A") + state_at(r, s, k, "B") + state_at(r, s, k, "C");
        CHECK(total == Approx(600.0).epsilon(1e-7));
    }
    const auto laws = solver::conservation_laws(s, s.default_inputs());
    REQUIRE(laws.size() == 1);
    CHECK(laws[0][0] == Approx(laws[0][1]));
    CHECK(laws[0][1] == Approx(laws[0][2]));
}

TEST_CASE("transport between compartments of different volumes conserves amount", "[solver][integrator]") {
    // Reference: a 1 L plasma and a 0.25 L brain; transfer k*P (per plasma volume) moves amount,
    // so V_p*P + V_b*B is constant and B rises 4x faster than P falls.
    const auto c = compile_text(R"json({
      "compartments": [{"id": "plasma", "size": 1, "unit": "L"}, {"id": "brain", "size": 250, "unit": "mL"}],
      "species": [{"id": "P", "compartment": "plasma", "initial": 100, "unit": "nM"},
                  {"id": "B", "compartment": "brain", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 0.01, "unit": "1/s", "source": "assumed: test"}],
      "reactions": [{"id": "uptake", "reactants": ["P"], "products": ["B"], "rate": {"type": "mass_action", "kf": "k"}}]})json");
    const auto& s = c.system;
    solver::SolverOptions options;
    options.rtol = 1e-10;
    options.atol = 1e-12;
    const auto r = solver::simulate(s, s.default_inputs(), s.default_state(), {0.0, 60.0, 600.0}, options);
    REQUIRE_FALSE(r.failure);
    for (std::size_t k = 0; k < 3; ++k) {
        const double p = state_at(r, s, k, "P"), b = state_at(r, s, k, "B");
        CHECK(1.0 * p + 0.25 * b == Approx(100.0).epsilon(1e-9));
        CHECK(p == Approx(100.0 * std::exp(-0.01 * r.trajectory.times[k])).epsilon(1e-8));
    }
}

TEST_CASE("a rate that becomes infinite is a failed result naming the reaction", "[solver][failure]") {
    // Protects "numerical failure is a result, not a crash": 1/(A - 5) blows up as A decays
    // through 5 nM at t = ln(2)/0.01 s.
    const auto c = compile_text(R"json({
      "species": [{"id": "A", "initial": 10, "unit": "nM"}, {"id": "B", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 0.01, "unit": "1/s", "source": "assumed: test"},
                     {"id": "one", "value": 1, "unit": "nM^2/s", "source": "assumed: test"}],
      "reactions": [
        {"id": "decay", "reactants": ["A"], "rate": {"type": "mass_action", "kf": "k"}},
        {"id": "blowup", "products": ["B"], "modifiers": [{"species": "A", "role": "activator"}],
         "rate": {"type": "expression", "expression": "one / (A - 5) / (A - 5)"}}]})json");
    const auto& s = c.system;
    const auto r = solver::simulate(s, s.default_inputs(), s.default_state(), linspace(0, 200, 11), {});
    REQUIRE(r.failure);
    CHECK(r.failure->time < 70.0);
    CHECK(r.failure->time > 30.0);
    CHECK_THAT(r.failure->message, Catch::Contains("blowup") || Catch::Contains("CV_"));
    CHECK(r.trajectory.times.size() < 11);
    CHECK_FALSE(r.trajectory.times.empty());  // what was computed before the failure is kept
}

TEST_CASE("too much work is a failed result naming the flag and the worst components", "[solver][failure]") {
    // Protects the max-steps limit: the Robertson problem cannot reach 1e5 s in 50 steps.
    const auto c = compile_text(robertson_model);
    const auto& s = c.system;
    solver::SolverOptions options;
    options.max_steps = 50;
    const auto r = solver::simulate(s, s.default_inputs(), s.default_state(), {0.0, 1e5}, options);
    REQUIRE(r.failure);
    CHECK_THAT(r.failure->message, Catch::Contains("CV_TOO_MUCH_WORK"));
    CHECK(r.failure->worst_components.size() == 3);
    CHECK(r.failure->time > 0.0);
    CHECK(r.failure->time < 1e5);
}

TEST_CASE("steady state of synthesis, conversion and degradation is the analytic one", "[solver][steady]") {
    // Reference: 0 -> A (k0), A <-> B (kf, kr), B -> 0 (kd): B* = k0/kd, A* = (k0 + kr B*)/kf.
    const auto c = compile_text(R"json({
      "species": [{"id": "A", "initial": 0, "unit": "nM"}, {"id": "B", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "k0", "value": 2, "unit": "nM/s", "source": "assumed: test"},
                     {"id": "kf", "value": 0.1, "unit": "1/s", "source": "assumed: test"},
                     {"id": "kr", "value": 0.05, "unit": "1/s", "source": "assumed: test"},
                     {"id": "kd", "value": 0.01, "unit": "1/s", "source": "assumed: test"}],
      "reactions": [
        {"id": "make", "products": ["A"], "rate": {"type": "mass_action", "kf": "k0"}},
        {"id": "convert", "reactants": ["A"], "products": ["B"], "rate": {"type": "mass_action", "kf": "kf", "kr": "kr"}},
        {"id": "degrade", "reactants": ["B"], "rate": {"type": "mass_action", "kf": "kd"}}]})json");
    const auto& s = c.system;
    const auto r = solver::find_steady_state(s, s.default_inputs(), s.default_state());
    REQUIRE(r.converged);
    const double b = 2 / 0.01, a = (2 + 0.05 * b) / 0.1;
    CHECK(r.state[*s.state_index("A")] == Approx(a).epsilon(1e-10));
    CHECK(r.state[*s.state_index("B")] == Approx(b).epsilon(1e-10));
}

TEST_CASE("one integrator serves many runs with the same results as fresh ones", "[solver][integrator]") {
    // Protects re-use across sweep runs (CVodeReInit; KLU's analysis kept, its numeric
    // factorisation fresh per run): a run after a different run must equal the same run done first.
    const auto c = compile_text(chain_model);
    const auto& s = c.system;
    for (const auto kind : {solver::LinearSolverKind::dense, solver::LinearSolverKind::klu}) {
        INFO(solver::to_string(kind));
        solver::SolverOptions options;
        options.linear_solver = kind;
        solver::Integrator integrator(s, options);
        auto final_b = [&](double k1) {
            auto inputs = s.default_inputs();
            inputs[*s.input_index("k1")] = k1;
            integrator.start(0.0, s.default_state(), inputs);
            REQUIRE(integrator.advance(600.0, 600.0));
            return integrator.state()[*s.state_index("B")];
        };
        const double first = final_b(0.004);
        final_b(0.02);
        CHECK(final_b(0.004) == first);
    }
}

TEST_CASE("a reused integrator reports only its own run's statistics", "[solver][integrator]") {
    // Protects per-run solver statistics in manifest.json, which must not depend on which runs
    // shared an integrator (thread count, MPI slices): a dose at t = 0 restarts CVODE before its
    // first step, when the Jacobian counter still holds the previous run's count. Reference: the
    // same run on a fresh integrator.
    const auto c = compile_text(chain_model);
    const auto& s = c.system;
    auto dosed_run = [&](solver::Integrator& integrator) {
        integrator.start(0.0, s.default_state(), s.default_inputs());
        std::vector<double> x(integrator.state().begin(), integrator.state().end());
        x[*s.state_index("A")] += 50.0;
        integrator.reset_state(x);
        REQUIRE(integrator.advance(600.0, 600.0));
        return integrator.stats();
    };
    solver::Integrator fresh(s, {}), reused(s, {});
    const auto alone = dosed_run(fresh);
    REQUIRE(alone.jacobian_evaluations > 0);
    dosed_run(reused);
    const auto after = dosed_run(reused);
    CHECK(after.steps == alone.steps);
    CHECK(after.rhs_evaluations == alone.rhs_evaluations);
    CHECK(after.jacobian_evaluations == alone.jacobian_evaluations);
    CHECK(after.linear_setups == alone.linear_setups);
}

TEST_CASE("a state reset mid-run behaves like a dose", "[solver][integrator]") {
    // Reference: A decays first order; adding 50 nM at t = 100 s gives
    // A(200) = (A0 e^{-100k} + 50) e^{-100k}.
    const auto c = compile_text(chain_model);
    const auto& s = c.system;
    solver::SolverOptions options;
    options.rtol = 1e-10;
    options.atol = 1e-10;
    solver::Integrator integrator(s, options);
    integrator.start(0.0, s.default_state(), s.default_inputs());
    REQUIRE(integrator.advance(100.0, 100.0));
    std::vector<double> x(integrator.state().begin(), integrator.state().end());
    const double before = x[*s.state_index("A")];
    x[*s.state_index("A")] += 50.0;
    integrator.reset_state(x);
    CHECK(integrator.state()[*s.state_index("A")] == before + 50.0);
    REQUIRE(integrator.advance(200.0, 200.0));
    const double k1 = 0.005;
    CHECK(integrator.state()[*s.state_index("A")] == Approx((1e4 * std::exp(-100 * k1) + 50) * std::exp(-100 * k1)).epsilon(1e-8));
    CHECK(integrator.stats().steps > 0);
}
