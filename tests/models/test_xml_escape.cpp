// The one text escaper behind SBML notes, SVG figures and the HTML report.
#include <catch2/catch.hpp>

#include "models/xml_escape.hpp"

using ntsim::models::xml_escape;

TEST_CASE("xml_escape replaces the five XML special characters", "[models][xml_escape]") {
    // Protects labels such as "A<B & 'x'" in figures, notes and report titles, as text or inside
    // an attribute quoted either way; expected entities from the XML 1.0 spec (all five named in HTML5).
    CHECK(xml_escape("A<B & \"x\" 'y' >") == "A&lt;B &amp; &quot;x&quot; &apos;y&apos; &gt;");
    CHECK(xml_escape("&amp;") == "&amp;amp;");
    CHECK(xml_escape("µM \u00d7 2") == "µM \u00d7 2");
}
