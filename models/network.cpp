// Building the species/reaction graph and the queries users ask of it.
#include "models/network.hpp"

#include <algorithm>
#include <set>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/hawick_circuits.hpp>
#include <boost/graph/reverse_graph.hpp>

namespace ntsim::models {

namespace {

// Path and cycle enumeration are exponential in the worst case; this bounds the work per query
// so a question about a large network returns (possibly incomplete) instead of hanging.
constexpr std::size_t max_search_steps = 2'000'000;

EdgeRole role_of(ModifierRole role) {
    switch (role) {
        case ModifierRole::enzyme: return EdgeRole::enzyme;
        case ModifierRole::activator: return EdgeRole::activator;
        case ModifierRole::inhibitor: return EdgeRole::inhibitor;
    }
    return EdgeRole::enzyme;
}

bool is_modifier(EdgeRole role) {
    return role == EdgeRole::enzyme || role == EdgeRole::activator || role == EdgeRole::inhibitor;
}

template <class Graph> std::vector<int> reachable_species(const Graph& g, Vertex start, std::size_t species_count) {
    std::vector<boost::default_color_type> colors(boost::num_vertices(g));
    std::vector<Vertex> found;
    struct Recorder : boost::default_bfs_visitor {
        std::vector<Vertex>* found;
        void discover_vertex(Vertex v, const Graph&) const { found->push_back(v); }
    } recorder;
    recorder.found = &found;
    boost::breadth_first_search(g, start, boost::visitor(recorder).color_map(colors.data()));
    std::vector<int> species;
    for (Vertex v : found)
        if (v != start && v < species_count) species.push_back(static_cast<int>(v));
    std::sort(species.begin(), species.end());
    return species;
}

struct SearchLimitReached {};

// Keeps the cycles that pass through a modifier edge; stops the search at the limits.
struct LoopCollector {
    const NetworkGraph* graph;
    std::vector<FeedbackLoop>* loops;
    std::size_t* cycles_seen;
    std::size_t max_loops;
    template <class Path, class Graph> void cycle(const Path& p, const Graph&) const {
        if (++*cycles_seen > max_search_steps) throw SearchLimitReached{};
        FeedbackLoop loop;
        for (std::size_t i = 0; i < p.size(); ++i) {
            const Vertex from = p[i], to = p[(i + 1) % p.size()];
            for (auto [e, end] = boost::out_edges(from, *graph); e != end; ++e) {
                if (boost::target(*e, *graph) == to && is_modifier((*graph)[*e].role)) {
                    loop.modifier_roles.push_back((*graph)[*e].role);
                    break;
                }
            }
        }
        if (loop.modifier_roles.empty()) return;
        loop.vertices.assign(p.begin(), p.end());
        loops->push_back(std::move(loop));
        if (loops->size() >= max_loops) throw SearchLimitReached{};
    }
};

}  // namespace

Network::Network(const Model& model) : model_(model), graph_(model.species.size() + model.reactions.size()) {
    for (std::size_t s = 0; s < model.species.size(); ++s) graph_[s] = {NodeKind::species, static_cast<int>(s)};
    for (std::size_t r = 0; r < model.reactions.size(); ++r) {
        const Reaction& reaction = model.reactions[r];
        const Vertex rv = reaction_vertex(static_cast<int>(r));
        graph_[rv] = {NodeKind::reaction, static_cast<int>(r)};
        for (const auto& ref : reaction.reactants)
            boost::add_edge(species_vertex(ref.species), rv, {EdgeRole::reactant, ref.stoichiometry}, graph_);
        for (const auto& ref : reaction.products)
            boost::add_edge(rv, species_vertex(ref.species), {EdgeRole::product, ref.stoichiometry}, graph_);
        for (const auto& m : reaction.modifiers)
            boost::add_edge(species_vertex(m.species), rv, {role_of(m.role), 0.0}, graph_);
    }
    // A compound's concentration acts on every reaction whose rate reads the targeted parameter.
    for (const auto& effect : model.effects) {
        const std::string& target = model.parameters[effect.target].id;
        const EdgeRole role = effect.kind == EffectKind::inhibit ? EdgeRole::inhibitor : EdgeRole::activator;
        for (std::size_t r = 0; r < model.reactions.size(); ++r) {
            if (symbols(model.reactions[r].rate).count(target))
                boost::add_edge(species_vertex(effect.driver), reaction_vertex(static_cast<int>(r)), {role, 0.0}, graph_);
        }
    }
}

std::string Network::label(Vertex v) const {
    const NetworkNode& node = graph_[v];
    return node.kind == NodeKind::species ? model_.species[node.index].id : model_.reactions[node.index].id;
}

std::vector<int> Network::upstream(int species) const {
    return reachable_species(boost::make_reverse_graph(graph_), species_vertex(species), model_.species.size());
}

std::vector<int> Network::downstream(int species) const {
    return reachable_species(graph_, species_vertex(species), model_.species.size());
}

std::vector<std::vector<Vertex>> Network::paths(int from_species, int to_species, std::size_t max_paths) const {
    std::vector<std::vector<Vertex>> found;
    if (from_species == to_species || max_paths == 0) return found;
    std::vector<Vertex> path{species_vertex(from_species)};
    std::vector<bool> on_path(boost::num_vertices(graph_), false);
    on_path[path.front()] = true;
    const Vertex target = species_vertex(to_species);
    std::size_t steps = 0;
    bool longer_paths_possible = false;

    // Iterative deepening: round `length` collects the simple paths of exactly that many vertices,
    // so the answer is shortest first even when there are more paths than max_paths. (A single
    // depth-first pass that stops after a few finds can miss a short path listed late.)
    auto visit = [&](auto&& self, std::size_t length) -> void {
        if (found.size() >= max_paths || ++steps > max_search_steps) return;
        for (auto [e, end] = boost::out_edges(path.back(), graph_); e != end; ++e) {
            const Vertex next = boost::target(*e, graph_);
            if (on_path[next]) continue;
            if (path.size() + 1 == length) {
                if (next == target) {
                    found.push_back(path);
                    found.back().push_back(next);
                    if (found.size() >= max_paths) return;
                } else {
                    longer_paths_possible = true;
                }
            } else if (next != target) {  // a shorter path to the target was listed in an earlier round
                path.push_back(next);
                on_path[next] = true;
                self(self, length);
                on_path[next] = false;
                path.pop_back();
            }
        }
    };
    // Species and reactions alternate, so a path between two species has an odd vertex count.
    for (std::size_t length = 3; found.size() < max_paths && steps <= max_search_steps; length += 2) {
        longer_paths_possible = false;
        visit(visit, length);
        if (!longer_paths_possible) break;
    }
    return found;
}

std::vector<FeedbackLoop> Network::feedback_loops(std::size_t max_loops) const {
    std::vector<FeedbackLoop> loops;
    std::size_t cycles_seen = 0;
    LoopCollector visitor{&graph_, &loops, &cycles_seen, max_loops};
    try {
        boost::hawick_unique_circuits(graph_, visitor);
    } catch (const SearchLimitReached&) {
        // The caller asked for at most max_loops; the partial list is the answer.
    }
    std::stable_sort(loops.begin(), loops.end(), [](const auto& a, const auto& b) { return a.vertices.size() < b.vertices.size(); });
    return loops;
}

std::string to_string(EdgeRole role) {
    switch (role) {
        case EdgeRole::reactant: return "reactant";
        case EdgeRole::product: return "product";
        case EdgeRole::enzyme: return "enzyme";
        case EdgeRole::activator: return "activator";
        case EdgeRole::inhibitor: return "inhibitor";
    }
    return "?";
}

std::string describe_path(const Network& network, const std::vector<Vertex>& path) {
    std::string text;
    for (Vertex v : path) text += (text.empty() ? "" : " -> ") + network.label(v);
    return text;
}

}  // namespace ntsim::models
