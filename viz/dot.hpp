// Graphviz DOT text of a model's network: species as ellipses, reactions as small boxes, one
// cluster per module, edges styled by role, compounds' modules, driver species, effect edges and
// targeted reactions marked. Exactly one DOT node per graph vertex and one DOT edge per graph
// edge, so the export round-trips; only the optional key adds nodes of its own.
#pragma once

#include <string>

#include "models/network.hpp"

namespace ntsim::viz {

struct GraphLayout;

struct DotOptions {
    bool key = false;              // a cluster explaining node and edge styles (for rendered diagrams)
    bool labels = true;            // reaction labels and effect-edge labels (off for layout only)
    std::string only_module;       // if set: only this module's nodes and the edges among them
    // If set: every node pinned at its position (pos="x,y!") and every module cluster given its box,
    // for Graphviz's "nop2" engine, which draws a graph where it is told to.
    const GraphLayout* pinned = nullptr;
};

std::string to_dot(const models::Network& network, const DotOptions& options = {});

// Identifiers of the key's nodes start with this, so readers can tell them from model ids
// (which are letters, digits and '_', never starting with a space).
constexpr const char* dot_key_prefix = " key ";

}  // namespace ntsim::viz
