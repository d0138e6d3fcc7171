// Tests for models/network: the species/reaction graph built from a loaded model, and the
// queries on it (upstream/downstream, paths, feedback loops), on small hand-made fixtures in
// tests/models/data/ and on the shipped Kholodenko 2000 example.
#include "models/network.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "models/load.hpp"

using namespace ntsim::models;

namespace {

Model load_fixture(const std::string& name) { return load(std::string(NTSIM_SOURCE_DIR) + "/tests/models/data/" + name); }

Model load_kholodenko() { return load(std::string(NTSIM_SOURCE_DIR) + "/models/examples/kholodenko2000_mapk.json"); }

int sp(const Model& m, const std::string& id) {
    const auto index = m.species_index(id);
    REQUIRE(index);
    return *index;
}

std::vector<std::string> ids(const Model& m, const std::vector<int>& species) {
    std::vector<std::string> out;
    for (int s : species) out.push_back(m.species[s].id);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> labels(const Network& n, const std::vector<Vertex>& vertices) {
    std::vector<std::string> out;
    for (Vertex v : vertices) out.push_back(n.label(v));
    return out;
}

// A loop's labels rotated to start at `first`, so loops compare independently of where the
// cycle search happened to enter them.
std::vector<std::string> loop_from(const Network& n, const FeedbackLoop& loop, const std::string& first) {
    std::vector<std::string> out = labels(n, loop.vertices);
    const auto it = std::find(out.begin(), out.end(), first);
    REQUIRE(it != out.end());
    std::rotate(out.begin(), it, out.end());
    return out;
}

std::map<EdgeRole, int> edge_roles(const Network& n) {
    std::map<EdgeRole, int> count;
    for (auto [e, end] = boost::edges(n.graph()); e != end; ++e) ++count[n.graph()[*e].role];
    return count;
}

int role_count(const FeedbackLoop& loop, EdgeRole role) {
    return static_cast<int>(std::count(loop.modifier_roles.begin(), loop.modifier_roles.end(), role));
}

}  // namespace

TEST_CASE("Network: one vertex per species and reaction, one edge per participant", "[network]") {
    // Protects graph construction. network_cascade.json has 9 species and 7 reactions; each reaction
    // has one reactant and one product (14 edges) and the file lists 5 modifiers: S activator and
    // Zp inhibitor of r1, Xp enzyme of r3, Yp enzyme of r5, Zp enzyme of r7.
    const Model m = load_fixture("network_cascade.json");
    const Network n(m);
    CHECK(boost::num_vertices(n.graph()) == 16);
    CHECK(boost::num_edges(n.graph()) == 19);
    const auto roles = edge_roles(n);
    CHECK(roles.at(EdgeRole::reactant) == 7);
    CHECK(roles.at(EdgeRole::product) == 7);
    CHECK(roles.at(EdgeRole::enzyme) == 3);
    CHECK(roles.at(EdgeRole::activator) == 1);
    CHECK(roles.at(EdgeRole::inhibitor) == 1);
    for (int s = 0; s < 9; ++s) {
        CHECK(n.graph()[n.species_vertex(s)].kind == NodeKind::species);
        CHECK(n.graph()[n.species_vertex(s)].index == s);
    }
    for (int r = 0; r < 7; ++r) {
        CHECK(n.graph()[n.reaction_vertex(r)].kind == NodeKind::reaction);
        CHECK(n.graph()[n.reaction_vertex(r)].index == r);
    }
    CHECK(n.label(n.species_vertex(sp(m, "Zp"))) == "Zp");
    CHECK(n.label(n.reaction_vertex(0)) == "r1");
    CHECK(&n.model() == &m);
}

TEST_CASE("Network: edges point the way influence flows", "[network]") {
    // Protects edge direction and roles (network.hpp: reactant -> reaction, modifier -> reaction,
    // reaction -> product); r1 of network_cascade.json is X -> Xp, activated by S, inhibited by Zp.
    const Model m = load_fixture("network_cascade.json");
    const Network n(m);
    const Vertex r1 = n.reaction_vertex(*m.reaction_index("r1"));
    std::map<std::string, EdgeRole> in, out;
    for (auto [e, end] = boost::in_edges(r1, n.graph()); e != end; ++e) in[n.label(boost::source(*e, n.graph()))] = n.graph()[*e].role;
    for (auto [e, end] = boost::out_edges(r1, n.graph()); e != end; ++e) out[n.label(boost::target(*e, n.graph()))] = n.graph()[*e].role;
    CHECK(in == std::map<std::string, EdgeRole>{{"X", EdgeRole::reactant}, {"S", EdgeRole::activator}, {"Zp", EdgeRole::inhibitor}});
    CHECK(out == std::map<std::string, EdgeRole>{{"Xp", EdgeRole::product}});
    CHECK(to_string(EdgeRole::inhibitor) == "inhibitor");
}

TEST_CASE("Network: stoichiometry is carried on reactant and product edges", "[network]") {
    // Protects the edge payload the solver reads; 2 A -> B is written in the fixture-free model below.
    const Model m = load_from_string(R"json({"species": [{"id": "A", "initial": 1, "unit": "nM"}, {"id": "B", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "1/(nM*s)", "source": "assumed: test"}],
      "reactions": [{"id": "dimer", "reactants": [{"species": "A", "stoichiometry": 2}], "products": ["B"],
                     "rate": {"type": "mass_action", "kf": "k"}}]})json", "dimer.json");
    const Network n(m);
    for (auto [e, end] = boost::edges(n.graph()); e != end; ++e) {
        const auto& edge = n.graph()[*e];
        CHECK(edge.stoichiometry == (edge.role == EdgeRole::reactant ? 2.0 : 1.0));
    }
}

