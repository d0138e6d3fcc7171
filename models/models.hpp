// The models layer's public face: load JSON or SBML model files into a validated Model and view
// it as a species/reaction graph.
#pragma once

#include "models/json_export.hpp"
#include "models/load.hpp"
#include "models/model.hpp"
#include "models/network.hpp"
#include "models/region.hpp"
#include "models/sbml_export.hpp"
#include "models/sbml_import.hpp"
