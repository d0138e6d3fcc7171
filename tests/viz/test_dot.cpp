// DOT export round trip: the text parses back (Boost.Graph's read_graphviz, an independent parser)
// into as many nodes and edges as the model graph has, with the same ids.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <sstream>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>

#include "models/load.hpp"
#include "models/network.hpp"
#include "viz/dot.hpp"

using namespace ntsim;

namespace {

using ParsedGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                          boost::property<boost::vertex_name_t, std::string>>;

ParsedGraph parse(const std::string& dot) {
    ParsedGraph g;
    boost::dynamic_properties properties(boost::ignore_other_properties);
    properties.property("node_id", boost::get(boost::vertex_name, g));
    std::istringstream in(dot);
    REQUIRE(boost::read_graphviz(in, g, properties, "node_id"));
    return g;
}

std::set<std::string> names(const ParsedGraph& g) {
    std::set<std::string> out;
    for (auto [v, end] = boost::vertices(g); v != end; ++v) out.insert(boost::get(boost::vertex_name, g, *v));
    return out;
}

void check_round_trip(const models::Model& model) {
    const models::Network network(model);
    const ParsedGraph parsed = parse(viz::to_dot(network));
    CHECK(boost::num_vertices(parsed) == boost::num_vertices(network.graph()));
    CHECK(boost::num_edges(parsed) == boost::num_edges(network.graph()));
    std::set<std::string> ids;
    for (auto [v, end] = boost::vertices(network.graph()); v != end; ++v) ids.insert(network.label(*v));
    CHECK(names(parsed) == ids);
}

models::Model toy_with_drug() {
    return models::load(std::vector<std::filesystem::path>{NTSIM_SOURCE_DIR "/tests/scenarios/data/toy_pathway.json",
                                                           NTSIM_SOURCE_DIR "/tests/scenarios/data/toy_drug.json"});
}

}  // namespace

TEST_CASE("DOT of the toy model with a compound round-trips", "[viz][dot]") {
    // 6 species + 7 reactions; 12 model edges (7 in the pathway, 5 in the drug's PK) plus 1 effect
    // edge (drug_brain scales k_act, which the 'activation' rate reads), counted by hand.
    const models::Model model = toy_with_drug();
    check_round_trip(model);
    const ParsedGraph parsed = parse(viz::to_dot(models::Network(model)));
    CHECK(boost::num_vertices(parsed) == 13);
    CHECK(boost::num_edges(parsed) == 13);
}

TEST_CASE("DOT of the neurotrophin model round-trips", "[viz][dot]") {
    // The shipped model (models/neurotrophin.json), whatever its current size.
    check_round_trip(models::load(NTSIM_SOURCE_DIR "/models/neurotrophin.json"));
}

TEST_CASE("DOT marks the compound: its module, the driver and the effect edge", "[viz][dot]") {
    // The effect is 'drug_on_activation': drug_brain scales k_act in reaction 'activation'.
    const std::string dot = viz::to_dot(models::Network(toy_with_drug()));
    CHECK_THAT(dot, Catch::Contains("label=\"compound: a test compound (toy_drug)\""));
    CHECK_THAT(dot, Catch::Contains("\"drug_brain\" -> \"activation\" [arrowhead=onormal, color=\"#d55e00\""));
    CHECK_THAT(dot, Catch::Contains("label=\"scales k_act\""));
    CHECK_THAT(dot, Catch::Contains("tooltip=\"drug_on_activation: toy_drug scales k_act\""));
}

TEST_CASE("DOT options: the key adds only key nodes, one module keeps its own edges", "[viz][dot]") {
    // The key's nodes carry the key prefix; 'toy_pathway' has 3 species, 4 reactions and 7 edges
    // among them (the effect edge comes from the drug's module and is left out).
    const models::Model model = toy_with_drug();
    const models::Network network(model);
    viz::DotOptions with_key;
    with_key.key = true;
    const ParsedGraph keyed = parse(viz::to_dot(network, with_key));
    std::size_t key_nodes = 0;
    for (const auto& n : names(keyed)) key_nodes += n.rfind(viz::dot_key_prefix, 0) == 0;
    CHECK(boost::num_vertices(keyed) == 13 + key_nodes);
    CHECK(key_nodes == 18);
    viz::DotOptions one;
    one.only_module = "toy_pathway";
    const ParsedGraph module = parse(viz::to_dot(network, one));
    CHECK(boost::num_vertices(module) == 7);
    CHECK(boost::num_edges(module) == 7);
}