TEST_CASE("Network: upstream and downstream follow the edges transitively", "[network]") {
    // Protects reachability on network_cascade.json, worked by hand from the file: the loop
    // X/Xp -> Y/Yp -> Z/Zp -> X/Xp makes the six cascade species reach each other; the stimulus S
    // only acts, and the readout G -> Gp only receives.
    const Model m = load_fixture("network_cascade.json");
    const Network n(m);
    using V = std::vector<std::string>;
    CHECK(ids(m, n.upstream(sp(m, "S"))).empty());
    CHECK(ids(m, n.downstream(sp(m, "S"))) == V{"Gp", "X", "Xp", "Y", "Yp", "Z", "Zp"});
    CHECK(ids(m, n.upstream(sp(m, "Xp"))) == V{"S", "X", "Y", "Yp", "Z", "Zp"});
    CHECK(ids(m, n.downstream(sp(m, "Yp"))) == V{"Gp", "X", "Xp", "Y", "Z", "Zp"});
    CHECK(ids(m, n.upstream(sp(m, "G"))).empty());
    CHECK(ids(m, n.downstream(sp(m, "G"))) == V{"Gp"});
    CHECK(ids(m, n.upstream(sp(m, "Gp"))) == V{"G", "S", "X", "Xp", "Y", "Yp", "Z", "Zp"});
    CHECK(ids(m, n.downstream(sp(m, "Gp"))).empty());
}

TEST_CASE("Network: paths are listed shortest first and counted", "[network]") {
    // Protects path enumeration on network_paths.json: A reaches D by a_to_d (3 vertices), by a_to_b
    // and b_to_d (5) and by a_to_c, c_to_b, b_to_d (7); the file lists the longest route first.
    const Model m = load_fixture("network_paths.json");
    const Network n(m);
    const auto all = n.paths(sp(m, "A"), sp(m, "D"));
    REQUIRE(all.size() == 3);
    CHECK(describe_path(n, all[0]) == "A -> a_to_d -> D");
    CHECK(describe_path(n, all[1]) == "A -> a_to_b -> B -> b_to_d -> D");
    CHECK(describe_path(n, all[2]) == "A -> a_to_c -> C -> c_to_b -> B -> b_to_d -> D");
    const auto first = n.paths(sp(m, "A"), sp(m, "D"), 1);
    REQUIRE(first.size() == 1);
    CHECK(describe_path(n, first[0]) == "A -> a_to_d -> D");
    CHECK(n.paths(sp(m, "D"), sp(m, "A")).empty());  // nothing flows back
    CHECK(n.paths(sp(m, "A"), sp(m, "E")).empty());  // E is disconnected
    CHECK(n.paths(sp(m, "A"), sp(m, "A")).empty());  // a path joins two different species
}

TEST_CASE("Network: the shortest path is found even when many longer ones come first", "[network]") {
    // Protects "shortest first" when the search meets more long paths than it keeps: in
    // network_shortest_last.json six 5-vertex routes A -> Ci -> D are listed before the direct
    // 3-vertex A -> a_to_d -> D. (A depth-first search that stopped after 4*max_paths finds used
    // to return a long route here.)
    const Model m = load_fixture("network_shortest_last.json");
    const Network n(m);
    const auto first = n.paths(sp(m, "A"), sp(m, "D"), 1);
    REQUIRE(first.size() == 1);
    CHECK(describe_path(n, first[0]) == "A -> a_to_d -> D");
    const auto all = n.paths(sp(m, "A"), sp(m, "D"));
    REQUIRE(all.size() == 7);
    CHECK(all[0].size() == 3);
    for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i].size() == 5);
    const auto three = n.paths(sp(m, "A"), sp(m, "D"), 3);
    REQUIRE(three.size() == 3);
    CHECK(three[0].size() == 3);
}

TEST_CASE("Network: the cascade's one negative feedback loop is found", "[network]") {
    // Protects feedback_loops on network_cascade.json: the only cycle through a modifier edge is
    // Zp -| r1 -> Xp => r3 -> Yp => r5 -> Zp (one inhibitor, two enzymes); the three
    // phosphorylation/dephosphorylation cycles have no modifier edge and are not feedback.
    const Model m = load_fixture("network_cascade.json");
    const Network n(m);
    const auto loops = n.feedback_loops();
    REQUIRE(loops.size() == 1);
    CHECK(loop_from(n, loops[0], "Zp") == std::vector<std::string>{"Zp", "r1", "Xp", "r3", "Yp", "r5"});
    CHECK(loops[0].modifier_roles.size() == 3);
    CHECK(role_count(loops[0], EdgeRole::inhibitor) == 1);
    CHECK(role_count(loops[0], EdgeRole::enzyme) == 2);
}

