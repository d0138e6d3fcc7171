// libFuzzer harness for the SBML importer: XML text -> models::load_sbml_from_string (libSBML
// parse, consistency check, comp flattening, import) -> Network -> solver::compile. Every input
// must end in a compiled system, SbmlError or SbmlUnsupported; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/network.hpp"
#include "models/sbml_import.hpp"
#include "solver/solver.hpp"

namespace {
// Most SBML Test Suite models are 2-20 KB; libSBML's consistency check grows faster than linearly
// with the document, so larger inputs would mostly spend the time budget there.
constexpr std::size_t max_input_bytes = 32 * 1024;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > max_input_bytes) return -1;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const ntsim::models::Model model = ntsim::models::load_sbml_from_string(text, "fuzz_input.xml");
        const ntsim::models::Network network(model);
        ntsim::solver::compile(network);
    } catch (const ntsim::models::ModelError&) {
    }
    return 0;
}
