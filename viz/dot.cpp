// DOT export of the species/reaction graph.
#include "viz/dot.hpp"

#include <map>

#include <fmt/format.h>

#include "viz/compound_marks.hpp"
#include "viz/graph_render.hpp"

namespace ntsim::viz {

namespace {

// Vermillion for everything a compound adds (Okabe & Ito), pale orange for its own species.
constexpr const char* compound_colour = "#d55e00";
constexpr const char* compound_fill = "#fde3cf";
constexpr const char* compound_cluster_fill = "#fff6ee";
constexpr const char* input_fill = "#fff9c4";

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
        case models::EdgeRole::reactant: return "arrowhead=none, color=gray35";
        case models::EdgeRole::product: return "arrowhead=normal, color=gray35";
        case models::EdgeRole::enzyme: return "style=dashed, arrowhead=odot, color=gray25";
        case models::EdgeRole::activator: return "style=dashed, arrowhead=onormal, color=darkgreen";
        case models::EdgeRole::inhibitor: return "style=dashed, arrowhead=tee, color=firebrick";
    }
    return "";
}

std::string key_cluster() {
    const std::string k = dot_key_prefix;
    // Three rows: sample edge starts, sample edge ends (edges labelled with their role), node shapes;
    // invisible chains fix the order within each row and stack the rows.
    std::string dot = "  subgraph cluster_key {\n    label=\"key\"; style=rounded; color=gray60; fontsize=14;\n"
                      "    node [fontsize=10]; edge [fontsize=10];\n";
    const std::pair<const char*, std::string> rows[] = {
        {"reactant", edge_style(models::EdgeRole::reactant)},   {"product", edge_style(models::EdgeRole::product)},
        {"enzyme", edge_style(models::EdgeRole::enzyme)},       {"activator", edge_style(models::EdgeRole::activator)},
        {"inhibitor", edge_style(models::EdgeRole::inhibitor)},
        {"compound effect", fmt::format("arrowhead=onormal, color=\"{}\", penwidth=2.2", compound_colour)}};
    std::string from_order, to_order;
    for (const auto& [name, style] : rows) {
        const std::string from = quoted(k + name + " from"), to = quoted(k + name + " to");
        dot += fmt::format("    {} [label=\"\", shape=point, width=0.04];\n    {} [label=\"\", shape=point, width=0.04];\n", from, to);
        dot += fmt::format("    {} -> {} [{}, label=\" {}\"];\n", from, to, style, name);
        from_order += (from_order.empty() ? "" : " -> ") + from;
        to_order += (to_order.empty() ? "" : " -> ") + to;
    }
    const std::string shapes[] = {
        fmt::format("{} [label=\"species\", shape=ellipse]", quoted(k + "species")),
        fmt::format("{} [label=\"constant input\", shape=ellipse, style=filled, fillcolor=\"{}\"]", quoted(k + "input"), input_fill),
        fmt::format("{} [label=\"compound species\", shape=ellipse, style=filled, fillcolor=\"{}\"]", quoted(k + "drug"), compound_fill),
        fmt::format("{} [label=\"effect driver\", shape=ellipse, style=filled, fillcolor=\"{}\", color=\"{}\", penwidth=2, peripheries=2]",
                    quoted(k + "driver"), compound_fill, compound_colour),
        fmt::format("{} [label=\"reaction\", shape=box, style=filled, fillcolor=gray30, fontcolor=white, height=0.2]", quoted(k + "reaction")),
        fmt::format("{} [label=\"effect target\", shape=box, style=filled, fillcolor=\"{}\", color=\"{}\", fontcolor=white, height=0.2]",
                    quoted(k + "target"), compound_colour, compound_colour)};
    std::string shape_order;
    for (const auto& shape : shapes) {
        dot += "    " + shape + ";\n";
        const std::string id = shape.substr(0, shape.find(" ["));
        shape_order += (shape_order.empty() ? "" : " -> ") + id;
    }
    dot += fmt::format("    subgraph key_starts {{ rank=same; {} [style=invis]; }}\n"
                       "    subgraph key_ends {{ rank=same; {} [style=invis]; }}\n"
                       "    subgraph key_shapes {{ rank=same; {} [style=invis]; }}\n",
                       from_order, to_order, shape_order);
    dot += fmt::format("    {} -> {} [style=invis];\n", quoted(k + "reactant to"), quoted(k + "species"));
    return dot + "  }\n";
}

}  // namespace

