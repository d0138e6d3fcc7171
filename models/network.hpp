// The model as a bipartite Boost.Graph of species and reactions. Edges point the way influence
// flows: reactant -> reaction, modifier -> reaction, reaction -> product. The solver derives the
// ODE system from this graph, and users query it (paths, feedback loops, up/downstream).
#pragma once

#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "models/model.hpp"

namespace ntsim::models {

enum class NodeKind { species, reaction };
enum class EdgeRole { reactant, product, enzyme, activator, inhibitor };

struct NetworkNode {
    NodeKind kind = NodeKind::species;
    int index = 0;                  // into Model::species or Model::reactions
};

struct NetworkEdge {
    EdgeRole role = EdgeRole::reactant;
    double stoichiometry = 0.0;     // reactants and products only
};

using NetworkGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, NetworkNode, NetworkEdge>;
using Vertex = NetworkGraph::vertex_descriptor;

struct FeedbackLoop {
    std::vector<Vertex> vertices;       // species and reactions, in order; the last links to the first
    std::vector<EdgeRole> modifier_roles;  // roles of the modifier edges the loop passes through
};

class Network {
public:
    // Keeps a reference to `model`, which must outlive the network.
    explicit Network(const Model& model);

    const Model& model() const { return model_; }
    const NetworkGraph& graph() const { return graph_; }
    Vertex species_vertex(int species) const { return static_cast<Vertex>(species); }
    Vertex reaction_vertex(int reaction) const { return static_cast<Vertex>(model_.species.size() + reaction); }
    std::string label(Vertex v) const;  // the id of the species or reaction

    // Species that can influence `species` through any chain of reactions and modifiers.
    std::vector<int> upstream(int species) const;
    // Species that `species` can influence.
    std::vector<int> downstream(int species) const;

    // Simple paths from one species to another, shortest first, at most `max_paths`.
    std::vector<std::vector<Vertex>> paths(int from_species, int to_species, std::size_t max_paths = 50) const;

    // Directed cycles that pass through at least one modifier edge, at most `max_loops`.
    std::vector<FeedbackLoop> feedback_loops(std::size_t max_loops = 200) const;

private:
    const Model& model_;
    NetworkGraph graph_;
};

std::string to_string(EdgeRole role);

// "A -> R1 -> B" with ids.
std::string describe_path(const Network& network, const std::vector<Vertex>& path);

}  // namespace ntsim::models
