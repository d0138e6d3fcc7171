// The largest inputs ntsim accepts. Beyond them an input is refused with a message naming the
// file and the limit, instead of exhausting memory or the stack; docs/reliability.md lists them.
// Each limit is enforced in one place, named beside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ntsim::models::limits {

// Any model, compound, region, scenario or SBML file (read_json_file, load_sbml). A parsed JSON
// document takes about ten times its text in memory; the largest generated benchmark network
// (7000 species, 12000 reactions) is 6.4 MB. Only regular files are read: a device or pipe has
// no size to check (/dev/zero never ends), so the loaders refuse any other path at the entry
// that names it, and read_json_file and load_sbml refuse it as a file given directly.
inline constexpr std::uintmax_t max_file_bytes = std::uintmax_t{32} << 20;

// Arrays and objects inside each other in a JSON file (parse_json_text). ntsim's formats need
// six levels; the cap keeps recursive walks of a document (printing, destruction) shallow.
inline constexpr std::size_t max_json_depth = 64;

// Elements inside each other in an SBML file (load_sbml), checked on the text before libSBML
// reads it: libSBML's reader recurses per element and overflowed the stack near 10^4 levels (a
// TBB worker thread has half the main thread's stack). MathML itself is limited to 500 levels.
inline constexpr std::size_t max_xml_depth = 1000;

// Characters of one expression text, and nesting of its tree (parse_expression). The depth cap
// bounds every later recursive walk (simplification, differentiation, tapes); a sum of n terms
// nests n - 1 levels, so it also caps a flat sum at 1000 terms.
inline constexpr std::size_t max_expression_length = 100'000;
inline constexpr std::size_t max_expression_depth = 1000;

// Entities of one model, summed over its files (check_model_size): species, and everything
// declared (compartments, species, parameters, reactions, observables, rules, events).
inline constexpr std::size_t max_species = 200'000;
inline constexpr std::size_t max_entities = 1'000'000;

// Problems collected from one file set before the loader stops (Problems::add): a file with
// thousands of broken entries is reported by its first hundred, and the "known: ..." hints that
// scan every id are computed a bounded number of times.
inline constexpr std::size_t max_problems = 100;

// Throws ModelError naming `file` when a model would exceed max_species or max_entities; called
// by both loaders on the counts in the file, before any entity is built.
void check_model_size(const std::string& file, std::size_t species, std::size_t entities);

}  // namespace ntsim::models::limits
