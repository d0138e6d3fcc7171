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

// Lays out `dot_text` with `engine` and writes it as `format` (svg or png) to `file`. Throws
// std::runtime_error with Graphviz's own message when Graphviz fails.
void render_graph(const std::string& dot_text, GraphFormat format, const std::string& engine,
                  const std::filesystem::path& file);

struct NodePlacement {
    double x = 0, y = 0;             // centre, points, y growing upwards (Graphviz's convention)
    double width = 0, height = 0;    // points
};

struct ClusterPlacement {
    std::string name;                // the subgraph's name (cluster_3), or the module's for layout_modules
    std::string label;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // bounding box, points
};

struct GraphLayout {
    std::string engine;
    std::map<std::string, NodePlacement> nodes;      // by DOT node name
    std::vector<ClusterPlacement> clusters;          // empty for engines that ignore clusters
};

GraphLayout layout_graph(const std::string& dot_text, const std::string& engine);

struct ModuleGraph {
    std::string name;
    std::string label;               // the cluster's label, which the module's box must be wide enough for
    std::string dot_text;
};

// Lays out each module's DOT text with dot and packs the drawings in rows, in the given order and
// aiming at a 16:10 page, into one layout whose clusters are the modules (named by module).
GraphLayout layout_modules(const std::vector<ModuleGraph>& modules);

}  // namespace ntsim::viz
