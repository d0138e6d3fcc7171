// Export to SBML Level 3 Version 2 and re-import: the shipped neurotrophin network and the
// BioModels references give the same trajectories as the original model.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "models/models.hpp"
#include "solver/solver.hpp"
#include "tests/support/compiled_model.hpp"

using namespace ntsim;

namespace {

// Values of the given ids (what each stands for) along a run from the model's initial values.
std::vector<double> trajectory(const testing::CompiledModel& c, const std::vector<std::string>& ids, const std::vector<double>& times) {
    const auto& system = c.system;
    solver::SolverOptions options;
    options.rtol = 1e-11;
    options.atol = 1e-14;
    const auto run = solver::simulate(system, system.default_inputs(), system.default_state(), times, options);
    REQUIRE_FALSE(run.failure);
    REQUIRE(run.trajectory.times.size() == times.size());
    std::vector<models::ExprPtr> probes;
    for (const auto& id : ids) probes.push_back(models::symbol(id));
    solver::Probe probe(system, probes);
    solver::Workspace ws(system);
    std::vector<double> values(times.size() * ids.size());
    for (std::size_t k = 0; k < times.size(); ++k)
        probe.evaluate(ws, times[k], run.trajectory.states.data() + k * system.size(), values.data() + k * ids.size());
    return values;
}

void check_same(const std::vector<double>& a, const std::vector<double>& b, const std::vector<std::string>& ids) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO(ids[i % ids.size()] << " row " << i / ids.size());
        CHECK(b[i] == Approx(a[i]).epsilon(1e-8).margin(1e-12));
    }
}

}  // namespace

TEST_CASE("the neurotrophin network exported to SBML re-imports to the same trajectories", "[sbml][export]") {
    // Protects export and import together: species, compartments (two volumes, so the
    // concentration-rate to extent-rate conversion matters), constant inputs and the 49
    // observables (exported as assignment rules). Reference: the JSON model itself; 1e-8 relative
    // is the bar, with both runs at rtol 1e-11.
    const testing::CompiledModel json(models::load(std::filesystem::path(NTSIM_SOURCE_DIR) / "models/neurotrophin.json"));
    const std::string text = models::to_sbml(json.model);
    const testing::CompiledModel sbml(models::load_sbml_from_string(text, "neurotrophin.xml"));

    std::vector<std::string> ids = json.system.state_ids();
    for (const auto& o : json.model.observables) ids.push_back(o.id);
    const std::vector<double> times = {0, 60, 600, 1800, 3600};
    check_same(trajectory(json, ids, times), trajectory(sbml, ids, times), ids);
}

TEST_CASE("an SBML model exported again re-imports to the same trajectories", "[sbml][export]") {
    // Protects SBML -> SBML: local parameters, assignment rules and amounts survive. Sasagawa 2005
    // with its EGF stimulus, Huang-Ferrell with its normalised outputs.
    for (const char* file : {"BIOMD0000000049.xml", "BIOMD0000000009.xml"}) {
        INFO(file);
        const testing::CompiledModel original(models::load_sbml(std::filesystem::path(NTSIM_SHARED_DIR) / "models-reference" / file));
        const testing::CompiledModel again(models::load_sbml_from_string(models::to_sbml(original.model), "again.xml"));
        std::vector<std::string> ids;
        for (const auto& s : original.model.species) ids.push_back(s.id);
        const std::vector<double> times = {0, 10, 100, 600};
        check_same(trajectory(original, ids, times), trajectory(again, ids, times), ids);
    }
}

TEST_CASE("exported SBML declares ntsim's units and keeps parameter sources as notes", "[sbml][export]") {
    // Protects what a modeller opening the file in another tool sees: nmol/litre/second model
    // units (so nM concentrations read right) and each parameter's citation.
    const models::Model model = models::load(std::filesystem::path(NTSIM_SOURCE_DIR) / "models/examples/kholodenko2000_mapk.json");
    const std::string text = models::to_sbml(model);
    CHECK_THAT(text, Catch::Contains("level=\"3\" version=\"2\""));
    CHECK_THAT(text, Catch::Contains("substanceUnits=\"nmol\""));
    CHECK_THAT(text, Catch::Contains("<unit kind=\"mole\" exponent=\"1\" scale=\"-9\" multiplier=\"1\"/>"));
    CHECK_THAT(text, Catch::Contains("Kholodenko"));
}

TEST_CASE("parameter sources and their kinds survive export to SBML and re-import", "[sbml][export]") {
    // Protects the rule that every parameter cites a source, or says it is assumed or calibrated,
    // across JSON -> SBML -> model: export writes each source as the parameter's notes and import
    // reads them back (before, re-imported parameters only said which file they came from).
    const models::Model json = models::load(std::filesystem::path(NTSIM_SOURCE_DIR) / "models/neurotrophin.json");
    const models::Model sbml = models::load_sbml_from_string(models::to_sbml(json), "neurotrophin.xml");
    std::map<models::SourceKind, int> kinds;
    for (const auto& p : json.parameters) {
        const auto again = std::find_if(sbml.parameters.begin(), sbml.parameters.end(), [&](const auto& q) { return q.id == p.id; });
        if (again == sbml.parameters.end()) continue;
        INFO(p.id);
        CHECK(again->source == p.source);
        CHECK(again->source_kind == p.source_kind);
        ++kinds[p.source_kind];
    }
    // All three kinds were compared, on most of the parameters.
    CHECK(kinds[models::SourceKind::citation] > 0);
    CHECK(kinds[models::SourceKind::assumed] > 0);
    CHECK(kinds[models::SourceKind::calibrated] > 0);
    CHECK(kinds[models::SourceKind::citation] + kinds[models::SourceKind::assumed] + kinds[models::SourceKind::calibrated] >=
          static_cast<int>(json.parameters.size()) / 2);
}
