// Escaping text for XML and HTML output: SBML notes, SVG figures and the HTML report all write
// model ids and user strings through this one function.
#pragma once

#include <string>
#include <string_view>

namespace ntsim::models {

// `&`, `<`, `>`, `"` and `'` as entities, so the result is safe both as element text and inside an
// attribute quoted with either quote, in XML and in HTML5; other bytes unchanged (the text is UTF-8).
std::string xml_escape(std::string_view text);

}  // namespace ntsim::models
