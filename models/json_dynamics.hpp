// The JSON sections that carry SBML's dynamics: assignment_rules, rate_rules,
// initial_assignments and events. Internal to the loader (models/load.cpp), which calls this
// once every entity of the model is declared.
#pragma once

#include "models/json_reader.hpp"
#include "models/model.hpp"

namespace ntsim::models {

// Reads the four sections of every file (`roots`: their top-level objects) into `model`,
// reporting each problem to the readers' Problems.
void read_dynamics(const std::vector<JsonReader>& roots, Model& model);

}  // namespace ntsim::models
