// ERK behaviour the shipped modules must reproduce: NGF-driven ERK that stays up through the
// Rap1 route while a Ras-only input is transient (Sasagawa et al. 2005), and an ultrasensitive
// (switch-like) Raf-MEK-ERK tier (issue 3, third "must be true").
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "tests/pathways/pathway_fixture.hpp"

using namespace ntsim;
using namespace ntsim::pathway_tests;

namespace {

// 50 ng/ml of the 26.5 kDa NGF dimer, the PC12 stimulus of Sasagawa et al. 2005.
constexpr double ngf_step_nm = 1.89;
constexpr double sample_s = 10.0;
constexpr double minute_s = 60.0;

struct ErkResponse {
    double peak = 0.0;
    double peak_time_s = 0.0;
    double lowest_30_to_60_min = 0.0;   // least pERK fraction from 30 to 60 min
    double highest_15_to_60_min = 0.0;  // largest pERK fraction from 15 to 60 min
};

// pERK fraction over 60 min after an NGF step applied to the resting state.
ErkResponse ngf_step(ShippedModel& m) {
    const auto rest = m.steady_state();
    REQUIRE(rest.converged);
    m.set_input("NGF_applied", ngf_step_nm);
    const auto times = times_every(sample_s, 60 * minute_s);
    const auto run = solver::simulate(m.system(), m.inputs, rest.state, times, solver::SolverOptions{});
    REQUIRE_FALSE(run.failure);
    const auto perk = m.series(run.trajectory, "pERK_fraction");
    ErkResponse r;
    r.lowest_30_to_60_min = 1.0;
    for (std::size_t k = 0; k < times.size(); ++k) {
        if (perk[k] > r.peak) r = {perk[k], times[k], r.lowest_30_to_60_min, r.highest_15_to_60_min};
        if (times[k] >= 30 * minute_s) r.lowest_30_to_60_min = std::min(r.lowest_30_to_60_min, perk[k]);
        if (times[k] >= 15 * minute_s) r.highest_15_to_60_min = std::max(r.highest_15_to_60_min, perk[k]);
    }
    return r;
}

// Steady-state pERK fraction of the ERK module alone with free `gtpase`-GTP clamped at `dose_nm`.
struct ClampedErk {
    explicit ClampedErk(const std::string& gtpase) : input(gtpase + "_GTP"), erk_module(clamped(gtpase)) {}

    static models::Model clamped(const std::string& gtpase) {
        // The shipped module with its input GTPase held fixed, as in docs/models-ranges.md §3. The
        // GDP form is clamped too: with the exchangers (declared in the receptor modules) absent,
        // GTP hydrolysis would otherwise fill it without bound and leave no steady state; no rate
        // of the ERK module reads it.
        auto model = models::load(shipped("models/pathways/erk_cascade.json"));
        for (auto& s : model.species)
            if (s.id == gtpase + "_GTP" || s.id == gtpase + "_GDP") s.constant = true;
        return model;
    }

    double response(double dose_nm) {
        erk_module.set_input(input, dose_nm);
        const auto steady = erk_module.steady_state();
        INFO(input << " = " << dose_nm << " nM: " << steady.message);
        REQUIRE(steady.converged);
        return erk_module.read(steady.state, "pERK_fraction");
    }

    // The dose giving `level` pERK, by bisection in log dose between 1e-4 and 1e4 nM.
    double dose_for(double level) {
        double low = std::log(1e-4), high = std::log(1e4);
        while (high - low > log_dose_tolerance) {
            const double mid = 0.5 * (low + high);
            (response(std::exp(mid)) < level ? low : high) = mid;
        }
        return std::exp(0.5 * (low + high));
    }

    // 1e-4 in ln(dose): EC10 and EC90 to 0.01%, so nH to ~1e-4 relative.
    static constexpr double log_dose_tolerance = 1e-4;
    std::string input;
    ShippedModel erk_module;
};

}  // namespace

