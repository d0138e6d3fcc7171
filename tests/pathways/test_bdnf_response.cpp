// What BDNF does to the whole network over hours: the signal travels TrkB -> ERK -> CREB ->
// Bdnf mRNA -> BDNF protein in that order, surface TrkB is lost slowly, and Bdnf mRNA and
// protein follow a strong stimulus with the observed lags (issue 3, module 6 and third
// "must be true").
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/pathways/pathway_fixture.hpp"

using namespace ntsim;
using namespace ntsim::pathway_tests;

namespace {

// 50 ng/ml of the 27 kDa BDNF dimer, the usual culture stimulus.
constexpr double bdnf_step_nm = 1.85;
constexpr double sample_s = 10.0;
constexpr double hour_s = 3600.0;
// Half-rise times are read from 10-s samples with linear interpolation; two readouts count as
// ordered only if they are at least three samples apart.
constexpr double resolved_s = 3 * sample_s;

}  // namespace

TEST_CASE("BDNF raises pTrkB, then pERK, then pCREB, then Bdnf mRNA, then BDNF protein", "[pathways][bdnf][published]") {
    // Protects issue 3's order-in-time requirement for a sustained 1.85 nM BDNF step on the
    // resting network. Half-rise time: when a readout first gets half-way from rest to its
    // maximum within 12 h (the window of docs/models-ranges.md §3, which measured, for the
    // defaults, 0.8 < 6.5 < 7.9 < 105 < 270 min). Each readout must also really rise (by >= 20%
    // of its resting value; measured >= 1.6x), so the order is not read off noise.
    const std::string profile = GENERATE(from_range(profiles()));
    INFO("profile: " << profile_label(profile));
    ShippedModel network("models/neurotrophin.json", profile);
    const auto rest = network.steady_state();
    REQUIRE(rest.converged);
    network.set_input("BDNF_applied", bdnf_step_nm);
    const auto times = times_every(sample_s, 12 * hour_s);
    const auto run = solver::simulate(network.system(), network.inputs, rest.state, times, solver::SolverOptions{});
    REQUIRE_FALSE(run.failure);

    const std::vector<std::string> order{"pTrkB_fraction", "pERK_fraction", "pCREB_fraction", "Bdnf_mRNA", "BDNF_prot"};
    std::vector<double> half_rise;
    for (const auto& id : order) {
        const auto values = network.series(run.trajectory, id);
        const double peak = *std::max_element(values.begin(), values.end());
        half_rise.push_back(half_rise_time(times, values));
        INFO(id << ": rest " << values.front() << ", max " << peak << ", half-rise " << half_rise.back() / 60 << " min");
        CHECK(peak >= 1.2 * values.front());
        CHECK(half_rise.back() > 0.0);
    }
    for (std::size_t i = 1; i < order.size(); ++i) {
        INFO(order[i - 1] << " half-rise " << half_rise[i - 1] / 60 << " min, " << order[i] << " " << half_rise[i] / 60 << " min");
        CHECK(half_rise[i] >= half_rise[i - 1] + resolved_s);
    }
}

