// Internal to viz: what the loaded compounds add to a network, for the diagram and the report to
// mark: their modules, the driver species of their effects, the reactions the effects act on, and
// which graph edges are effect edges rather than a reaction's own modifiers.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/network.hpp"

namespace ntsim::viz {

struct CompoundMarks {
    std::map<std::string, std::string> module_compound;      // module -> compound display name
    std::set<int> drivers;                                   // species indices
    std::set<int> target_reactions;                          // reaction indices
    std::vector<const models::Effect*> edge_effect;          // per edge in boost::edges order; null for model edges
};

CompoundMarks compound_marks(const models::Network& network);

// "scales", "inhibits", "adds to".
const char* effect_verb(models::EffectKind kind);

}  // namespace ntsim::viz
