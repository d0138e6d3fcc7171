// Tests for models/load: every load error names the file, the JSON Pointer and the problem (one
// broken fixture per fault in tests/models/data/), and valid files load into internal units.
#include "models/load.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace ntsim::models;
using Catch::Matchers::Contains;

namespace {

std::string data_path(const std::string& name) { return std::string(NTSIM_SOURCE_DIR) + "/tests/models/data/" + name; }

// Loads a broken fixture, which must throw ModelError, and returns that error.
ModelError load_error(const std::string& path) {
    REQUIRE_THROWS_AS(load(path), ModelError);
    try {
        load(path);
    } catch (const ModelError& e) {
        return e;
    }
    throw std::logic_error("unreachable: REQUIRE_THROWS_AS passed but the second load did not throw");
}

// Checks a fixture that has exactly one fault: one problem, in `file` at `pointer`, whose message
// contains every word of `words`; what() must carry all three.
void check_single_problem(const std::string& fixture, const std::string& pointer, const std::vector<std::string>& words,
                          const std::string& file_in_message = "") {
    const std::string path = data_path(fixture);
    const std::string file = file_in_message.empty() ? path : data_path(file_in_message);
    const ModelError error = load_error(path);
    const std::string what = error.what();
    INFO(what);
    REQUIRE(error.problems().size() == 1);
    CHECK(error.problems()[0].file == file);
    CHECK(error.problems()[0].pointer == pointer);
    CHECK_THAT(what, Contains(file));
    CHECK_THAT(what, Contains(pointer.empty() ? file + ": " : file + ": " + pointer + ": "));
    for (const auto& w : words) CHECK_THAT(error.problems()[0].message, Contains(w));
}

double evaluate_at(const ExprPtr& e, const std::map<std::string, double>& values) {
    return evaluate(e, [&](const std::string& name) { return values.at(name); });
}

const Species& species(const Model& m, const std::string& id) { return m.species.at(*m.species_index(id)); }
const Parameter& parameter(const Model& m, const std::string& id) { return m.parameters.at(*m.parameter_index(id)); }
const Reaction& reaction(const Model& m, const std::string& id) { return m.reactions.at(*m.reaction_index(id)); }

}  // namespace

// ---- Broken files: one fault each ---------------------------------------------------------------

TEST_CASE("load: malformed JSON names the file, line and column", "[load][errors]") {
    // Protects the parse-error path; line 4, column 24 is where malformed_json.json lacks a comma
    // (nlohmann/json counts the column after the offending string literal).
    check_single_problem("malformed_json.json", "", {"malformed JSON", "line 4, column 24", "expected '}'"});
}

TEST_CASE("load: a top-level value that is not an object is rejected", "[load][errors]") {
    // Protects the root type check; not_an_object.json is an array of species.
    check_single_problem("not_an_object.json", "", {"expected an object, found an array"});
}

TEST_CASE("load: a file that does not exist is an error naming it", "[load][errors]") {
    // Protects the top-level open failure; the file name is made up.
    const std::string path = data_path("no_such_model.json");
    const ModelError error = load_error(path);
    CHECK(std::string(error.what()) == path + ": cannot open file");
}

TEST_CASE("load: a device or directory given as the model file is refused before reading", "[load][errors]") {
    // Protects the regular-file rule of limits::max_file_bytes for files named directly (includes
    // are in the corpus): /dev/zero has no size and would be read forever.
    CHECK(std::string(load_error("/dev/zero").what()) == "/dev/zero: is not a regular file");
    CHECK(std::string(load_error(data_path("")).what()) == data_path("") + ": is not a regular file");
}

TEST_CASE("load: an unknown key is reported at its pointer with the allowed keys", "[load][errors]") {
    // Protects typo detection; the allowed list is the species keys of docs/model-format.md plus 'notes'.
    check_single_problem("unknown_key.json", "/species/0/inital",
                         {"unknown key 'inital'", "allowed keys: id, name, compartment, initial, initial_amount, unit, constant, boundary, has_only_substance_units, conversion_factor, notes"});
}

TEST_CASE("load: an unknown species in a reaction names it and lists the closest known ones", "[load][errors]") {
    // Protects dangling species references; 'ERK_p' differs from 'ERK_P' only by case, so it comes first.
    check_single_problem("unknown_species_in_reaction.json", "/reactions/0/reactants/0",
                         {"unknown species 'ERK_p'", "known: ERK_P, ERK"});
}

