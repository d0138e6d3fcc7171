// libFuzzer harness for the rate-law expression parser: text -> parse_expression; what parses must
// print back to text that parses to the same tree (to_string's promise), and must differentiate
// and evaluate without throwing. ExpressionError is the only accepted way to refuse text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "models/expression.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {
// Rate laws are one line; 2 KB still allows the 1000-level nesting limit to be reached.
constexpr std::size_t max_input_bytes = 2048;
// Enough symbols to cover every derivative rule; differentiating by each of hundreds of names
// would only repeat them.
constexpr std::size_t max_differentiated_symbols = 8;
// An arbitrary point away from 0 and 1, where fewer rules fold.
constexpr double symbol_value = 0.7;

[[noreturn]] void fail(const char* what, const std::string& a, const std::string& b) {
    std::fprintf(stderr, "%s\n  first:  %s\n  second: %s\n", what, a.c_str(), b.c_str());
    std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ntsim::models;
    const auto text = ntsim::fuzzing::input_text(data, size, max_input_bytes);
    if (!text) return -1;
    ExprPtr e;
    try {
        e = parse_expression(*text);
    } catch (const ExpressionError&) {
        return 0;
    }
    const std::string printed = to_string(e);
    const std::string reprinted = to_string(parse_expression(printed));
    if (printed != reprinted) fail("to_string does not round-trip", printed, reprinted);

    auto value_of = [](const std::string&) { return symbol_value; };
    evaluate(e, value_of);
    std::size_t differentiated = 0;
    for (const std::string& name : symbols(e)) {
        if (++differentiated > max_differentiated_symbols) break;
        evaluate(differentiate(e, name), value_of);
    }
    return 0;
}
