// Sweep expansion: run numbering, labels and vehicle references of the plan, which builds each
// run from its axis positions when asked instead of storing it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "scenarios/scenarios.hpp"

using namespace ntsim::scenarios;

namespace {

// Named as if it sat among the test data, so the toy model and region files resolve.
const std::string name = std::string(NTSIM_SOURCE_DIR) + "/tests/scenarios/data/inline.json";

// A scenario on the toy model and drug (base run: toy_drug 3 mg/kg i.v. in region_a) with the given axes.
Scenario toy_scenario(const std::string& base_compound, const std::string& axes) {
    return load_scenario_from_string(R"({"model": "toy_pathway.json", "compounds": ["toy_drug.json"],
        "regions": {"region_a": "region_a.json", "region_b": "region_b.json"}, "schedules": {"acute": {"doses": 1}},
        "run": {"region": "region_a", "compound": ")" + base_compound + R"(", "dose": "3 mg/kg", "route": "iv", "schedule": "acute"},
        "observe": "1h", "outputs": {"every": "30min"}, "axes": )" + axes + "}", name);
}

// A run as runs.csv lists it: labels, vehicle run, added as reference.
std::string listed(const Run& run) {
    std::string text;
    for (const auto& label : run.labels) text += label + ",";
    return text + (run.vehicle ? std::to_string(*run.vehicle) : "") + (run.added_as_reference ? ",yes" : ",no");
}

std::vector<std::string> listing(const SweepPlan& plan) {
    std::vector<std::string> lines;
    for (std::size_t index = 0; index < plan.size(); ++index) {
        const Run run = plan.run(index);
        CHECK(run.index == index);
        lines.push_back(listed(run));
    }
    return lines;
}

std::string label(double value) { return fmt::format("{:.6g}", value); }

}  // namespace

TEST_CASE("vehicle runs on the compound axis serve every dose of their sample point", "[scenarios][sweep]") {
    // Protects the numbering of expand: odometer order (last axis fastest); a vehicle combination
    // whose region, schedule and parameters an earlier vehicle run already has is not a run of its
    // own (here the vehicle at 3 mg/kg); treated runs point at the vehicle run of their sample point.
    const Scenario scenario = toy_scenario("toy_drug", R"([
        {"axis": "compound", "values": ["toy_drug", "vehicle"]},
        {"axis": "dose", "values": ["1 mg/kg", "3 mg/kg"]},
        {"axis": "sample", "method": "latin_hypercube", "points": 2, "seed": 7,
         "parameters": {"k_deg": {"from": "0.0005 1/s", "to": "0.002 1/s"}}}])");
    const SweepPlan plan = expand(scenario);
    const std::string k0 = label(scenario.axes[2].numbers[0]), k1 = label(scenario.axes[2].numbers[1]);
    CHECK(plan.columns == std::vector<std::string>{"region", "compound", "dose_mg_per_kg", "route", "schedule", "sample", "k_deg"});
    CHECK(listing(plan) == std::vector<std::string>{
                               "region_a,toy_drug,1,iv,acute,0," + k0 + ",4,no",
                               "region_a,toy_drug,1,iv,acute,1," + k1 + ",5,no",
                               "region_a,toy_drug,3,iv,acute,0," + k0 + ",4,no",
                               "region_a,toy_drug,3,iv,acute,1," + k1 + ",5,no",
                               "region_a,vehicle,0,,acute,0," + k0 + ",,no",
                               "region_a,vehicle,0,,acute,1," + k1 + ",,no",
                           });
    const Run vehicle = plan.run(5);
    CHECK(vehicle.settings.dose_mg_per_kg == 0.0);
    CHECK(vehicle.settings.parameters.at("k_deg") == scenario.axes[2].numbers[1]);
    CHECK(plan.run(2).settings.dose_mg_per_kg == 3.0);
    // Dose-response pairing: run 1 at the second dose is run 3.
    CHECK(plan.position(3, 1) == 1);
    CHECK(plan.sibling(1, 1, 1) == std::optional<std::size_t>(3));
}

TEST_CASE("vehicle references are appended in first-use order", "[scenarios][sweep]") {
    // Protects added references: with no vehicle on the axes, each region gets one vehicle run after
    // all axis combinations, numbered in the order treated runs first need it; it carries its
    // treated run's settings but compound and dose, and has no vehicle itself.
    const Scenario scenario = toy_scenario("toy_drug", R"([
        {"axis": "region", "values": ["region_a", "region_b"]},
        {"axis": "dose", "values": ["1 mg/kg", "3 mg/kg"]}])");
    const SweepPlan plan = expand(scenario);
    CHECK(listing(plan) == std::vector<std::string>{
                               "region_a,toy_drug,1,iv,acute,4,no",
                               "region_a,toy_drug,3,iv,acute,4,no",
                               "region_b,toy_drug,1,iv,acute,5,no",
                               "region_b,toy_drug,3,iv,acute,5,no",
                               "region_a,vehicle,0,,acute,,yes",
                               "region_b,vehicle,0,,acute,,yes",
                           });
    const Run reference = plan.run(5);
    CHECK(reference.settings.compound == "vehicle");
    CHECK(reference.settings.route == "iv");
    // Regional pairing: run 0 in the second region is run 2; a reference pairs with nothing.
    CHECK(plan.sibling(0, 0, 1) == std::optional<std::size_t>(2));
    CHECK_FALSE(plan.sibling(4, 0, 1));
    // The base run alone: no axes, no reference.
    const SweepPlan base = base_run(scenario);
    REQUIRE(base.size() == 1);
    CHECK(listed(base.run(0)) == "region_a,toy_drug,3,iv,acute,,no");
}

TEST_CASE("vehicle combinations with equal settings share one run", "[scenarios][sweep]") {
    // Protects vehicle sharing by settings, not by axis position: a region listed twice, and a
    // parameter axis whose parameter the later sample axis sets again, give equal settings, so
    // only the first such combination is a run. The k_deg column shows the value the run uses.
    const Scenario scenario = toy_scenario("vehicle", R"([
        {"axis": "region", "values": ["region_a", "region_a"]},
        {"axis": "parameter", "id": "k_deg", "values": ["1e-3 1/s", "2e-3 1/s"]},
        {"axis": "sample", "method": "latin_hypercube", "points": 2, "seed": 7,
         "parameters": {"k_deg": {"from": "0.0005 1/s", "to": "0.002 1/s"}}}])");
    const SweepPlan plan = expand(scenario);
    const std::string k0 = label(scenario.axes[2].numbers[0]), k1 = label(scenario.axes[2].numbers[1]);
    CHECK(listing(plan) == std::vector<std::string>{
                               "region_a,vehicle,0,,acute," + k0 + ",0," + k0 + ",,no",
                               "region_a,vehicle,0,,acute," + k1 + ",1," + k1 + ",,no",
                           });
}
