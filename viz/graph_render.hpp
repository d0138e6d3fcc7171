// Graphviz (libgvc) behind two calls: render DOT text to an SVG or PNG file, and lay a graph out
// to get node positions (for the interactive report, which draws the nodes itself).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ntsim::viz {

enum class GraphFormat { dot, svg, png };

// From the file name's extension: .dot/.gv, .svg, .png; std::invalid_argument listing them otherwise.
GraphFormat graph_format_for(const std::filesystem::path& file);

// Graphviz layout engine for a graph of `node_count` nodes: "dot" (layered, modules as clusters)
// up to layered_layout_limit, "sfdp" (force-directed, ignores clusters) beyond.
std::string default_layout_engine(std::size_t node_count);
// dot takes about a minute for ~2900 nodes on this project's reference machine, sfdp under 2 s
// (docs/performance.md, "Report page"); the limit keeps dot below ~10 s.
constexpr std::size_t layered_layout_limit = 1200;

// Lays out `dot_text` with `engine` and writes it as `format` (svg or png) to `file`. Throws
// std::runtime_error with Graphviz's own message when Graphviz fails.
void render_graph(const std::string& dot_text, GraphFormat format, const std::string& engine,
                  const std::filesystem::path& file);

struct NodePlacement {
    double x = 0, y = 0;             // centre, points, y growing upwards (Graphviz's convention)
    double width = 0, height = 0;    // points
};

struct ClusterPlacement {
    std::string name;                // the subgraph's name, e.g. cluster_3
    std::string label;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // bounding box, points
};

struct GraphLayout {
    std::string engine;
    std::map<std::string, NodePlacement> nodes;      // by DOT node name
    std::vector<ClusterPlacement> clusters;          // empty for engines that ignore clusters
};

GraphLayout layout_graph(const std::string& dot_text, const std::string& engine);

}  // namespace ntsim::viz
