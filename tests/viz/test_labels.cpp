// Observable names and units for axis labels: from a "(unit)" in the name, or by dimensional
// analysis of the expression.
#include <catch2/catch.hpp>

#include "models/load.hpp"
#include "viz/labels.hpp"

using namespace ntsim;

namespace {

// Species in nM, a concentration parameter and a rate constant, and observables of each dimension.
const char* model_text = R"json({
  "name": "units_toy",
  "species": [{"id": "A", "initial": 0, "unit": "nM"}, {"id": "B", "initial": 5, "unit": "uM"}],
  "parameters": [{"id": "Ktot", "value": 100, "unit": "nM", "source": "assumed: test"},
                 {"id": "k", "value": 0.1, "unit": "1/s", "source": "assumed: test"}],
  "reactions": [{"id": "r", "reactants": ["A"], "products": ["B"], "rate": {"type": "mass_action", "kf": "k"}}],
  "observables": [
    {"id": "total", "expression": "A + B"},
    {"id": "fraction", "name": "bound fraction", "expression": "B / (A + B)"},
    {"id": "occupancy", "expression": "B / Ktot"},
    {"id": "flux", "expression": "k * A"},
    {"id": "labelled", "name": "surface TrkB, all forms (uM)", "expression": "A"},
    {"id": "odd", "expression": "A + 1"},
    {"id": "not_a_unit", "name": "TrkB (surface)", "expression": "B"}
  ]})json";

}  // namespace

TEST_CASE("observable_quantities works out units", "[viz][labels]") {
    // Expected dimensions by hand: A + B is a concentration, ratios of concentrations are
    // dimensionless, k*A is concentration per time; a "(uM)" that parses as a unit wins, "(surface)"
    // does not; A + 1 adds a bare number to a concentration, has no single dimension, and gets no unit.
    const models::Model model = models::load_from_string(model_text, "units_toy.json");
    const auto q = viz::observable_quantities(model);
    CHECK(q.at("total").unit == "nM");
    CHECK(q.at("total").axis_label() == "concentration (nM)");
    CHECK(q.at("fraction").unit == "dimensionless");
    CHECK(q.at("fraction").name == "bound fraction");
    CHECK(q.at("occupancy").unit == "dimensionless");
    CHECK(q.at("flux").unit == "nM/s");
    CHECK(q.at("labelled").unit == "uM");
    CHECK(q.at("labelled").name == "surface TrkB, all forms");
    CHECK(q.at("odd").unit.empty());
    CHECK(q.at("odd").axis_label() == "value (model units)");
    CHECK(q.at("not_a_unit").name == "TrkB (surface)");
    CHECK(q.at("not_a_unit").unit == "nM");
    CHECK(viz::quantity_or_id(q, "unknown").name == "unknown");
}