TEST_CASE("Network: a pure reactant/product cycle is not a feedback loop", "[network]") {
    // Protects the modifier-edge requirement: network_pure_cycle.json is A -> B -> C -> A by mass
    // action, a directed cycle without any modifier, so there is no feedback loop (but paths exist).
    const Model m = load_fixture("network_pure_cycle.json");
    const Network n(m);
    CHECK(n.feedback_loops().empty());
    const auto paths = n.paths(sp(m, "A"), sp(m, "C"));
    REQUIRE(paths.size() == 1);
    CHECK(describe_path(n, paths[0]) == "A -> ab -> B -> bc -> C");
    CHECK(ids(m, n.upstream(sp(m, "A"))) == std::vector<std::string>{"B", "C"});
}

TEST_CASE("Network: a positive loop through an activator is found with its role", "[network]") {
    // Protects loops through activator edges: B activates its own production A -> B.
    const Model m = load_from_string(R"json({"species": [{"id": "A", "initial": 1, "unit": "nM"}, {"id": "B", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "1/(nM*s)", "source": "assumed: test"}],
      "reactions": [{"id": "autocatalysis", "reactants": ["A"], "products": ["B"], "modifiers": [{"species": "B", "role": "activator"}],
                     "rate": {"type": "expression", "expression": "k * A * B"}}]})json", "positive_loop.json");
    const Network n(m);
    const auto loops = n.feedback_loops();
    REQUIRE(loops.size() == 1);
    CHECK(loop_from(n, loops[0], "B") == std::vector<std::string>{"B", "autocatalysis"});
    CHECK(loops[0].modifier_roles == std::vector<EdgeRole>{EdgeRole::activator});
}

TEST_CASE("Network: Kholodenko 2000 graph, reachability and paths", "[network][kholodenko]") {
    // Protects the network of models/examples/kholodenko2000_mapk.json: 8 species + 10 reactions,
    // 20 reactant/product edges + 5 modifiers (MAPK_PP inhibits J0, MKKK_P catalyses J2 and J3,
    // MKK_PP catalyses J6 and J7). MKKK reaches MAPK_PP along 4 simple paths (through J2 or J3 in the
    // MKK tier, times J7 directly or J6 then J7 in the MAPK tier), the shortest through J3 and J7.
    const Model m = load_kholodenko();
    const Network n(m);
    CHECK(boost::num_vertices(n.graph()) == 18);
    CHECK(boost::num_edges(n.graph()) == 25);
    const auto roles = edge_roles(n);
    CHECK(roles.at(EdgeRole::inhibitor) == 1);
    CHECK(roles.at(EdgeRole::enzyme) == 4);
    const auto paths = n.paths(sp(m, "MKKK"), sp(m, "MAPK_PP"));
    REQUIRE(paths.size() == 4);
    CHECK(describe_path(n, paths[0]) == "MKKK -> J0 -> MKKK_P -> J3 -> MKK_PP -> J7 -> MAPK_PP");
    CHECK(paths[1].size() == 9);
    CHECK(paths[2].size() == 9);
    CHECK(paths[3].size() == 11);
    // The feedback makes every species reach every other.
    CHECK(n.upstream(sp(m, "MKKK")).size() == 7);
    CHECK(n.downstream(sp(m, "MAPK_PP")).size() == 7);
}

TEST_CASE("Network: Kholodenko 2000 has only the negative MAPK_PP -| J0 feedback", "[network][kholodenko]") {
    // Protects feedback_loops on the shipped example. Every cycle through a modifier edge must enter
    // J0 from MAPK_PP (MKKK_P is produced only by J0), so all 4 loops are the paths above closed by
    // that inhibition: each has one inhibitor and two enzyme edges; the shortest has 6 vertices.
    const Model m = load_kholodenko();
    const Network n(m);
    const auto loops = n.feedback_loops();
    REQUIRE(loops.size() == 4);
    for (const auto& loop : loops) {
        CHECK(role_count(loop, EdgeRole::inhibitor) == 1);
        CHECK(role_count(loop, EdgeRole::enzyme) == 2);
        const auto text = labels(n, loop.vertices);
        CHECK(std::find(text.begin(), text.end(), "J0") != text.end());
    }
    CHECK(loop_from(n, loops[0], "MAPK_PP") == std::vector<std::string>{"MAPK_PP", "J0", "MKKK_P", "J3", "MKK_PP", "J7"});
    CHECK(loops[1].vertices.size() == 8);
    CHECK(loops[2].vertices.size() == 8);
    CHECK(loops[3].vertices.size() == 10);
    CHECK(n.feedback_loops(2).size() == 2);  // max_loops caps the answer
}
