// Test helper: parse SVG/XML text with Boost.PropertyTree (which rejects malformed XML) and find
// elements by name and attribute, so tests check what a figure contains, not only that it exists.
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

namespace ntsim::viz::testing {

using Tree = boost::property_tree::ptree;

inline Tree parse_xml(const std::string& text) {
    Tree tree;
    std::istringstream in(text);
    boost::property_tree::read_xml(in, tree);
    return tree;
}

inline std::string attribute(const Tree& element, const std::string& name) {
    return element.get<std::string>("<xmlattr>." + name, "");
}

// Whether the element's class attribute holds `name` among its space-separated classes.
inline bool has_class(const Tree& element, const std::string& name) {
    std::istringstream classes(attribute(element, "class"));
    std::string c;
    while (classes >> c)
        if (c == name) return true;
    return false;
}

// Every element called `name` (any depth) for which `keep` is true.
inline std::vector<const Tree*> find_all(const Tree& tree, const std::string& name,
                                         const std::function<bool(const Tree&)>& keep = [](const Tree&) { return true; }) {
    std::vector<const Tree*> found;
    std::function<void(const Tree&)> walk = [&](const Tree& t) {
        for (const auto& [key, child] : t) {
            if (key == "<xmlattr>" || key == "<xmlcomment>") continue;
            if (key == name && keep(child)) found.push_back(&child);
            walk(child);
        }
    };
    walk(tree);
    return found;
}

// Elements called `name` with class `css_class`.
inline std::vector<const Tree*> find_class(const Tree& tree, const std::string& name, const std::string& css_class) {
    return find_all(tree, name, [&](const Tree& t) { return has_class(t, css_class); });
}

inline std::vector<std::string> texts(const std::vector<const Tree*>& elements) {
    std::vector<std::string> out;
    for (const Tree* e : elements) out.push_back(e->data());
    return out;
}

}  // namespace ntsim::viz::testing
