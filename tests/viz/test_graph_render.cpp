// Graphviz rendering and layouts through libgvc.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/load.hpp"
#include "tests/viz/xml_query.hpp"
#include "viz/dot.hpp"
#include "viz/graph_render.hpp"
#include "viz/network_layout.hpp"

using namespace ntsim;
using namespace ntsim::viz::testing;

namespace {

models::Model toy_with_drug() {
    return models::load(std::vector<std::filesystem::path>{NTSIM_SOURCE_DIR "/tests/scenarios/data/toy_pathway.json",
                                                           NTSIM_SOURCE_DIR "/tests/scenarios/data/toy_drug.json"});
}

std::string read(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("render_network writes an SVG with a node per vertex and the key", "[viz][graph]") {
    // Graphviz's SVG has one <g class="node"> per node: 13 model vertices and 18 key nodes.
    const models::Model model = toy_with_drug();
    const models::Network network(model);
    const auto file = std::filesystem::path(NTSIM_VIZ_OUTPUT_DIR) / "toy_graph.svg";
    viz::render_network(network, viz::GraphFormat::svg, "dot", true, file);
    const Tree svg = parse_xml(read(file));
    CHECK(find_class(svg, "g", "node").size() == 13 + 18);
    CHECK(find_class(svg, "g", "cluster").size() == 3);  // two modules and the key
    CHECK(svg.get<std::string>("svg.g.title") == "toy_pathway");
}

TEST_CASE("render_network writes a PNG", "[viz][graph]") {
    // PNG signature from the PNG specification.
    const models::Model model = toy_with_drug();
    const auto file = std::filesystem::path(NTSIM_VIZ_OUTPUT_DIR) / "toy_graph.png";
    viz::render_network(models::Network(model), viz::GraphFormat::png, "dot", true, file);
    CHECK(read(file).substr(0, 8) == "\x89PNG\r\n\x1a\n");
}

TEST_CASE("module layout packs modules without overlap and keeps nodes inside them", "[viz][graph]") {
    // The 'modules' layout used for large networks, on the toy's two modules.
    const models::Model model = toy_with_drug();
    const models::Network network(model);
    const viz::GraphLayout layout = viz::layout_network(network, "modules");
    CHECK(layout.nodes.size() == 13);
    REQUIRE(layout.clusters.size() == 2);
    const auto& a = layout.clusters[0];
    const auto& b = layout.clusters[1];
    CHECK((a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0));
    for (const auto& s : model.species) {
        const auto& n = layout.nodes.at(s.id);
        const auto& box = s.module == a.name ? a : b;
        CHECK(n.x >= box.x0);
        CHECK(n.x <= box.x1);
        CHECK(n.y >= box.y0);
        CHECK(n.y <= box.y1);
    }
    // The pinned drawing of it renders (Graphviz's nop2 engine keeps the given positions).
    const auto file = std::filesystem::path(NTSIM_VIZ_OUTPUT_DIR) / "toy_graph_modules.svg";
    viz::render_network(network, viz::GraphFormat::svg, "modules", false, file);
    CHECK(find_class(parse_xml(read(file)), "g", "node").size() == 13);
}

TEST_CASE("graph formats come from the file name, Graphviz errors are reported", "[viz][graph]") {
    // Error paths: an unknown extension lists the known ones; bad DOT carries Graphviz's message.
    CHECK(viz::graph_format_for("net.SVG") == viz::GraphFormat::svg);
    CHECK(viz::graph_format_for("a/net.gv") == viz::GraphFormat::dot);
    CHECK_THROWS_WITH(viz::graph_format_for("net.pdf"), Catch::Contains("use .svg, .png or .dot"));
    CHECK_THROWS_WITH(viz::layout_graph("digraph { a -> }", "dot"), Catch::Contains("Graphviz: cannot parse the DOT text"));
    CHECK_THROWS_WITH(viz::layout_graph("digraph { a -> b }", "no_such_engine"), Catch::Contains("layout with 'no_such_engine' failed"));
}
