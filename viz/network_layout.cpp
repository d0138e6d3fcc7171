// Network layouts: the choice between whole-graph Graphviz engines and module-by-module dot.
#include "viz/network_layout.hpp"

#include <set>

#include "viz/compound_marks.hpp"
#include "viz/dot.hpp"

namespace ntsim::viz {

namespace {

std::vector<ModuleGraph> module_graphs(const models::Network& network) {
    const models::Model& model = network.model();
    std::set<std::string> modules;
    for (const auto& s : model.species) modules.insert(s.module);
    for (const auto& r : model.reactions) modules.insert(r.module);
    const CompoundMarks marks = compound_marks(network);
    std::vector<ModuleGraph> graphs;
    for (const auto& m : modules) {
        DotOptions options;
        options.labels = false;
        options.only_module = m;
        const auto compound = marks.module_compound.find(m);
        graphs.push_back({m, compound == marks.module_compound.end() ? m : "compound: " + compound->second, to_dot(network, options)});
    }
    return graphs;
}

}  // namespace

std::string default_network_layout(const models::Network& network) {
    return boost::num_vertices(network.graph()) <= whole_graph_layout_limit ? "dot" : "modules";
}

GraphLayout layout_network(const models::Network& network, const std::string& engine) {
    if (engine == "modules") return layout_modules(module_graphs(network));
    DotOptions options;
    options.labels = false;
    return layout_graph(to_dot(network, options), engine);
}

void render_network(const models::Network& network, GraphFormat format, const std::string& engine, bool key,
                    const std::filesystem::path& file) {
    if (engine == "modules") {
        const GraphLayout layout = layout_modules(module_graphs(network));
        DotOptions options;
        options.pinned = &layout;
        render_graph(to_dot(network, options), format, "nop2", file);
        return;
    }
    DotOptions options;
    options.key = key;
    render_graph(to_dot(network, options), format, engine, file);
}

}  // namespace ntsim::viz
