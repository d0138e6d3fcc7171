// Glutamate drive and its readouts: more time-averaged synaptic glutamate means more CaMKII
// activity and more pCREB (issue 3, third "must be true").
#include <catch2/catch.hpp>

#include "tests/pathways/pathway_fixture.hpp"

using namespace ntsim;
using namespace ntsim::pathway_tests;

namespace {

// Resting 2 uM (the module default) up to strong sustained activity, as in docs/models-ranges.md §3.
const std::vector<double> glutamate_um{2.0, 5.0, 10.0, 20.0};

// Each level must beat the one below by 1%: far above the steady-state accuracy (rates below
// 1e-8 relative) and below the smallest step measured (pCREB 0.68 -> 0.76, +12%).
constexpr double min_relative_rise = 0.01;

}  // namespace

TEST_CASE("raising glutamate raises Ca2+, CaMKII activity and pCREB at steady state", "[pathways][glutamate]") {
    // Protects the glutamate -> NMDA -> Ca2+ -> CaMKII / CaMKIV -> CREB path in every profile.
    // Expected: Ca2+, CaMKII_activity and pCREB_fraction rise with every glutamate level, and the
    // CaMKII switch lies between 5 and 10 uM (the calibration target of K_CaMKII_CaM). Measured for
    // the defaults: CaMKII 0.001/0.010/0.954/0.994, pCREB 0.17/0.25/0.68/0.76 (docs/models-ranges.md §3).
    const std::string profile = GENERATE(from_range(profiles()));
    INFO("profile: " << profile_label(profile));
    ShippedModel network("models/neurotrophin.json", profile);
    const auto rest = network.steady_state();
    REQUIRE(rest.converged);

    struct Level { double glu_um, ca, camkii, pcreb; };
    std::vector<Level> levels;
    for (double glu : glutamate_um) {
        network.set_input("Glu", glu * 1000.0);
        const auto steady = network.steady_state(rest.state);
        INFO("Glu " << glu << " uM: " << steady.message);
        REQUIRE(steady.converged);
        levels.push_back({glu, network.read(steady.state, "Ca"), network.read(steady.state, "CaMKII_activity"),
                          network.read(steady.state, "pCREB_fraction")});
    }
    for (std::size_t i = 1; i < levels.size(); ++i) {
        const Level& a = levels[i - 1];
        const Level& b = levels[i];
        INFO("Glu " << a.glu_um << " -> " << b.glu_um << " uM: Ca " << a.ca << " -> " << b.ca << " nM, CaMKII " << a.camkii
                    << " -> " << b.camkii << ", pCREB " << a.pcreb << " -> " << b.pcreb);
        CHECK(b.ca >= a.ca * (1 + min_relative_rise));
        CHECK(b.camkii >= a.camkii * (1 + min_relative_rise));
        CHECK(b.pcreb >= a.pcreb * (1 + min_relative_rise));
    }
    CHECK(levels[1].camkii < 0.5);  // 5 uM: still DOWN
    CHECK(levels[2].camkii > 0.5);  // 10 uM: UP
}
