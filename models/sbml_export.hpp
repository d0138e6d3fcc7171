// Model -> SBML Level 3 Version 2 (written with libSBML), so ntsim models open in COPASI,
// libRoadRunner or any SBML tool, and re-import to the same simulation.
#pragma once

#include <filesystem>
#include <string>

#include "models/model.hpp"

namespace ntsim::models {

// SBML text of `model`. JSON models declare ntsim's internal units (nmol, L, s; concentrations in
// nM) and turn each concentration/time rate into an extent rate (times the reaction's
// compartment size); observables become parameters with assignment rules; a compound effect on a
// parameter p becomes a parameter `p_effective` (assignment rule) read wherever p was. Parameter
// sources go into notes. Throws SbmlError if libSBML's consistency check of the result reports an
// error, and SbmlUnsupported for what SBML cannot carry (a variable stoichiometry that is not a
// species reference).
std::string to_sbml(const Model& model);

void write_sbml(const Model& model, const std::filesystem::path& file);

}  // namespace ntsim::models
