// SVG document assembly: tags are written as they come, open ones are tracked so finish() always
// yields balanced XML.
#include "viz/svg.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "models/xml_escape.hpp"

namespace ntsim::viz {

std::string svg_number(double value) {
    if (!std::isfinite(value)) return "0";
    std::string text = fmt::format("{:.2f}", value);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text == "-0" ? "0" : text;
}

SvgDocument::SvgDocument(double width, double height, std::string_view title) : width_(width), height_(height) {
    text_ = fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
                        "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
                        svg_number(width), svg_number(height));
    text_ += fmt::format("<title>{}</title>\n", models::xml_escape(title));
    open_.push_back("svg");
}

void SvgDocument::start_tag(std::string_view name, const Attributes& attributes) {
    text_ += std::string(open_.size() - 1, ' ');
    text_ += '<';
    text_ += name;
    for (const auto& [key, value] : attributes) text_ += fmt::format(" {}=\"{}\"", key, models::xml_escape(value));
}

void SvgDocument::open(std::string_view name, const Attributes& attributes) {
    start_tag(name, attributes);
    text_ += ">\n";
    open_.emplace_back(name);
}

void SvgDocument::close() {
    if (open_.size() <= 1) throw std::logic_error("SvgDocument::close without an open element");
    const std::string name = open_.back();
    open_.pop_back();
    text_ += std::string(open_.size() - 1, ' ') + "</" + name + ">\n";
}

void SvgDocument::element(std::string_view name, const Attributes& attributes) {
    start_tag(name, attributes);
    text_ += "/>\n";
}

void SvgDocument::text_element(std::string_view name, const Attributes& attributes, std::string_view text) {
    start_tag(name, attributes);
    text_ += fmt::format(">{}</{}>\n", models::xml_escape(text), name);
}

std::string SvgDocument::finish() {
    while (open_.size() > 1) close();
    if (!open_.empty()) {
        text_ += "</svg>\n";
        open_.clear();
    }
    return text_;
}

}  // namespace ntsim::viz
