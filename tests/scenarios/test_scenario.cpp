// The scenario reader on text (load_scenario_from_string): inputs that once crashed it or ran
// into undefined behaviour, found by review or by tests/fuzz, and now refused with a located error.
#include <catch2/catch.hpp>

#include <string>

#include "scenarios/scenarios.hpp"

using namespace ntsim::scenarios;

namespace {

// Named as if it sat among the test data, so the toy model and region files resolve.
const std::string name = std::string(NTSIM_SOURCE_DIR) + "/tests/scenarios/data/inline.json";

// A valid scenario on the toy model whose `schedules` and `axes` entries are the given JSON.
std::string scenario(const std::string& schedules, const std::string& axes = "[]") {
    return R"({"model": "toy_pathway.json", "regions": {"region_a": "region_a.json"}, "schedules": )" + schedules +
           R"(, "run": {"region": "region_a", "schedule": "s"}, "observe": "1h", "outputs": {"every": "30min"}, "axes": )" +
           axes + "}";
}

std::string error_of(const std::string& text) {
    try {
        const Scenario scenario = load_scenario_from_string(text, name);
        expand(scenario);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    FAIL("no error for " << text);
    return "";
}

}  // namespace

TEST_CASE("load_scenario_from_string reads what load_scenario reads", "[scenarios][load]") {
    // The text entry point serves the fuzzer; it must resolve files against the given name.
    const Scenario s = load_scenario_from_string(scenario(R"({"s": {"doses": 3, "every": "2h"}})"), name);
    CHECK(s.schedules.at("s").doses == 3);
    CHECK(s.file == name);
}

TEST_CASE("a scenario with a number beyond double is malformed JSON", "[scenarios][errors][fuzz]") {
    // Found by tests/fuzz (fuzz_scenario): nlohmann::json's out_of_range escaped the reader.
    CHECK_THAT(error_of(R"({"observe": 333e3333333333})"), Catch::Contains("inline.json: malformed JSON: number overflow parsing '333e3333333333'"));
}
