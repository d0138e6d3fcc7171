// OdeSystem: the compiled right-hand side against direct evaluation of the rate expressions, and
// the analytic Jacobian against central finite differences, on every shipped model.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <random>

#include "models/models.hpp"
#include "solver/solver.hpp"

namespace fs = std::filesystem;
using namespace ntsim;

namespace {

// Model files that load on their own: everything under models/ except region override files
// and compound definitions, which are not models.
std::vector<fs::path> shipped_models() {
    std::vector<fs::path> files;
    const fs::path root = fs::path(NTSIM_SOURCE_DIR) / "models";
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".json") continue;
        const std::string folder = entry.path().parent_path().filename().string();
        if (folder == "regions" || folder == "compounds") continue;
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// A state near the model's initial one but with every species non-zero, so derivatives
// with respect to species that start at zero are exercised too.
std::vector<double> probe_state(const solver::OdeSystem& system, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> factor(0.5, 1.5);
    std::vector<double> x = system.default_state();
    for (double& v : x) v = (v > 0 ? v : 1.0) * factor(rng);
    return x;
}

}  // namespace

TEST_CASE("the tape-compiled RHS equals the stoichiometry times directly evaluated rates", "[solver][rhs]") {
    // Protects the tape compiler (value numbering, power specialisations) against the tree
    // evaluator of models/expression, which is the reference here.
    const auto files = shipped_models();
    REQUIRE_FALSE(files.empty());
    for (const auto& file : files) {
        INFO(file.string());
        const models::Model model = models::load(file);
        const models::Network network(model);
        const solver::OdeSystem system = solver::compile(network);
        solver::Workspace ws(system);
        const auto x = probe_state(system, 7);
        std::vector<double> tape_rates(system.reaction_ids().size());
        system.rates(ws, 0.0, x.data(), tape_rates.data());

        std::map<std::string, double> values;
        for (std::size_t i = 0; i < system.size(); ++i) values[system.state_ids()[i]] = x[i];
        for (std::size_t i = 0; i < system.input_ids().size(); ++i) values[system.input_ids()[i]] = system.default_inputs()[i];
        values["time"] = 0.0;
        std::function<double(const std::string&)> value_of = [&](const std::string& name) -> double {
            if (auto it = values.find(name); it != values.end()) return it->second;
            const auto o = model.observable_index(name);
            REQUIRE(o);
            return models::evaluate(model.observables[*o].expression, value_of);
        };
        std::vector<double> direct_rates(model.reactions.size());
        for (std::size_t r = 0; r < model.reactions.size(); ++r) {
            direct_rates[r] = models::evaluate(model.reactions[r].rate, value_of);
            INFO(model.reactions[r].id);
            CHECK(tape_rates[r] == Approx(direct_rates[r]).epsilon(1e-12).margin(1e-300));
        }

        // dx/dt = N v, summed here term by term from the stoichiometric matrix: the reference for
        // the workspace's weighted sums. The margin is relative to the largest term of a state.
        std::vector<double> expected(system.size(), 0.0), largest_term(system.size(), 0.0);
        for (const auto& entry : system.stoichiometric_matrix(ws)) {
            const double term = entry.coefficient * direct_rates[static_cast<std::size_t>(entry.reaction)];
            expected[static_cast<std::size_t>(entry.state)] += term;
            largest_term[static_cast<std::size_t>(entry.state)] =
                std::max(largest_term[static_cast<std::size_t>(entry.state)], std::fabs(term));
        }
        REQUIRE(system.states_outside_stoichiometry().empty());
        std::vector<double> dxdt(system.size());
        REQUIRE(system.rhs(ws, 0.0, x.data(), dxdt.data()));
        for (std::size_t i = 0; i < system.size(); ++i) {
            INFO(system.state_ids()[i]);
            CHECK(dxdt[i] == Approx(expected[i]).epsilon(0).margin(1e-12 * largest_term[i] + 1e-300));
        }
    }
}

