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
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = ntsim::fuzzing::input_text(data, size, ntsim::fuzzing::max_document_bytes);
    if (!text) return -1;
    // Named as if it sat among the shipped models, so "include": ["pathways/erk_cascade.json"] resolves.
    const std::string name = NTSIM_SOURCE_DIR "/models/fuzz_input.json";
    try {
        const ntsim::models::Model model = ntsim::models::load_from_string(*text, name);
        const ntsim::models::Network network(model);
        ntsim::solver::compile(network);
    } catch (const ntsim::models::ModelError&) {
    }
    return 0;
}