std::string to_dot(const models::Network& network, const DotOptions& options) {
    const models::Model& model = network.model();
    const auto& g = network.graph();
    const CompoundMarks marks = compound_marks(network);
    std::map<std::string, std::vector<models::Vertex>> by_module;
    for (auto [v, end] = boost::vertices(g); v != end; ++v) {
        const auto& node = g[*v];
        const std::string& module = node.kind == models::NodeKind::species ? model.species[node.index].module
                                                                          : model.reactions[node.index].module;
        if (options.only_module.empty() || module == options.only_module) by_module[module].push_back(*v);
    }
    std::vector<bool> included(boost::num_vertices(g), options.only_module.empty());
    for (const auto& [module, vertices] : by_module)
        for (models::Vertex v : vertices) included[v] = true;
    std::string dot = fmt::format("digraph {} {{\n  rankdir=TB;\n  outputorder=edgesfirst;\n"
                                  "  graph [fontname=\"Helvetica\"];\n  node [fontname=\"Helvetica\", fontsize=12];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
                                  quoted(model.name));
    if (options.pinned) dot += "  notranslate=true;\n";
    int cluster = 0;
    for (const auto& [module, vertices] : by_module) {
        const auto compound = marks.module_compound.find(module);
        std::string box;
        if (options.pinned) {
            for (const auto& c : options.pinned->clusters)
                if (c.name == module) box = fmt::format("    bb=\"{:.1f},{:.1f},{:.1f},{:.1f}\";\n", c.x0, c.y0, c.x1, c.y1);
        }
        if (compound != marks.module_compound.end()) {
            dot += fmt::format("  subgraph cluster_{} {{\n    label={};\n    style=\"rounded,filled\"; color=\"{}\"; fillcolor=\"{}\"; fontsize=16;\n",
                               cluster++, quoted("compound: " + compound->second), compound_colour, compound_cluster_fill);
        } else {
            dot += fmt::format("  subgraph cluster_{} {{\n    label={};\n    style=rounded; color=gray60; fontsize=16;\n", cluster++,
                               quoted(module));
        }
        dot += box;
        for (models::Vertex v : vertices) {
            const auto& node = g[v];
            std::string pin;
            if (options.pinned) {
                const auto at = options.pinned->nodes.find(network.label(v));
                if (at != options.pinned->nodes.end()) pin = fmt::format(", pos=\"{:.1f},{:.1f}!\"", at->second.x, at->second.y);
            }
            if (node.kind == models::NodeKind::species) {
                const auto& s = model.species[node.index];
                std::string style;
                if (marks.drivers.count(node.index))
                    style = fmt::format(", style=filled, fillcolor=\"{}\", color=\"{}\", penwidth=2, peripheries=2", compound_fill, compound_colour);
                else if (compound != marks.module_compound.end())
                    style = fmt::format(", style=filled, fillcolor=\"{}\"", compound_fill);
                else if (s.constant)
                    style = fmt::format(", style=filled, fillcolor=\"{}\"", input_fill);
                // Ids are short and standard (pTrkB, ERK_PP); the longer descriptive name is the tooltip.
                dot += fmt::format("    {} [label={}, tooltip={}, shape=ellipse{}{}];\n", quoted(s.id), quoted(s.id), quoted(s.name), style, pin);
            } else {
                const auto& r = model.reactions[node.index];
                const bool targeted = marks.target_reactions.count(node.index) > 0;
                dot += fmt::format("    {} [label=\"\", {}shape=box, width=0.15, height=0.15, style=filled, fillcolor={}{}{}];\n", quoted(r.id),
                                   options.labels ? "xlabel=" + quoted(r.id) + ", " : "", targeted ? quoted(compound_colour) : "gray30",
                                   targeted ? fmt::format(", color=\"{}\"", compound_colour) : "", pin);
            }
        }
        dot += "  }\n";
    }
    std::size_t edge = 0;
    for (auto [e, end] = boost::edges(g); e != end; ++e, ++edge) {
        const models::Vertex from = boost::source(*e, g), to = boost::target(*e, g);
        if (!included[from] || !included[to]) continue;
        const models::EdgeRole role = g[*e].role;
        std::string style = edge_style(role);
        if (const models::Effect* effect = marks.edge_effect[edge]) {
            const std::string what = fmt::format("{} {}", effect_verb(effect->kind), model.parameters[effect->target].id);
            style = fmt::format("arrowhead={}, color=\"{}\", penwidth=2.2, tooltip={}", role == models::EdgeRole::inhibitor ? "tee" : "onormal",
                                compound_colour, quoted(fmt::format("{}: {} {}", effect->id, effect->compound, what)));
            if (options.labels) style += fmt::format(", label={}, fontcolor=\"{}\"", quoted(what), compound_colour);
        }
        dot += fmt::format("  {} -> {} [{}];\n", quoted(network.label(from)), quoted(network.label(to)), style);
    }
    if (options.key) dot += key_cluster();
    return dot + "}\n";
}

}  // namespace ntsim::viz
