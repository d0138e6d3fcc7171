// Model -> ntsim JSON model file, so an imported SBML model can be read, edited and swept as
// JSON (`ntsim convert model.xml model.json`) and loads back to the same Model.
#pragma once

#include <filesystem>
#include <string>

#include "models/model.hpp"

namespace ntsim::models {

// JSON text of `model`. A model in internal units is written with units (parameters in their own
// unit, concentrations in nM, volumes in L); a model whose numbers are in its source's units
// (SBML) is written with "units": "as_written". Rate laws are written as expressions (or
// extents), rules, initial assignments and events in their sections. Throws ModelError, naming
// the entity, for what the format cannot hold: compounds and effects (they live in compound
// files) and infinite values.
std::string to_json_text(const Model& model);

void write_json(const Model& model, const std::filesystem::path& file);

}  // namespace ntsim::models