TEST_CASE("load: an unknown compartment of a species lists the declared ones", "[load][errors]") {
    // Protects compartment references; 'nuclues' is a typo of 'nucleus', which is listed first.
    check_single_problem("unknown_compartment.json", "/species/0/compartment",
                         {"unknown compartment 'nuclues'", "known: nucleus, cytosol"});
}

TEST_CASE("load: a duplicate id names both entries", "[load][errors]") {
    // Protects the single id namespace (species and parameters share it, as in SBML): the message is
    // at the second entry and names the first by file and pointer.
    const std::string path = data_path("duplicate_id.json");
    check_single_problem("duplicate_id.json", "/parameters/0/id",
                         {"duplicate id 'B'", "already declared as a species at " + path + ": /species/1"});
}

TEST_CASE("load: a missing id is reported once", "[load][errors]") {
    // Protects against the id being read twice (once for the entity, once to declare it), which
    // used to report 'missing required key' twice.
    check_single_problem("missing_id.json", "/species/0", {"missing required key 'id'"});
}

TEST_CASE("load: an id that is not an identifier is rejected with the rule", "[load][errors]") {
    // Protects the identifier rule of docs/model-format.md (letters, digits, '_', no leading digit).
    check_single_problem("invalid_id.json", "/species/0/id", {"'2A' is not a valid id", "not starting with a digit"});
}

TEST_CASE("load: a missing unit is reported at the entry", "[load][errors]") {
    // Protects required 'unit'; the second species of missing_unit.json has none.
    check_single_problem("missing_unit.json", "/species/1", {"missing required key 'unit'"});
}

TEST_CASE("load: a unit of the wrong dimension names both dimensions", "[load][errors]") {
    // Protects the dimension check of quantities: pL is a volume, an initial value needs a concentration.
    check_single_problem("wrong_dimension_unit.json", "/species/0/unit",
                         {"unit 'pL' is volume", "this place needs concentration"});
}

TEST_CASE("load: 1/s for a second-order mass-action constant is a dimension error, not a crash", "[load][errors]") {
    // Protects the order-scaled check of docs/model-format.md (kf: conc^(1-order)/time, order 2 here)
    // and the null guard before the rate is built (this used to throw std::invalid_argument from make()).
    check_single_problem("wrong_dimension_rate_constant.json", "/reactions/0/rate/kf",
                         {"parameter 'k_bind' has unit '1/s' (1/time)", "this place needs 1/(concentration*time)"});
}

TEST_CASE("load: an unknown unit symbol is reported at the unit with the known symbols", "[load][errors]") {
    // Protects unit parse errors inside a file; 'nMol' is a case typo of 'nmol'.
    check_single_problem("unknown_unit_symbol.json", "/species/0/unit", {"unknown unit symbol 'nMol'", "known: M, mM, uM"});
}

TEST_CASE("load: a value of the wrong JSON type names expected and found types", "[load][errors]") {
    // Protects typed reads; "10" is a string where a number is needed.
    check_single_problem("wrong_json_type.json", "/species/0/initial", {"expected a number, found a string"});
}

TEST_CASE("load: a negative rate constant is reported at its value", "[load][errors]") {
    // Protects "rate constants must be >= 0" (docs/model-format.md, parameters); the error sits at
    // the parameter's value, not at the reaction that uses it.
    check_single_problem("negative_rate_constant.json", "/parameters/0/value",
                         {"rate constant 'k_deg' is negative (-0.5)", "must be >= 0"});
}

TEST_CASE("load: a negative initial concentration is rejected", "[load][errors]") {
    // Protects "initial >= 0" of the species table.
    check_single_problem("negative_initial.json", "/species/0/initial", {"initial concentration must be >= 0"});
}

TEST_CASE("load: a compartment size of 0 is rejected", "[load][errors]") {
    // Protects "size > 0" of the compartment table.
    check_single_problem("nonpositive_compartment_size.json", "/compartments/0/size", {"compartment size must be > 0"});
}

