// The SVG writer: escaping, number formatting, and well-formed nesting.
#include <catch2/catch.hpp>

#include "tests/viz/xml_query.hpp"
#include "viz/svg.hpp"

using namespace ntsim::viz;
using namespace ntsim::viz::testing;

TEST_CASE("svg_number writes two decimals without trailing zeros", "[viz][svg]") {
    // Keeps files small and byte-identical; values by hand.
    CHECK(svg_number(12.5) == "12.5");
    CHECK(svg_number(3.0) == "3");
    CHECK(svg_number(-0.001) == "0");
    CHECK(svg_number(1.005e3) == "1005");
    CHECK(svg_number(std::numeric_limits<double>::quiet_NaN()) == "0");
}

TEST_CASE("SvgDocument nests elements and closes what is open", "[viz][svg]") {
    // Protects well-formedness: finish() must balance every open() even when the caller forgets.
    SvgDocument svg(100, 50, "a <title>");
    svg.open("g", {{"class", "panel"}});
    svg.element("rect", {{"width", "10"}, {"height", "5"}});
    svg.text_element("text", {{"x", "1"}}, "R&D");
    const std::string text = svg.finish();
    const Tree tree = parse_xml(text);
    CHECK(tree.get<std::string>("svg.title") == "a <title>");
    CHECK(attribute(tree.get_child("svg"), "viewBox") == "0 0 100 50");
    REQUIRE(find_all(tree, "text").size() == 1);
    CHECK(find_all(tree, "text")[0]->data() == "R&D");
    CHECK(find_class(tree, "g", "panel").size() == 1);
    CHECK_THROWS_AS(SvgDocument(1, 1, "").close(), std::logic_error);
}
