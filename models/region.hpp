// Brain-region profiles: parameter and initial-concentration overrides applied on top of a
// pathway model (models/regions/*.json), each with its source.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/model.hpp"

namespace ntsim::models {

struct Override {
    std::string id;                 // a parameter, or a species (its initial concentration)
    EntityKind kind = EntityKind::parameter;
    double value = 0.0;             // internal units
    std::string unit;               // as written
    std::string source;
    SourceKind source_kind = SourceKind::citation;
    Origin origin;
};

struct Region {
    std::string name;
    std::string description;
    std::string file;
    std::vector<Override> overrides;
};

// Reads a region file and checks every override against `model` (known id, unit of the right
// dimension, value allowed); throws ModelError naming file and entry.
Region load_region(const std::filesystem::path& file, const Model& model);

}  // namespace ntsim::models
