// DOT export of the species/reaction graph.
#include "viz/dot.hpp"

#include <map>

#include <fmt/format.h>

namespace ntsim::viz {

namespace {

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

const char* edge_style(models::EdgeRole role) {
    switch (role) {
        case models::EdgeRole::reactant: return "arrowhead=none";
        case models::EdgeRole::product: return "arrowhead=normal";
        case models::EdgeRole::enzyme: return "style=dashed, arrowhead=odot";
        case models::EdgeRole::activator: return "style=dashed, arrowhead=onormal, color=darkgreen";
        case models::EdgeRole::inhibitor: return "style=dashed, arrowhead=tee, color=firebrick";
    }
    return "";
}

}  // namespace

std::string to_dot(const models::Network& network) {
    const models::Model& model = network.model();
    const auto& g = network.graph();
    std::map<std::string, std::vector<models::Vertex>> by_module;
    for (auto [v, end] = boost::vertices(g); v != end; ++v) {
        const auto& node = g[*v];
        const std::string& module = node.kind == models::NodeKind::species ? model.species[node.index].module
                                                                          : model.reactions[node.index].module;
        by_module[module].push_back(*v);
    }
    std::string dot = fmt::format("digraph {} {{\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n", quoted(model.name));
    int cluster = 0;
    for (const auto& [module, vertices] : by_module) {
        dot += fmt::format("  subgraph cluster_{} {{\n    label={};\n    style=rounded; color=gray60;\n", cluster++, quoted(module));
        for (models::Vertex v : vertices) {
            const auto& node = g[v];
            if (node.kind == models::NodeKind::species) {
                const auto& s = model.species[node.index];
                dot += fmt::format("    {} [label={}, shape=ellipse{}];\n", quoted(s.id), quoted(s.name),
                                   s.constant ? ", style=filled, fillcolor=lightyellow" : "");
            } else {
                dot += fmt::format("    {} [label=\"\", xlabel={}, shape=box, width=0.15, height=0.15, "
                                   "style=filled, fillcolor=gray30];\n",
                                   quoted(model.reactions[node.index].id), quoted(model.reactions[node.index].id));
            }
        }
        dot += "  }\n";
    }
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
        dot += fmt::format("  {} -> {} [{}];\n", quoted(network.label(boost::source(*e, g))),
                           quoted(network.label(boost::target(*e, g))), edge_style(g[*e].role));
    }
    return dot + "}\n";
}

}  // namespace ntsim::viz