TEST_CASE("the analytic Jacobian of every shipped model matches central finite differences", "[solver][jacobian]") {
    // Protects symbolic differentiation and the sparse assembly J = N * dv/dx. Reference: central
    // differences with step h = 1e-6 * max(|x_j|, 1e-3); agreement within 1e-6 relative where
    // the entry is not tiny (|J| > 1e-8 * max|J| of its row).
    for (const auto& file : shipped_models()) {
        INFO(file.string());
        const models::Model model = models::load(file);
        const models::Network network(model);
        const solver::OdeSystem system = solver::compile(network);
        solver::Workspace ws(system);
        const std::size_t n = system.size();
        const auto& pattern = system.jacobian_pattern();
        for (unsigned seed : {1u, 2u}) {
            const auto x = probe_state(system, seed);
            std::vector<double> values(pattern.rows.size());
            system.jacobian(ws, 0.0, x.data(), values.data());
            std::vector<double> analytic(n * n, 0.0);
            for (std::size_t j = 0; j < n; ++j)
                for (int k = pattern.column_starts[j]; k < pattern.column_starts[j + 1]; ++k)
                    analytic[pattern.rows[k] * n + j] = values[k];

            std::vector<double> numeric(n * n), plus(n), minus(n), xp = x;
            for (std::size_t j = 0; j < n; ++j) {
                const double h = 1e-6 * std::max(std::fabs(x[j]), 1e-3);
                xp[j] = x[j] + h;
                system.rhs(ws, 0.0, xp.data(), plus.data());
                xp[j] = x[j] - h;
                system.rhs(ws, 0.0, xp.data(), minus.data());
                xp[j] = x[j];
                for (std::size_t i = 0; i < n; ++i) numeric[i * n + j] = (plus[i] - minus[i]) / (2 * h);
            }
            for (std::size_t i = 0; i < n; ++i) {
                double row_scale = 0.0;
                for (std::size_t j = 0; j < n; ++j) row_scale = std::max(row_scale, std::fabs(numeric[i * n + j]));
                for (std::size_t j = 0; j < n; ++j) {
                    const double a = analytic[i * n + j], d = numeric[i * n + j];
                    if (std::max(std::fabs(a), std::fabs(d)) <= 1e-8 * row_scale) continue;
                    INFO("d(" << system.state_ids()[i] << ")/d(" << system.state_ids()[j] << ")");
                    CHECK(std::fabs(a - d) <= 1e-6 * std::max(std::fabs(a), std::fabs(d)) + 1e-9 * row_scale);
                }
            }
        }
    }
}

TEST_CASE("every Jacobian entry outside the sparsity pattern is zero", "[solver][jacobian]") {
    // Protects the KLU path: an entry CVODE never sees must really be zero. Reference: finite
    // differences at a probe state (a missing entry would show up as a non-zero difference).
    for (const auto& file : shipped_models()) {
        INFO(file.string());
        const models::Model model = models::load(file);
        const models::Network network(model);
        const solver::OdeSystem system = solver::compile(network);
        solver::Workspace ws(system);
        const std::size_t n = system.size();
        const auto& pattern = system.jacobian_pattern();
        std::vector<bool> in_pattern(n * n, false);
        for (std::size_t j = 0; j < n; ++j)
            for (int k = pattern.column_starts[j]; k < pattern.column_starts[j + 1]; ++k) in_pattern[pattern.rows[k] * n + j] = true;
        const auto x = probe_state(system, 3);
        std::vector<double> base(n), moved(n), xp = x;
        system.rhs(ws, 0.0, x.data(), base.data());
        for (std::size_t j = 0; j < n; ++j) {
            xp[j] = x[j] * 1.01 + 1e-3;
            system.rhs(ws, 0.0, xp.data(), moved.data());
            xp[j] = x[j];
            for (std::size_t i = 0; i < n; ++i)
                if (!in_pattern[i * n + j]) CHECK(moved[i] == base[i]);
        }
    }
}
