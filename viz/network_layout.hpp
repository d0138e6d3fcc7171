// Where a network's nodes go: Graphviz's dot for a whole network of modest size, and for large
// networks each module laid out by dot on its own and the modules packed in rows, because dot on a
// few thousand nodes takes minutes. Used for the rendered diagrams and the report's node positions.
#pragma once

#include <filesystem>
#include <string>

#include "models/network.hpp"
#include "viz/graph_render.hpp"

namespace ntsim::viz {

// Networks with more graph vertices (species + reactions) than this are laid out module by module:
// dot on a whole network took 2.2 s for 620 vertices, 4.5 s for 1100 and 55 s for 2850, module by
// module under 0.5 s for 2500 (docs/performance.md, "Report page").
constexpr std::size_t whole_graph_layout_limit = 600;

// "dot" up to whole_graph_layout_limit vertices, "modules" beyond.
std::string default_network_layout(const models::Network& network);

// Node positions (by id) from `engine`: "modules", or a Graphviz engine (dot, sfdp, neato, fdp)
// applied to the whole network.
GraphLayout layout_network(const models::Network& network, const std::string& engine);

// The network as a diagram file (svg or png), with a key of the styles unless `key` is false (the
// "modules" layout has no key: every node of its drawing must come with a position).
void render_network(const models::Network& network, GraphFormat format, const std::string& engine, bool key,
                    const std::filesystem::path& file);

}  // namespace ntsim::viz
