// libFuzzer harness for the scenario reader: text -> scenarios::load_scenario_from_string (which
// loads the model, compound and region files it names) -> expand and base_run. Every input must
// end in a sweep plan or a ScenarioError; anything else is a finding. Nothing is simulated.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "scenarios/scenario.hpp"
#include "scenarios/sweep.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {
// The loader accepts grids of a million points and samples of ten million; generating those is
// legitimate but would spend seconds per input, so the harness leaves such inputs out.
constexpr double max_points = 1000;
// Expanding is linear in the number of runs; the loader's own limit (1e8 runs) is tested by the
// unit tests, not here.
constexpr std::size_t max_runs = 1000;

bool asks_for_large_design(const nlohmann::json& value) {
    if (value.is_array())
        for (const auto& v : value)
            if (asks_for_large_design(v)) return true;
    if (!value.is_object()) return false;
    for (const auto& [key, v] : value.items()) {
        if ((key == "points" || key == "replicates") && v.is_number() && !(v.get<double>() <= max_points)) return true;
        if (asks_for_large_design(v)) return true;
    }
    return false;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ntsim::scenarios;
    const auto text = ntsim::fuzzing::input_text(data, size, ntsim::fuzzing::max_document_bytes);
    if (!text) return -1;
    if (asks_for_large_design(nlohmann::json::parse(*text, nullptr, false))) return -1;
    // Named as if it sat among the scenario test data, so "model": "toy_pathway.json" resolves
    // (tests/fuzz/run rewrites the shipped scenarios' "../models/" paths to match).
    const std::string name = NTSIM_SOURCE_DIR "/tests/scenarios/data/fuzz_input.json";
    try {
        const Scenario scenario = load_scenario_from_string(*text, name);
        base_run(scenario);
        std::size_t runs = 1;
        for (const Axis& axis : scenario.axes) {
            runs *= axis.size();
            if (runs > max_runs) return 0;
        }
        expand(scenario);
    } catch (const ScenarioError&) {
    }
    return 0;
}
