// SBML (Levels 2 and 3, read with libSBML) -> the same validated Model the JSON loader builds.
// Values keep the file's own units. What ntsim cannot simulate faithfully (algebraic rules, fast
// reactions, reactions without a kinetic law, the delay csymbol, packages other than
// hierarchical composition) is refused with an error naming the element and the construct,
// never simulated wrongly.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "models/load.hpp"
#include "models/model.hpp"

namespace ntsim::models {

// The file is not usable SBML: malformed XML, or errors in libSBML's consistency check.
// Problems are "file: element: message"; `pointer` holds the element ("line 12" for XML errors).
class SbmlError : public ModelError {
public:
    using ModelError::ModelError;
};

// Valid SBML that uses a construct ntsim does not simulate.
class SbmlUnsupported : public ModelError {
public:
    using ModelError::ModelError;
};

struct SbmlOptions {
    bool check_consistency = true;  // run libSBML's consistency checks (units checks excluded)
};

Model load_sbml(const std::filesystem::path& file, const SbmlOptions& options = {});

// Reads SBML text; `name` is used in messages and as the base for external comp files.
Model load_sbml_from_string(const std::string& text, const std::string& name, const SbmlOptions& options = {});

// True for a file name ntsim reads as SBML (.xml, .sbml).
bool is_sbml_file(const std::filesystem::path& file);

// The model id an SBML id becomes: ids are kept, except 'time', which ntsim reserves for the
// simulation time and which becomes 'time_sbml'.
std::string model_id_of_sbml_id(std::string_view sbml_id);

}  // namespace ntsim::models
