// The shipped Kholodenko 2000 MAPK cascade must oscillate as published.
#include <catch2/catch.hpp>

#include <algorithm>

#include "models/models.hpp"
#include "solver/solver.hpp"

using namespace ntsim;

TEST_CASE("Kholodenko 2000 MAPK cascade: sustained oscillation, period 1300 s, MAPK-PP 36-297 nM", "[solver][published]") {
    // Reference: Kholodenko, Eur J Biochem 267:1583 (2000), BIOMD0000000010; period and swing
    // computed from that file in shared/research/biology.md §1.2 (period 1300 s, 36-297 nM).
    const auto model = models::load(std::string(NTSIM_SOURCE_DIR) + "/models/examples/kholodenko2000_mapk.json");
    const models::Network network(model);
    const auto system = solver::compile(network);
    std::vector<double> times;
    for (double t = 0; t <= 20000; t += 1.0) times.push_back(t);
    solver::SolverOptions options;
    options.rtol = 1e-8;
    options.atol = 1e-8;
    const auto r = solver::simulate(system, system.default_inputs(), system.default_state(), times, options);
    REQUIRE_FALSE(r.failure);
    const std::size_t n = system.size(), i = *system.state_index("MAPK_PP");
    auto at = [&](std::size_t k) { return r.trajectory.states[k * n + i]; };

    // Peaks after the transient (t > 3000 s), refined by a parabola through the sampled maximum.
    std::vector<double> peak_times;
    double low = 1e300, high = 0;
    for (std::size_t k = 3001; k + 1 < times.size(); ++k) {
        low = std::min(low, at(k));
        high = std::max(high, at(k));
        if (at(k) > at(k - 1) && at(k) >= at(k + 1)) {
            const double a = at(k - 1), b = at(k), c = at(k + 1);
            peak_times.push_back(times[k] + 0.5 * (a - c) / (a - 2 * b + c));
        }
    }
    REQUIRE(peak_times.size() >= 10);
    const double period = (peak_times.back() - peak_times.front()) / static_cast<double>(peak_times.size() - 1);
    CHECK(period == Approx(1300).margin(30));
    CHECK(low == Approx(36).margin(4));
    CHECK(high == Approx(297).margin(4));
}