TEST_CASE("load: an unparsable expression names the column", "[load][errors]") {
    // Protects expression parse errors inside a file; 'k1 * (A + B' ends at column 11, so the
    // missing ')' is expected at column 12 (ExpressionError columns are 1-based).
    check_single_problem("unparsable_expression.json", "/reactions/0/rate/expression",
                         {"cannot parse expression", "expected ')' at column 12", "'k1 * (A + B'"});
}

TEST_CASE("load: an unknown name in an observable lists known names", "[load][errors]") {
    // Protects symbol checks of observables; ERK_P is not declared, ERK_PP is the closest id.
    check_single_problem("unknown_name_in_observable.json", "/observables/0/expression",
                         {"unknown name 'ERK_P' in expression", "known: ERK_PP"});
}

TEST_CASE("load: an unknown parameter of a rate law lists the closest parameters", "[load][errors]") {
    // Protects parameter references of typed rate laws (and the null guard after them).
    check_single_problem("unknown_parameter_in_rate.json", "/reactions/0/rate/kf", {"unknown parameter 'kdeg'", "known: k_deg"});
}

TEST_CASE("load: an unknown rate-law type lists the allowed ones", "[load][errors]") {
    // Protects the rate-law switch; the allowed list is the table of docs/model-format.md.
    check_single_problem("unknown_rate_law.json", "/reactions/0/rate/type",
                         {"unknown rate law 'mass_actoin'",
                          "allowed: mass_action, michaelis_menten, hill_activation, hill_inhibition, expression"});
}

TEST_CASE("load: kcat without an enzyme modifier is rejected", "[load][errors]") {
    // Protects "kcat + enzyme modifier" of the michaelis_menten row of docs/model-format.md.
    check_single_problem("kcat_without_enzyme.json", "/reactions/0/rate/kcat",
                         {"'kcat' needs exactly one modifier with role 'enzyme', found 0"});
}

TEST_CASE("load: a Hill activator must be a modifier with role activator", "[load][errors]") {
    // Protects the hill_activation rule; hill_activator_not_modifier.json lists L as an enzyme.
    check_single_problem("hill_activator_not_modifier.json", "/reactions/0/rate/activator",
                         {"'L' must be listed in the reaction's modifiers with role 'activator'"});
}

TEST_CASE("load: a species read by a rate but not declared in the reaction is rejected", "[load][errors]") {
    // Protects "every species a rate law reads must appear in the reaction" (docs/model-format.md),
    // which keeps the network graph complete.
    check_single_problem("undeclared_modifier.json", "/reactions/0/rate/expression",
                         {"the rate reads species 'E'", "reaction 'catalysis'", "add it to 'modifiers'"});
}

TEST_CASE("load: a species read by a rate through an observable must be declared too", "[load][errors]") {
    // Protects the same rule when the rate reads E only through the observable E_total, which the
    // check used to miss (the graph then lacked the E -> catalysis edge).
    check_single_problem("rate_reads_species_via_observable.json", "/reactions/0/rate/expression",
                         {"the rate reads species 'E' through observable 'E_total'", "reaction 'catalysis'"});
}

TEST_CASE("load: an unknown modifier role lists the allowed roles", "[load][errors]") {
    // Protects the role list of docs/model-format.md (enzyme, activator, inhibitor).
    check_single_problem("unknown_modifier_role.json", "/reactions/0/modifiers/0/role",
                         {"unknown role 'catalyst'", "allowed: enzyme, activator, inhibitor"});
}

TEST_CASE("load: an unknown name in a rate expression lists known names, and reaction ids are not values", "[load][errors]") {
    // Protects symbol checks of expression rates; 'degradation' is a reaction id, which an
    // expression cannot read.
    check_single_problem("unknown_name_in_rate.json", "/reactions/0/rate/expression",
                         {"unknown name 'degradation' in expression", "known: k_deg, A"});
}

TEST_CASE("load: michaelis_menten needs exactly one reactant", "[load][errors]") {
    // Protects "exactly one reactant" of the michaelis_menten row of docs/model-format.md.
    check_single_problem("michaelis_menten_two_reactants.json", "/reactions/0/rate",
                         {"michaelis_menten needs exactly one reactant, found 2"});
}

