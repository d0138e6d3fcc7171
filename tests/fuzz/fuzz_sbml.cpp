// libFuzzer harness for the SBML importer: XML text -> models::load_sbml_from_string (libSBML
// parse, consistency check, comp flattening, import) -> Network -> solver::compile. Every input
// must end in a compiled system, SbmlError or SbmlUnsupported; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/network.hpp"
#include "models/sbml_import.hpp"
#include "solver/solver.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = ntsim::fuzzing::input_text(data, size, ntsim::fuzzing::max_document_bytes);
    if (!text) return -1;
    try {
        const ntsim::models::Model model = ntsim::models::load_sbml_from_string(*text, "fuzz_input.xml");
        const ntsim::models::Network network(model);
        ntsim::solver::compile(network);
    } catch (const ntsim::models::ModelError&) {
    }
    return 0;
}
