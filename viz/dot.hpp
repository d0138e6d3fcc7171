// Graphviz DOT text of a model's network: species as ellipses, reactions as small boxes, one
// cluster per module, edges styled by role.
#pragma once

#include <string>

#include "models/network.hpp"

namespace ntsim::viz {

std::string to_dot(const models::Network& network);

}  // namespace ntsim::viz