TEST_CASE("load: michaelis_menten takes kcat or Vmax, not both", "[load][errors]") {
    // Protects the either/or of the michaelis_menten row of docs/model-format.md.
    check_single_problem("kcat_and_vmax.json", "/reactions/0/rate", {"give either 'kcat'", "or 'Vmax', not both"});
}

TEST_CASE("load: a typed rate law with non-integer order asks for an expression", "[load][errors]") {
    // Protects the order-scaled dimension check, which needs an integer power of concentration.
    check_single_problem("non_integer_order_typed_law.json", "/reactions/0/rate/kf",
                         {"non-integer total stoichiometry needs an 'expression' rate law"});
}

TEST_CASE("load: a reaction without reactants or products is rejected", "[load][errors]") {
    // Protects the rule that every reaction changes some species.
    check_single_problem("reaction_without_species.json", "/reactions/0", {"a reaction needs at least one reactant or product"});
}

TEST_CASE("load: a species needs a compartment when compartments are declared", "[load][errors]") {
    // Protects "compartment: required if compartments are declared" (species table of docs/model-format.md).
    check_single_problem("species_without_compartment.json", "/species/0",
                         {"species needs a 'compartment'", "known: cytosol, nucleus"});
}

TEST_CASE("load: 'time' is reserved and cannot be an id", "[load][errors]") {
    // Protects the expression symbol `time` (docs/model-format.md, expressions) from being shadowed.
    check_single_problem("reserved_id_time.json", "/parameters/0/id", {"'time' is reserved for the simulation time"});
}

TEST_CASE("load: an include entry that is not a string is rejected", "[load][errors]") {
    // Protects the include list type: entries are relative paths.
    check_single_problem("include_not_a_string.json", "/include/0", {"expected a string, found an object"});
}

TEST_CASE("load_from_string: species read through nested or self-referencing observables", "[load][errors]") {
    // Protects the observable walk of the "rate reads species" check: through two levels it still
    // finds E, and an observable naming itself is reported as an unknown name instead of recursing.
    const std::string nested = R"json({"species": [{"id": "S", "initial": 1, "unit": "nM"}, {"id": "E", "initial": 1, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "1/(nM*s)", "source": "assumed: test"}],
      "observables": [{"id": "inner", "expression": "E"}, {"id": "outer", "expression": "2 * inner"}],
      "reactions": [{"id": "r", "reactants": ["S"], "rate": {"type": "expression", "expression": "k * outer * S"}}]})json";
    REQUIRE_THROWS_AS(load_from_string(nested, "nested.json"), ModelError);
    CHECK_THROWS_WITH(load_from_string(nested, "nested.json"),
                      Contains("nested.json: /reactions/0/rate/expression: the rate reads species 'E' through observable 'outer'"));
    const std::string self = R"json({"species": [{"id": "S", "initial": 1, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "1/s", "source": "assumed: test"}],
      "observables": [{"id": "loop", "expression": "loop + S"}],
      "reactions": [{"id": "r", "reactants": ["S"], "rate": {"type": "expression", "expression": "k * loop"}}]})json";
    REQUIRE_THROWS_AS(load_from_string(self, "self.json"), ModelError);
    CHECK_THROWS_WITH(load_from_string(self, "self.json"), Contains("self.json: /observables/0/expression: unknown name 'loop'"));
}

TEST_CASE("load: a stoichiometry of 0 is rejected", "[load][errors]") {
    // Protects "stoichiometry > 0" of species references.
    check_single_problem("bad_stoichiometry.json", "/reactions/0/reactants/0/stoichiometry", {"stoichiometry must be > 0"});
}

TEST_CASE("load: a source of just 'assumed' needs a reason", "[load][errors]") {
    // Protects the provenance rule of docs/model-format.md: "assumed" with no reason is an error.
    check_single_problem("assumed_without_reason.json", "/parameters/0/source",
                         {"'assumed' needs a reason", "assumed: <why this value>"});
}

TEST_CASE("load: an include cycle names the chain", "[load][errors]") {
    // Protects include-cycle detection: a includes b includes a; the error sits at b's include
    // entry and lists the whole chain.
    const std::string a = data_path("include_cycle_a.json"), b = data_path("include_cycle_b.json");
    check_single_problem("include_cycle_a.json", "/include/0", {"include cycle: " + a + " -> " + b + " -> " + a},
                         "include_cycle_b.json");
}

