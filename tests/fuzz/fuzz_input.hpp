// What every libFuzzer harness does first: refuse inputs over its size limit, take the rest as text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace ntsim::fuzzing {

// The limit of the harnesses that read whole documents (fuzz_model_json, fuzz_scenario, fuzz_sbml;
// tests/fuzz/run passes the same -max_len). The largest shipped model file is 25 KB and the
// largest shipped scenario 22 KB; most SBML Test Suite models are 2-20 KB, and libSBML's
// consistency check grows faster than linearly with the document, so larger inputs would mostly
// spend the time budget there.
inline constexpr std::size_t max_document_bytes = 32 * 1024;

// The input as text, or nothing when it is longer than `max_bytes`; the harness then returns -1,
// which keeps the input out of libFuzzer's corpus.
inline std::optional<std::string> input_text(const std::uint8_t* data, std::size_t size, std::size_t max_bytes) {
    if (size > max_bytes) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace ntsim::fuzzing
