// SBML <-> ntsim JSON: the BioModels references simulate the same from their JSON conversion,
// JSON -> SBML -> JSON reaches a fixed point, and the JSON sections for SBML constructs report
// located errors like the rest of the format.
#include <catch2/catch.hpp>

#include <filesystem>

#include "models/models.hpp"
#include "solver/solver.hpp"
#include "tests/support/compiled_model.hpp"

using namespace ntsim;
using Catch::Matchers::Contains;

namespace {

models::Model via_json(const models::Model& model) {
    return models::load_from_string(models::to_json_text(model), "converted.json");
}

// What each id stands for along a run from the model's initial values.
std::vector<double> trajectory(const testing::CompiledModel& c, const std::vector<std::string>& ids, const std::vector<double>& times) {
    const auto& system = c.system;
    solver::SolverOptions options;
    options.rtol = 1e-10;
    options.atol = 1e-14;
    std::vector<double> inputs = system.default_inputs(), x0;
    system.initial_values(inputs, x0);
    const auto run = solver::simulate(system, inputs, x0, times, options);
    REQUIRE_FALSE(run.failure);
    std::vector<models::ExprPtr> probes;
    for (const auto& id : ids) probes.push_back(models::symbol(id));
    solver::Probe probe(system, probes);
    solver::Workspace ws(system);
    ws.set_inputs(inputs);
    std::vector<double> values(times.size() * ids.size());
    for (std::size_t k = 0; k < times.size(); ++k)
        probe.evaluate(ws, times[k], run.trajectory.states.data() + k * system.size(), values.data() + k * ids.size());
    return values;
}

void check_same(const std::vector<double>& a, const std::vector<double>& b, const std::vector<std::string>& ids, double relative) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO(ids[i % ids.size()] << " row " << i / ids.size());
        CHECK(b[i] == Approx(a[i]).epsilon(relative).margin(1e-14));
    }
}

std::string load_error(const std::string& text) {
    try {
        models::load_from_string(text, "bad.json");
    } catch (const models::ModelError& e) {
        return e.what();
    }
    FAIL("no error for " << text);
    return "";
}

// A minimal as_written model around extra top-level sections.
std::string as_written(const std::string& extra) {
    return R"({"name": "m", "units": "as_written",
  "compartments": [{"id": "c", "size": 1}],
  "species": [{"id": "S", "compartment": "c", "initial": 1}],
  "parameters": [{"id": "k", "value": 2, "source": "assumed: test"},
                 {"id": "v", "value": 0, "constant": false, "source": "assumed: test"}])" + extra + "}";
}

}  // namespace

TEST_CASE("the BioModels references simulate the same from their JSON conversion", "[sbml][json]") {
    // Protects SBML -> JSON for published models: local parameters, amounts, assignment rules and
    // (Sasagawa) events survive the format. The conversion is exact (numbers and expressions
    // round-trip bit for bit), so both runs integrate the same system: 1e-10 relative is solver
    // noise allowed for, not model error.
    for (const char* file : {"BIOMD0000000009.xml", "BIOMD0000000010.xml", "BIOMD0000000049.xml"}) {
        INFO(file);
        const auto path = std::filesystem::path(NTSIM_SHARED_DIR) / "models-reference" / file;
        const testing::CompiledModel sbml(models::load_sbml(path));
        const testing::CompiledModel json(via_json(sbml.model));
        CHECK_FALSE(json.model.internal_units);
        std::vector<std::string> ids;
        for (const auto& s : sbml.model.species) ids.push_back(s.id);
        for (const auto& r : sbml.model.assignment_rules) ids.push_back(sbml.model.id_of(r.variable));
        const std::vector<double> times = {0, 10, 100, 600, 1800};
        check_same(trajectory(sbml, ids, times), trajectory(json, ids, times), ids, 1e-10);
    }
}

TEST_CASE("imported parameters cite their SBML source in the JSON", "[sbml][json]") {
    // Protects the rule that every parameter cites a source: an imported one names the file and id.
    const auto path = std::filesystem::path(NTSIM_SHARED_DIR) / "models-reference" / "BIOMD0000000010.xml";
    const std::string text = models::to_json_text(models::load_sbml(path));
    CHECK_THAT(text, Contains("\"units\": \"as_written\""));
    CHECK_THAT(text, Contains("imported from BIOMD0000000010.xml (SBML local parameter"));
    const models::Model model = via_json(models::load_sbml(path));
    for (const auto& p : model.parameters) CHECK(p.source_kind == models::SourceKind::citation);
}