TEST_CASE("load: a missing include names the file looked for", "[load][errors]") {
    // Protects the missing-include path; does_not_exist.json is resolved next to the including file.
    check_single_problem("missing_include.json", "/include/0",
                         {"included file 'does_not_exist.json' not found", "looked for " + data_path("does_not_exist.json")});
}

TEST_CASE("load: a missing include deeper in the tree names the include chain", "[load][errors]") {
    // Protects "a missing file is an error that names the chain" (docs/model-format.md, include).
    check_single_problem("missing_include_nested.json", "/include/0",
                         {"included file 'does_not_exist.json' not found",
                          "include chain: " + data_path("missing_include_nested.json") + " -> " + data_path("missing_include.json")},
                         "missing_include.json");
}

TEST_CASE("load: independent problems of a file are reported together", "[load][errors]") {
    // Protects "collect all input errors of a file" (STYLE.md 3): several_problems.json has an
    // unknown unit, a missing source and a 'calibrated' without reason; what() has one per line.
    const std::string path = data_path("several_problems.json");
    const ModelError error = load_error(path);
    REQUIRE(error.problems().size() == 3);
    CHECK(error.problems()[0].pointer == "/species/0/unit");
    CHECK(error.problems()[1].pointer == "/parameters/0");
    CHECK_THAT(error.problems()[1].message, Contains("missing required key 'source'"));
    CHECK(error.problems()[2].pointer == "/parameters/1/source");
    CHECK_THAT(error.problems()[2].message, Contains("'calibrated' needs a reason"));
    const std::string what = error.what();
    CHECK(std::count(what.begin(), what.end(), '\n') == 2);
    CHECK_THAT(what, Contains(path + ": /parameters/1/source: 'calibrated' needs a reason"));
}

TEST_CASE("load_from_string: errors use the given name", "[load][errors]") {
    // Protects load_from_string's `file` argument as the name in messages.
    REQUIRE_THROWS_AS(load_from_string("{\"name\": 1,}", "inline.json"), ModelError);
    CHECK_THROWS_WITH(load_from_string("{\"name\": 1,}", "inline.json"), Contains("inline.json: malformed JSON: parse error"));
    CHECK_THROWS_WITH(load_from_string(R"json({"name": 1})json", "inline.json"), Contains("inline.json: /name: expected a string, found a number"));
}

// ---- Valid files --------------------------------------------------------------------------------

TEST_CASE("load: an include diamond is loaded once and merged", "[load]") {
    // Protects include resolution relative to the including file and the diamond rule: top includes
    // left and right, which include common/base.json as "./common/base.json" and "common/base.json".
    const std::string top = data_path("diamond/top.json");
    const Model m = load(top);
    CHECK(m.name == "diamond_model");
    REQUIRE(m.files.size() == 4);
    CHECK(m.files.front() == top);
    CHECK(std::count(m.files.begin(), m.files.end(), data_path("diamond/common/base.json")) == 1);
    CHECK(m.compartments.size() == 1);
    CHECK(m.species.size() == 3);
    CHECK(m.parameters.size() == 3);
    CHECK(m.reactions.size() == 3);
    CHECK(m.observables.size() == 1);
}

TEST_CASE("load: modules default to the file name and can be set with 'module'", "[load]") {
    // Protects module assignment (docs/model-format.md, top-level keys): base.json and right.json
    // set 'module', left.json and top.json do not.
    const Model m = load(data_path("diamond/top.json"));
    CHECK(species(m, "A").module == "shared");
    CHECK(species(m, "B").module == "left");
    CHECK(species(m, "C").module == "right_module");
    CHECK(parameter(m, "kf_bind").module == "left");
    CHECK(reaction(m, "supply").module == "right_module");
    CHECK(m.observables[0].module == "top");
    CHECK(species(m, "A").origin.file == data_path("diamond/common/base.json"));
    CHECK(species(m, "A").origin.pointer == "/species/0");
}