TEST_CASE("BDNF halves surface TrkB in 2-3 h (Proenca 2016)", "[pathways][bdnf][published]") {
    // Protects the ligand-induced TrkB loss of the bdnf_trkb module. Expected: under 1.85 nM BDNF
    // surface TrkB (all forms) falls to half its resting level between 2 and 3 h (Proenca, Song
    // & Lee 2016, J Neurochem 138:397; k_TrkB_recycle is calibrated to it). Measured in
    // docs/models-ranges.md §3: 0.46-0.51 of rest at 2.5 h.
    const std::string profile = GENERATE(from_range(profiles()));
    INFO("profile: " << profile_label(profile));
    ShippedModel network("models/neurotrophin.json", profile);
    const auto rest = network.steady_state();
    REQUIRE(rest.converged);
    network.set_input("BDNF_applied", bdnf_step_nm);
    const auto times = times_every(60.0, 4 * hour_s);
    const auto run = solver::simulate(network.system(), network.inputs, rest.state, times, solver::SolverOptions{});
    REQUIRE_FALSE(run.failure);
    const auto surface = network.series(run.trajectory, "TrkB_surface");
    const double resting = network.read(rest.state, "TrkB_surface");
    const auto half = std::find_if(surface.begin(), surface.end(), [&](double v) { return v <= 0.5 * resting; });
    REQUIRE(half != surface.end());
    const double half_time_h = times[static_cast<std::size_t>(half - surface.begin())] / hour_s;
    INFO("surface TrkB at rest " << resting << " nM; half of it first at " << half_time_h << " h");
    CHECK(half_time_h >= 2.0);
    CHECK(half_time_h <= 3.0);
}

TEST_CASE("after a 1-h strong stimulus Bdnf mRNA peaks near 2 h and BDNF protein after 6 h (Kokaia 1996)",
          "[pathways][bdnf][published]") {
    // Protects the transcription/translation lag of creb_transcription. Expected (Kokaia et al.
    // 1996, Mol Brain Res 38:139: hippocampal Bdnf mRNA 287-293% at 2 h; protein later, >= 6 h):
    // after 1 h of 10 uM glutamate, Bdnf mRNA peaks between 1.5 and 2.5 h at >= 2-fold, and
    // BDNF protein peaks at >= 6 h. docs/models-ranges.md §3 measured 1.94 h (3.2x) and 6.7 h.
    // Cortex is left out: Kokaia 1996 saw no cortical mRNA rise, and the model's weak cortical
    // induction still gives 2.25x there (a known limit, docs/models-ranges.md §4).
    const std::string profile = GENERATE(as<std::string>{}, "", "hippocampus");
    INFO("profile: " << profile_label(profile));
    ShippedModel network("models/neurotrophin.json", profile);
    const auto rest = network.steady_state();
    REQUIRE(rest.converged);
    const auto resting_inputs = network.inputs;
    network.set_input("Glu", 10'000.0);  // 10 uM, strong sustained activity (g_NMDA_Ca calibration)

    solver::Integrator integrator(network.system(), solver::SolverOptions{});
    integrator.start(0.0, rest.state, network.inputs);
    const double stimulus_end_s = 1 * hour_s, end_s = 12 * hour_s;
    const std::size_t mrna = *network.system().state_index("Bdnf_mRNA"), protein = *network.system().state_index("BDNF_prot");
    double mrna_peak = 0, mrna_peak_s = 0, protein_peak = 0, protein_peak_s = 0;
    for (double t = 60.0; t <= end_s; t += 60.0) {
        REQUIRE(integrator.advance(t, t <= stimulus_end_s ? stimulus_end_s : end_s));
        if (t == stimulus_end_s) integrator.reset_inputs(resting_inputs);  // glutamate back to rest
        const auto x = integrator.state();
        if (x[mrna] > mrna_peak) {
            mrna_peak = x[mrna];
            mrna_peak_s = t;
        }
        if (x[protein] > protein_peak) {
            protein_peak = x[protein];
            protein_peak_s = t;
        }
    }
    const double mrna_fold = mrna_peak / rest.state[mrna];
    INFO("Bdnf mRNA peak " << mrna_fold << "x at " << mrna_peak_s / hour_s << " h; BDNF protein peak "
                           << protein_peak / rest.state[protein] << "x at " << protein_peak_s / hour_s << " h");
    CHECK(mrna_peak_s >= 1.5 * hour_s);
    CHECK(mrna_peak_s <= 2.5 * hour_s);
    CHECK(mrna_fold >= 2.0);
    CHECK(protein_peak_s >= 6.0 * hour_s);
    CHECK(protein_peak_s < end_s);  // a peak, not still rising at the end of the window
}
