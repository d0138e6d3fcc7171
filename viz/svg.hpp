// A minimal SVG writer for ntsim's figures: nested elements with escaped attributes and text, and
// numbers with fixed precision, so every figure is well-formed XML and byte-identical across runs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ntsim::viz {

using Attributes = std::vector<std::pair<std::string, std::string>>;

// A coordinate or length for an attribute: two decimals, trailing zeros dropped ("12.5", "-3").
std::string svg_number(double value);

class SvgDocument {
public:
    // Width and height in CSS pixels; `title` becomes the document's <title>.
    SvgDocument(double width, double height, std::string_view title);

    // Opens an element that later elements nest in, until the matching close().
    void open(std::string_view name, const Attributes& attributes = {});
    void close();
    // An empty element: <rect .../>.
    void element(std::string_view name, const Attributes& attributes);
    // An element holding only text: <text ...>label</text>.
    void text_element(std::string_view name, const Attributes& attributes, std::string_view text);

    double width() const { return width_; }
    double height() const { return height_; }

    // Closes any open elements and returns the document.
    std::string finish();

private:
    void start_tag(std::string_view name, const Attributes& attributes);

    double width_, height_;
    std::string text_;
    std::vector<std::string> open_;
};

}  // namespace ntsim::viz