TEST_CASE("load: quantities are converted to nM, s and L", "[load]") {
    // Protects unit conversion on load. Expected values by hand: 2 uM = 2000 nM; 0.5 uM = 500 nM;
    // 1/(uM*s) = 1e-3 /(nM*s); 1 nM/min = 1/60 nM/s; 1 pL = 1e-12 L.
    const Model m = load(data_path("diamond/top.json"));
    CHECK(species(m, "A").initial_nm == Approx(2000.0));
    CHECK(species(m, "B").initial_nm == Approx(500.0));
    CHECK(species(m, "C").initial_nm == 0.0);
    CHECK(parameter(m, "kf_bind").value == Approx(1e-3));
    CHECK(parameter(m, "kf_bind").unit == "1/(uM*s)");
    CHECK(parameter(m, "kf_bind").dimension == Dimension::none() / Dimension::concentration() / Dimension::time());
    CHECK(parameter(m, "k_supply").value == Approx(1.0 / 60));
    CHECK(parameter(m, "k_out").value == Approx(0.01));
    CHECK(m.compartments[0].id == "cytosol");
    CHECK(m.compartments[0].size_l == Approx(1e-12));
}

TEST_CASE("load: parameter sources are classified as citation, assumed or calibrated", "[load]") {
    // Protects the provenance kinds `ntsim check` lists; the texts are those of diamond/left.json
    // and diamond/right.json.
    const Model m = load(data_path("diamond/top.json"));
    CHECK(parameter(m, "kf_bind").source_kind == SourceKind::citation);
    CHECK(parameter(m, "kf_bind").source == "Smith 2001, J Test Biol 1:23, Table 2");
    CHECK(parameter(m, "k_supply").source_kind == SourceKind::calibrated);
    CHECK(parameter(m, "k_out").source_kind == SourceKind::assumed);
}

TEST_CASE("load: reactions across modules resolve species declared in any file", "[load]") {
    // Protects the two-pass load: 'bind' in left.json produces C, declared in right.json which is
    // loaded after it. Rate by docs/model-format.md mass action: kf*[A]*[B].
    const Model m = load(data_path("diamond/top.json"));
    const Reaction& bind = reaction(m, "bind");
    CHECK(bind.kind == RateLawKind::mass_action);
    REQUIRE(bind.products.size() == 1);
    CHECK(m.species[bind.products[0].species].id == "C");
    CHECK(symbols(bind.rate) == std::set<std::string>{"A", "B", "kf_bind"});
    CHECK(evaluate_at(bind.rate, {{"A", 2000}, {"B", 500}, {"kf_bind", 1e-3}}) == Approx(1000.0));
    // Pure synthesis: order 0, so kf is the rate itself.
    CHECK(evaluate_at(reaction(m, "supply").rate, {{"k_supply", 0.25}}) == Approx(0.25));
}

TEST_CASE("load: two compartments keep their volumes and reactions take the first reactant's", "[load]") {
    // Protects compartment sizes (1 pL, 250 fL = 2.5e-13 L) and the reaction-compartment rule of
    // docs/model-format.md: the first reactant's compartment, or the first product's for a synthesis.
    const Model m = load(data_path("two_compartments.json"));
    REQUIRE(m.compartments.size() == 2);
    CHECK(m.compartments[0].size_l == Approx(1e-12));
    CHECK(m.compartments[1].size_l == Approx(2.5e-13));
    CHECK(m.compartments[1].name == "cell nucleus");
    CHECK(m.compartments[0].name == "cytosol");
    const int cytosol = *m.compartment_index("cytosol"), nucleus = *m.compartment_index("nucleus");
    CHECK(species(m, "TF_cyt").compartment == cytosol);
    CHECK(species(m, "TF_nuc").compartment == nucleus);
    CHECK(species(m, "TF_nuc").initial_nm == Approx(500.0));
    CHECK(species(m, "mRNA").compartment == nucleus);
    CHECK(reaction(m, "import").compartment == cytosol);
    CHECK(reaction(m, "transcription").compartment == nucleus);
    CHECK(parameter(m, "k_import").value == Approx(0.01));   // 0.6/min
    CHECK(parameter(m, "k_tx").value == Approx(1e-4));       // 0.36 nM/h
}