TEST_CASE("JSON -> SBML -> JSON reaches a fixed point and keeps the trajectories", "[sbml][json]") {
    // Protects the round trip a modeller makes through COPASI and back: the shipped neurotrophin
    // network exported, re-imported and written as JSON simulates like the original (1e-8
    // relative, the export test's bar), and a second pass writes the same JSON text.
    const testing::CompiledModel original(models::load(std::filesystem::path(NTSIM_SOURCE_DIR) / "models/neurotrophin.json"));
    const std::string first = models::to_json_text(models::load_sbml_from_string(models::to_sbml(original.model), "n.xml"));
    const testing::CompiledModel again(models::load_from_string(first, "n.json"));
    const std::string second = models::to_json_text(models::load_sbml_from_string(models::to_sbml(again.model), "n.xml"));
    CHECK(first == second);

    std::vector<std::string> ids = original.system.state_ids();
    for (const auto& o : original.model.observables) ids.push_back(o.id);
    const std::vector<double> times = {0, 60, 600, 3600};
    check_same(trajectory(original, ids, times), trajectory(again, ids, times), ids, 1e-8);
}

TEST_CASE("a JSON model in ntsim units converts to JSON and loads to the same values", "[sbml][json]") {
    // Protects the writer's unit path: parameters go back to the unit the modeller wrote.
    const models::Model model = models::load(std::filesystem::path(NTSIM_SOURCE_DIR) / "models/examples/kholodenko2000_mapk.json");
    const models::Model again = via_json(model);
    CHECK(again.internal_units);
    REQUIRE(again.parameters.size() == model.parameters.size());
    for (std::size_t i = 0; i < model.parameters.size(); ++i) {
        CHECK(again.parameters[i].unit == model.parameters[i].unit);
        CHECK(again.parameters[i].value == Approx(model.parameters[i].value).epsilon(1e-15));
    }
}

TEST_CASE("rules, events and SBML species attributes load from JSON", "[sbml][json]") {
    // Protects the reader of each new section against the Model fields the compiler uses.
    const models::Model m = models::load_from_string(as_written(R"json(,
  "assignment_rules": [{"variable": "v", "expression": "2 * k"}],
  "events": [{"id": "e", "trigger": "time >= 1", "initial_value": false, "persistent": false, "delay": "k",
              "priority": "1", "use_values_from_trigger_time": false,
              "assignments": [{"variable": "S", "expression": "S + rateOf(S)"}]}])json"), "ok.json");
    REQUIRE(m.assignment_rules.size() == 1);
    REQUIRE(m.events.size() == 1);
    const auto& e = m.events[0];
    CHECK_FALSE(e.initial_value);
    CHECK_FALSE(e.persistent);
    CHECK_FALSE(e.use_values_from_trigger_time);
    CHECK(models::to_string(e.assignments[0].expression) == "S + rateOf(S)");
    CHECK(m.species[0].as_written);
}

TEST_CASE("errors in the SBML sections of JSON name file, pointer and problem", "[sbml][json][errors]") {
    // Protects the message quality of the new sections: unknown keys list the allowed ones,
    // variables are checked, and an as_written file refuses units it would not convert.
    CHECK_THAT(load_error(as_written(R"(, "rate_rules": [{"variabel": "v", "expression": "1"}])")),
               Contains("bad.json: /rate_rules/0/variabel: unknown key 'variabel'; allowed keys: variable, expression, notes"));
    CHECK_THAT(load_error(as_written(R"(, "assignment_rules": [{"variable": "k", "expression": "1"}])")),
               Contains("bad.json: /assignment_rules/0/variable: parameter 'k' is constant; declare it with \"constant\": false"));
    CHECK_THAT(load_error(as_written(R"(, "initial_assignments": [{"variable": "nope", "expression": "1"}])")),
               Contains("bad.json: /initial_assignments/0/variable: 'nope' is not a compartment, species or parameter; known:"));
    CHECK_THAT(load_error(as_written(R"(, "events": [{"id": "e", "trigger": "time > x", "assignments": []}])")),
               Contains("bad.json: /events/0/trigger: unknown name 'x' in expression"));
    CHECK_THAT(load_error(R"({"units": "as_written", "compartments": [{"id": "c", "size": 1, "unit": "L"}]})"),
               Contains("bad.json: /compartments/0/unit: this file's numbers are used as written"));
    CHECK_THAT(load_error(R"({"units": "SI"})"), Contains("bad.json: /units: unknown unit system 'SI'; allowed: ntsim"));
}

TEST_CASE("convert refuses what JSON cannot hold, naming the element", "[sbml][json][errors]") {
    // Protects the one SBML value JSON has no number for (Test Suite case 00951 uses it).
    models::Model m = models::load_from_string(as_written(""), "inf.json");
    m.parameters[0].value = std::numeric_limits<double>::infinity();
    try {
        models::to_json_text(m);
        FAIL("no error");
    } catch (const models::ModelError& e) {
        CHECK_THAT(e.what(), Contains("parameter 'k': an infinite value has no place in a JSON model file"));
    }
}
