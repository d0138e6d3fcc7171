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
        expand(load_scenario_from_string(text, name));
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

TEST_CASE("a schedule of more doses than int holds is refused before counting them", "[scenarios][errors][fuzz]") {
    // '1e300 d' every second used to be floored into an int (undefined behaviour).
    const std::string what = error_of(scenario(R"({"s": {"until": "1e300 d", "every": "1 s"}})"));
    CHECK_THAT(what, Catch::Contains("inline.json: /schedules/s: the schedule gives 8.64e+304 doses, more than the limit of 100000"));
}

TEST_CASE("durations, doses and values that are not finite numbers are refused", "[scenarios][errors][fuzz]") {
    // std::stod reads 'nan' and 'inf'; they used to pass as quantities.
    CHECK_THAT(error_of(scenario(R"({"s": {"until": "inf d", "every": "1 s"}})")),
               Catch::Contains("/schedules/s/until: 'inf d' is not a finite number"));
    CHECK_THAT(error_of(scenario(R"({"s": {"doses": 2, "every": "nan h"}})")),
               Catch::Contains("/schedules/s/every: 'nan h' is not a finite number"));
}

TEST_CASE("a sample seed beyond 2^53 is refused instead of overflowing the integer seed", "[scenarios][errors][fuzz]") {
    const std::string what = error_of(scenario(R"({"s": {"doses": 1}})",
        R"([{"axis": "sample", "method": "sobol", "points": 4, "seed": 1e300, "parameters": {"k_act": {"from": "0.001 1/s", "to": "0.1 1/s"}}}])"));
    CHECK_THAT(what, Catch::Contains("/axes/0/seed: seed must be a whole number from 0 to 9007199254740992"));
}

TEST_CASE("a sample axis over the run limit is refused before its design is drawn", "[scenarios][errors]") {
    // 1e7 points x 1e4 replicates used to allocate 1e11 samples before the sweep size was checked.
    const std::string what = error_of(scenario(R"({"s": {"doses": 1}})",
        R"([{"axis": "sample", "method": "latin_hypercube", "points": 10000000, "replicates": 10000, "parameters": {"k_act": {"from": "0.001 1/s", "to": "0.1 1/s"}}}])"));
    CHECK_THAT(what, Catch::Contains("/axes/0: the sample axis has 1e+11 points in all, more than the limit of 1e+08 runs"));
}

TEST_CASE("a scenario with a number beyond double is malformed JSON", "[scenarios][errors][fuzz]") {
    // Found by tests/fuzz (fuzz_scenario): nlohmann::json's out_of_range escaped the reader.
    CHECK_THAT(error_of(R"({"observe": 333e3333333333})"), Catch::Contains("inline.json: malformed JSON: number overflow parsing '333e3333333333'"));
}
