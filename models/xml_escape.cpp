// Entity escaping shared by the SBML writer and the viz layer's SVG and HTML output.
#include "models/xml_escape.hpp"

namespace ntsim::models {

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            // &apos; is predefined in XML and named in HTML5 (the report's doctype).
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace ntsim::models
