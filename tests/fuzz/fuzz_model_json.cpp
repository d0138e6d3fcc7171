// libFuzzer harness for the JSON model reader: text -> models::load_from_string -> Network ->
// solver::compile. Every input must end in a compiled system or a ModelError (the loader's promise
// is that a model that loads can be compiled); any other exception, crash or sanitizer report is
// a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/load.hpp"
#include "models/network.hpp"
#include "solver/solver.hpp"

namespace {
// The largest shipped model file is 25 KB; larger inputs only slow the search down.
constexpr std::size_t max_input_bytes = 32 * 1024;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > max_input_bytes) return -1;
    const std::string text(reinterpret_cast<const char*>(data), size);
    // Named as if it sat among the shipped models, so "include": ["pathways/erk_cascade.json"] resolves.
    const std::string name = NTSIM_SOURCE_DIR "/models/fuzz_input.json";
    try {
        const ntsim::models::Model model = ntsim::models::load_from_string(text, name);
        const ntsim::models::Network network(model);
        ntsim::solver::compile(network);
    } catch (const ntsim::models::ModelError&) {
    }
    return 0;
}