TEST_CASE("NGF-driven ERK is sustained while a Ras-only input is transient (Sasagawa 2005)", "[pathways][erk][published]") {
    // Protects the sustained/transient split of Sasagawa et al. 2005 (Nat Cell Biol 7:365): after
    // 50 ng/ml NGF, pERK stays >= 50% of its peak at 30-60 min; with the Rap1 route removed
    // (kcat_Rap1_GEF = 0, Ras only) it is below 10% of its peak from 15 min on. Run as in
    // docs/models-ranges.md §3: the NGF/TrkA module alone (the Sasagawa setting), then the whole
    // network in each profile. Measured there: plateau >= 91% at 60 min, Ras only < 0.1% at 15
    // min, so the solver's default tolerance (rtol 1e-6) is far inside the margins.
    struct Setting { std::string file, region; };
    const auto setting = GENERATE(Setting{"models/pathways/ngf_trka.json", ""}, Setting{"models/neurotrophin.json", ""},
                                  Setting{"models/neurotrophin.json", "hippocampus"},
                                  Setting{"models/neurotrophin.json", "cortex"});
    INFO(setting.file << ", " << profile_label(setting.region));

    ShippedModel both_routes(setting.file, setting.region);
    const auto sustained = ngf_step(both_routes);
    INFO("NGF: peak pERK " << sustained.peak << " at " << sustained.peak_time_s << " s, least from 30 to 60 min "
                           << sustained.lowest_30_to_60_min);
    CHECK(sustained.peak >= 0.2);  // a real response (0.74-0.78 measured), so the ratio means something
    CHECK(sustained.lowest_30_to_60_min >= 0.5 * sustained.peak);

    ShippedModel ras_only(setting.file, setting.region);
    ras_only.set_input("kcat_Rap1_GEF", 0.0);
    const auto transient = ngf_step(ras_only);
    INFO("Ras only: peak pERK " << transient.peak << " at " << transient.peak_time_s << " s, most from 15 to 60 min "
                                << transient.highest_15_to_60_min);
    CHECK(transient.peak >= 0.1);  // a real transient (0.20-0.73 measured), not an absent response
    CHECK(transient.highest_15_to_60_min < 0.1 * transient.peak);
}

TEST_CASE("the ERK cascade is ultrasensitive: steady-state Hill coefficient >= 3", "[pathways][erk][published]") {
    // Protects issue 3's ultrasensitivity requirement (a Huang-Ferrell-type switch from two-site
    // distributive MEK and ERK phosphorylation). Expected: nH = ln 81 / ln(EC90/EC10) >= 3 for
    // steady-state pERK against the module's input, free Ras-GTP (via Raf) and free Rap1-GTP (via
    // B-Raf), each clamped in erk_cascade.json alone; docs/models-ranges.md §3 measured 3.45 and
    // 3.15. EC levels are fractions of the response at 1e4 nM, where pERK has saturated (> 0.99).
    const std::string gtpase = GENERATE(as<std::string>{}, "Ras", "Rap1");
    INFO("clamped input: free " << gtpase << "-GTP");
    ClampedErk erk(gtpase);

    // Monotone on a grid, so the bisection below finds the one crossing.
    double previous = -1.0;
    for (double dose = 1e-2; dose <= 1e3; dose *= std::sqrt(10.0)) {
        const double value = erk.response(dose);
        INFO("dose " << dose << " nM -> pERK " << value);
        CHECK(value >= previous);
        previous = value;
    }
    const double top = erk.response(1e4);
    CHECK(top >= 0.9);  // the switch turns ERK fully on
    const double ec10 = erk.dose_for(0.1 * top), ec50 = erk.dose_for(0.5 * top), ec90 = erk.dose_for(0.9 * top);
    const double hill = std::log(81.0) / std::log(ec90 / ec10);
    INFO("EC10 " << ec10 << " nM, EC50 " << ec50 << " nM, EC90 " << ec90 << " nM, max pERK " << top << ", nH " << hill);
    CHECK(ec10 < ec50);
    CHECK(ec50 < ec90);
    CHECK(hill >= 3.0);
}