TEST_CASE("load_from_string: the complete example of docs/model-format.md loads", "[load]") {
    // Protects the documented example (its include removed) and the typed rate laws it uses;
    // expected rates follow the rate-law table: kcat*[E]*[S]/(Km+[S]).
    const std::string text = R"json({
      "name": "enzyme_toy",
      "description": "E + S -> E + P with substrate supply; a minimal but complete file",
      "compartments": [{"id": "cell", "size": 1, "unit": "pL", "name": "cytosol"}],
      "species": [
        {"id": "S", "name": "substrate", "compartment": "cell", "initial": 2, "unit": "uM"},
        {"id": "P", "name": "product",   "compartment": "cell", "initial": 0, "unit": "nM"},
        {"id": "E", "name": "enzyme",    "compartment": "cell", "initial": 50, "unit": "nM", "constant": true}
      ],
      "parameters": [
        {"id": "kcat", "value": 0.5, "unit": "1/s", "source": "Kholodenko 2000, Eur J Biochem 267:1583, Table 1"},
        {"id": "Km", "value": 15, "unit": "nM", "source": "assumed: typical kinase Km, swept in scenarios"},
        {"id": "k_supply", "value": 1, "unit": "nM/min", "source": "calibrated: basal S stays at 2 uM without enzyme"},
        {"id": "k_out", "value": 0.01, "unit": "1/s", "source": "assumed: product clearance in ~100 s"}
      ],
      "reactions": [
        {"id": "catalysis", "reactants": ["S"], "products": ["P"],
         "modifiers": [{"species": "E", "role": "enzyme"}],
         "rate": {"type": "michaelis_menten", "kcat": "kcat", "Km": "Km"}},
        {"id": "supply", "products": ["S"], "rate": {"type": "mass_action", "kf": "k_supply"}},
        {"id": "clearance", "reactants": [{"species": "P", "stoichiometry": 1}],
         "rate": {"type": "expression", "expression": "k_out * P"}}
      ],
      "observables": [{"id": "total_substrate", "name": "S + P", "expression": "S + P"}]
    })json";
    const Model m = load_from_string(text, "enzyme_toy.json");
    CHECK(m.name == "enzyme_toy");
    CHECK(m.files == std::vector<std::string>{"enzyme_toy.json"});
    CHECK(species(m, "S").initial_nm == Approx(2000.0));
    CHECK(species(m, "S").name == "substrate");
    CHECK(species(m, "E").constant);
    CHECK_FALSE(species(m, "S").constant);
    CHECK(species(m, "S").module == "enzyme_toy");
    CHECK(parameter(m, "k_supply").value == Approx(1.0 / 60));
    CHECK(parameter(m, "Km").source_kind == SourceKind::assumed);
    const Reaction& catalysis = reaction(m, "catalysis");
    CHECK(catalysis.kind == RateLawKind::michaelis_menten);
    REQUIRE(catalysis.modifiers.size() == 1);
    CHECK(catalysis.modifiers[0].role == ModifierRole::enzyme);
    const std::map<std::string, double> at{{"kcat", 0.5}, {"Km", 15}, {"E", 50}, {"S", 2000}};
    CHECK(evaluate_at(catalysis.rate, at) == Approx(0.5 * 50 * 2000 / (15 + 2000)));
    CHECK(evaluate_at(reaction(m, "clearance").rate, {{"k_out", 0.01}, {"P", 30}}) == Approx(0.3));
    CHECK(m.ids.at("total_substrate").kind == EntityKind::observable);
}

TEST_CASE("load_from_string: typed rate laws build the documented formulas", "[load]") {
    // Protects mass action with a reverse constant and stoichiometry 2, Vmax Michaelis-Menten, and
    // both Hill laws; expected values computed from the rate-law table of docs/model-format.md.
    const std::string text = R"json({
      "species": [
        {"id": "A", "initial": 1, "unit": "nM"}, {"id": "B", "initial": 1, "unit": "nM"},
        {"id": "I", "initial": 1, "unit": "nM"}, {"id": "L", "initial": 1, "unit": "nM"}
      ],
      "parameters": [
        {"id": "kf2", "value": 1, "unit": "1/(nM*s)", "source": "assumed: test"},
        {"id": "kr1", "value": 1, "unit": "1/s", "source": "assumed: test"},
        {"id": "Vmax", "value": 1, "unit": "nM/s", "source": "assumed: test"},
        {"id": "Km", "value": 1, "unit": "nM", "source": "assumed: test"},
        {"id": "V1", "value": 1, "unit": "1/s", "source": "assumed: test"},
        {"id": "K", "value": 1, "unit": "nM", "source": "assumed: test"},
        {"id": "n", "value": 2, "unit": "dimensionless", "source": "assumed: test"}
      ],
      "reactions": [
        {"id": "dimer", "reactants": [{"species": "A", "stoichiometry": 2}], "products": ["B"],
         "rate": {"type": "mass_action", "kf": "kf2", "kr": "kr1"}},
        {"id": "mm", "reactants": ["B"], "products": ["A"], "rate": {"type": "michaelis_menten", "Vmax": "Vmax", "Km": "Km"}},
        {"id": "act", "reactants": ["A"], "products": ["B"], "modifiers": [{"species": "L", "role": "activator"}],
         "rate": {"type": "hill_activation", "V": "V1", "K": "K", "n": "n", "activator": "L"}},
        {"id": "inh", "reactants": ["A"], "products": ["B"], "modifiers": [{"species": "I", "role": "inhibitor"}],
         "rate": {"type": "hill_inhibition", "V": "V1", "K": "K", "n": "n", "inhibitor": "I"}}
      ]
    })json";
    const Model m = load_from_string(text, "rate_laws.json");
    CHECK(m.compartments.size() == 1);  // the implicit 'cell' of 1 pL
    CHECK(m.compartments[0].id == "cell");
    CHECK(m.compartments[0].size_l == Approx(1e-12));
    const std::map<std::string, double> at{{"A", 3}, {"B", 5}, {"I", 4}, {"L", 6}, {"kf2", 0.2}, {"kr1", 0.7},
                                           {"Vmax", 2}, {"Km", 10}, {"V1", 0.3}, {"K", 2}, {"n", 2}};
    CHECK(evaluate_at(reaction(m, "dimer").rate, at) == Approx(0.2 * 3 * 3 - 0.7 * 5));
    CHECK(evaluate_at(reaction(m, "mm").rate, at) == Approx(2.0 * 5 / (10 + 5)));
    CHECK(evaluate_at(reaction(m, "act").rate, at) == Approx(0.3 * 3 * 36 / (4 + 36)));
    CHECK(evaluate_at(reaction(m, "inh").rate, at) == Approx(0.3 * 3 * 4 / (4 + 16)));
    CHECK(reaction(m, "act").kind == RateLawKind::hill_activation);
    CHECK(reaction(m, "inh").kind == RateLawKind::hill_inhibition);
}

TEST_CASE("load_from_string: includes resolve relative to the given name", "[load]") {
    // Protects `file` as the base for relative includes; base.json of the diamond fixture is
    // included from an in-memory top file placed (by name) in tests/models/data/.
    const std::string name = data_path("in_memory_top.json");
    const Model m = load_from_string(R"json({"include": ["diamond/common/base.json"],
      "species": [{"id": "Z", "compartment": "cytosol", "initial": 1, "unit": "mM"}]})json", name);
    CHECK(m.files == std::vector<std::string>{name, data_path("diamond/common/base.json")});
    CHECK(species(m, "Z").initial_nm == Approx(1e6));
    CHECK(species(m, "Z").module == "in_memory_top");
    CHECK(species(m, "A").module == "shared");
}

TEST_CASE("load: the shipped example model loads", "[load]") {
    // Protects models/examples/kholodenko2000_mapk.json, whose counts its description states:
    // 8 species, 10 reactions, 22 parameters.
    const Model m = load(std::string(NTSIM_SOURCE_DIR) + "/models/examples/kholodenko2000_mapk.json");
    CHECK(m.species.size() == 8);
    CHECK(m.reactions.size() == 10);
    CHECK(m.parameters.size() == 22);
    CHECK(species(m, "MKKK").module == "kholodenko2000");
}

TEST_CASE("load_from_string: a number beyond double is malformed JSON, not a stray exception", "[load][errors][fuzz]") {
    // Found by tests/fuzz (fuzz_scenario, 333e333...): nlohmann::json throws out_of_range (406)
    // for it, which the loader did not catch, so it escaped as a non-ModelError.
    REQUIRE_THROWS_AS(load_from_string(R"({"name": 1e400})", "huge.json"), ModelError);
    CHECK_THROWS_WITH(load_from_string(R"({"name": 1e400})", "huge.json"),
                      Contains("huge.json: malformed JSON: number overflow parsing '1e400'"));
}
