// Shared figure parts. Tick steps follow the 1-2-5 rule; colours are hex strings so the SVG
// reads the same in every viewer.
#include "viz/plot_frame.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace ntsim::viz {

namespace {

struct Rgb {
    double r, g, b;
};

Rgb parse_colour(const std::string& hex) {
    auto channel = [&](std::size_t at) { return static_cast<double>(std::stoi(hex.substr(at, 2), nullptr, 16)); };
    return {channel(1), channel(3), channel(5)};
}

std::string format_colour(const Rgb& c) {
    auto clamp = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 255.0))); };
    return fmt::format("#{:02x}{:02x}{:02x}", clamp(c.r), clamp(c.g), clamp(c.b));
}

Rgb mix(const Rgb& a, const Rgb& b, double f) { return {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f}; }

constexpr double tick_length = 7;
// Tick label glyphs (digits) average about 0.6 em in DejaVu Sans; labels keep this many px apart.
constexpr double tick_char_width = 0.6, tick_label_gap = 8;

}  // namespace

double Scale::operator()(double value) const {
    double f;
    if (log) {
        f = (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    } else {
        f = (value - lo) / (hi - lo);
    }
    return px_lo + f * (px_hi - px_lo);
}

std::vector<double> linear_ticks(double lo, double hi, int target) {
    std::vector<double> ticks;
    if (!(hi > lo)) return {lo};
    const double raw = (hi - lo) / std::max(target, 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * magnitude;
        if (step >= raw) break;
    }
    const double first = std::ceil(lo / step - 1e-9) * step;
    for (double t = first; t <= hi + step * 1e-9; t += step) ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
    std::vector<double> ticks;
    const int first = static_cast<int>(std::floor(std::log10(lo))), last = static_cast<int>(std::ceil(std::log10(hi)));
    const bool with_subdivisions = last - first <= 3;
    for (int e = first; e <= last; ++e) {
        for (double m : {1.0, 2.0, 5.0}) {
            if (m != 1.0 && !with_subdivisions) continue;
            const double t = m * std::pow(10.0, e);
            if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push_back(t);
        }
    }
    return ticks;
}

std::string tick_label(double value) {
    if (value == 0) return "0";
    const double a = std::abs(value);
    if (a >= 1e-3 && a < 1e6) {
        std::string text = fmt::format("{:.4f}", value);
        while (text.back() == '0') text.pop_back();
        if (text.back() == '.') text.pop_back();
        return text;
    }
    return fmt::format("{:.3g}", value);
}

Range padded_range(double lo, double hi, bool with_zero, bool log) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) return log ? Range{0.1, 10} : Range{0, 1};
    if (log) {
        if (hi <= lo) return {lo / 2, hi * 2};
        const double pad = std::pow(hi / lo, 0.06);
        return {lo / pad, hi * pad};
    }
    if (with_zero) {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
    }
    if (hi - lo <= std::abs(hi) * 1e-9) {
        const double half = hi == 0 ? 1.0 : std::abs(hi) * 0.1;
        return {lo - half, hi + half};
    }
    const double pad = 0.06 * (hi - lo);
    return {lo == 0 && with_zero ? 0 : lo - pad, hi + pad};
}

TimeUnit time_unit_for(double max_s) {
    if (max_s <= 180) return {"s", 1};
    if (max_s <= 3 * 3600) return {"min", 60};
    if (max_s <= 4 * 86400) return {"h", 3600};
    return {"d", 86400};
}

std::string series_colour(std::size_t index) {
    // Okabe & Ito's palette without its yellow, which is too light on white.
    static const std::array<const char*, 6> palette{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"};
    return palette[index % palette.size()];
}

std::string tint(const std::string& colour, double towards_white) {
    return format_colour(mix(parse_colour(colour), {255, 255, 255}, std::clamp(towards_white, 0.0, 1.0)));
}

std::string diverging_colour(double log2_fold, double limit) {
    // ColorBrewer RdBu ends and a light grey middle, so "no change" still reads as a cell.
    static const Rgb blue{33, 102, 172}, middle{247, 247, 247}, red{178, 24, 43};
    if (!std::isfinite(log2_fold)) return "#d9d9d9";
    const double f = std::clamp(log2_fold / limit, -1.0, 1.0);
    return format_colour(f < 0 ? mix(middle, blue, -f) : mix(middle, red, f));
}

std::string text_colour_on(const std::string& background) {
    const Rgb c = parse_colour(background);
    const double luminance = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
    return luminance < 140 ? "#ffffff" : "#000000";
}

void draw_axes(SvgDocument& svg, const Panel& p, const std::string& x_label, const std::string& y_label,
               const std::string& title) {
    const double bottom = p.y + p.height, right = p.x + p.width;
    svg.open("g", {{"class", "axes"}});
    svg.element("rect", {{"x", svg_number(p.x)}, {"y", svg_number(p.y)}, {"width", svg_number(p.width)},
                         {"height", svg_number(p.height)}, {"fill", "#ffffff"}, {"stroke", "none"}});
    auto x_ticks = p.x_scale.log ? log_ticks(p.x_scale.lo, p.x_scale.hi) : linear_ticks(p.x_scale.lo, p.x_scale.hi);
    auto y_ticks = p.y_scale.log ? log_ticks(p.y_scale.lo, p.y_scale.hi) : linear_ticks(p.y_scale.lo, p.y_scale.hi, 5);
    // Tick labels that would run into the previous one are left out (the tick stays): long log
    // ranges in narrow panels.
    double last_label_end = -INFINITY;
    for (double t : x_ticks) {
        const double x = p.x_scale(t);
        if (x < p.x - 0.5 || x > right + 0.5) continue;
        svg.element("line", {{"x1", svg_number(x)}, {"y1", svg_number(p.y)}, {"x2", svg_number(x)}, {"y2", svg_number(bottom)},
                             {"stroke", "#e3e3e3"}, {"stroke-width", "1"}});
        svg.element("line", {{"x1", svg_number(x)}, {"y1", svg_number(bottom)}, {"x2", svg_number(x)},
                             {"y2", svg_number(bottom + tick_length)}, {"stroke", "#333333"}, {"stroke-width", "1.5"}});
        const std::string label = tick_label(t);
        const double half_width = 0.5 * tick_char_width * FontSizes::tick * static_cast<double>(label.size());
        if (x - half_width < last_label_end + tick_label_gap) continue;
        last_label_end = x + half_width;
        svg.text_element("text", {{"class", "tick-label"}, {"x", svg_number(x)}, {"y", svg_number(bottom + tick_length + FontSizes::tick)},
                                  {"font-size", svg_number(FontSizes::tick)}, {"text-anchor", "middle"}, {"fill", "#333333"}},
                         label);
    }
    for (double t : y_ticks) {
        const double y = p.y_scale(t);
        if (y < p.y - 0.5 || y > bottom + 0.5) continue;
        svg.element("line", {{"x1", svg_number(p.x)}, {"y1", svg_number(y)}, {"x2", svg_number(right)}, {"y2", svg_number(y)},
                             {"stroke", "#e3e3e3"}, {"stroke-width", "1"}});
        svg.element("line", {{"x1", svg_number(p.x - tick_length)}, {"y1", svg_number(y)}, {"x2", svg_number(p.x)},
                             {"y2", svg_number(y)}, {"stroke", "#333333"}, {"stroke-width", "1.5"}});
        svg.text_element("text", {{"class", "tick-label"}, {"x", svg_number(p.x - tick_length - 4)},
                                  {"y", svg_number(y + FontSizes::tick * 0.35)}, {"font-size", svg_number(FontSizes::tick)},
                                  {"text-anchor", "end"}, {"fill", "#333333"}},
                         tick_label(t));
    }
    svg.element("path", {{"d", fmt::format("M{} {}V{}H{}", svg_number(p.x), svg_number(p.y), svg_number(bottom), svg_number(right))},
                         {"fill", "none"}, {"stroke", "#333333"}, {"stroke-width", "1.5"}});
    svg.text_element("text", {{"class", "axis-label x-axis-label"}, {"x", svg_number(p.x + p.width / 2)},
                              {"y", svg_number(bottom + tick_length + FontSizes::tick + FontSizes::axis_label + 10)},
                              {"font-size", svg_number(FontSizes::axis_label)}, {"text-anchor", "middle"}, {"fill", "#111111"}},
                     x_label);
    const double y_label_x = p.x - 72;
    const double y_label_y = p.y + p.height / 2;
    svg.text_element("text", {{"class", "axis-label y-axis-label"}, {"x", svg_number(y_label_x)}, {"y", svg_number(y_label_y)},
                              {"font-size", svg_number(FontSizes::axis_label)}, {"text-anchor", "middle"}, {"fill", "#111111"},
                              {"transform", fmt::format("rotate(-90 {} {})", svg_number(y_label_x), svg_number(y_label_y))}},
                     y_label);
    if (!title.empty())
        svg.text_element("text", {{"class", "panel-title"}, {"x", svg_number(p.x + p.width / 2)}, {"y", svg_number(p.y - 14)},
                                  {"font-size", svg_number(FontSizes::panel_title)}, {"font-weight", "bold"},
                                  {"text-anchor", "middle"}, {"fill", "#111111"}},
                         title);
    svg.close();
}

std::string path_data(const Panel& panel, const std::vector<double>& x, const std::vector<double>& y) {
    std::string d;
    bool pen_down = false;
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
        const bool ok = std::isfinite(x[i]) && std::isfinite(y[i]) && (!panel.x_scale.log || x[i] > 0) && (!panel.y_scale.log || y[i] > 0);
        if (!ok) {
            pen_down = false;
            continue;
        }
        // Clamp far-out values to just outside the panel so a spike does not draw across the figure.
        const double px = std::clamp(panel.x_scale(x[i]), panel.x - 2, panel.x + panel.width + 2);
        const double py = std::clamp(panel.y_scale(y[i]), panel.y - 2, panel.y + panel.height + 2);
        d += fmt::format("{}{} {}", pen_down ? "L" : (d.empty() ? "M" : " M"), svg_number(px), svg_number(py));
        pen_down = true;
    }
    return d;
}

namespace {

constexpr double legend_swatch = 44, legend_margin = 56, legend_min = 200, legend_max = 420, legend_detail_font = 14;
// Average glyph width of DejaVu Sans as a fraction of the font size.
constexpr double legend_char_width = 0.6;

std::size_t legend_max_chars() {
    return static_cast<std::size_t>((legend_max - legend_swatch - legend_margin) / (legend_char_width * FontSizes::legend));
}

}  // namespace

double legend_width(const std::vector<LegendEntry>& entries) {
    std::size_t chars = 0;
    for (const auto& e : entries) {
        chars = std::max(chars, std::min(e.label.size(), legend_max_chars()));
        // Detail lines are smaller: count their characters at the label's size.
        for (const auto& d : e.details) {
            const auto detail = static_cast<std::size_t>(static_cast<double>(d.size()) * legend_detail_font / FontSizes::legend);
            chars = std::max(chars, std::min(detail, legend_max_chars()));
        }
    }
    return std::clamp(legend_swatch + legend_margin + static_cast<double>(chars) * legend_char_width * FontSizes::legend, legend_min,
                      legend_max);
}

double draw_legend(SvgDocument& svg, double x, double y, const std::vector<LegendEntry>& entries) {
    const double line_height = FontSizes::legend * 1.55;
    svg.open("g", {{"class", "legend"}});
    double at = y;
    for (const auto& e : entries) {
        const double mid = at + line_height / 2;
        Attributes line{{"x1", svg_number(x)}, {"y1", svg_number(mid)}, {"x2", svg_number(x + 34)}, {"y2", svg_number(mid)},
                        {"stroke", e.colour}, {"stroke-width", "3.5"}};
        if (e.dashed) line.emplace_back("stroke-dasharray", "8 5");
        svg.element("line", line);
        if (e.marker)
            svg.element("circle", {{"cx", svg_number(x + 17)}, {"cy", svg_number(mid)}, {"r", "5.5"}, {"fill", e.colour}});
        svg.text_element("text", {{"class", "legend-label"}, {"x", svg_number(x + 44)}, {"y", svg_number(mid + FontSizes::legend * 0.35)},
                                  {"font-size", svg_number(FontSizes::legend)}, {"fill", "#111111"}},
                         shorten(e.label, legend_max_chars()));
        at += line_height;
        for (const auto& detail : e.details) {
            svg.text_element("text", {{"class", "legend-detail"}, {"x", svg_number(x + 44)}, {"y", svg_number(at + legend_detail_font * 0.5)},
                                      {"font-size", svg_number(legend_detail_font)}, {"fill", "#444444"}},
                             shorten(detail, static_cast<std::size_t>((legend_max - legend_swatch - 16) / (legend_char_width * legend_detail_font))));
            at += legend_detail_font * 1.35;
        }
        if (!e.details.empty()) at += legend_detail_font * 0.4;
    }
    svg.close();
    return at - y;
}

void draw_title(SvgDocument& svg, const std::string& title, const std::string& subtitle) {
    // Bold glyphs are wider than the 0.6 em average.
    const auto fits = [&](double font, double em) { return static_cast<std::size_t>((svg.width() - 64) / (em * font)); };
    svg.text_element("text", {{"class", "figure-title"}, {"x", "32"}, {"y", svg_number(FontSizes::title + 14)},
                              {"font-size", svg_number(FontSizes::title)}, {"font-weight", "bold"}, {"fill", "#111111"}},
                     shorten(title, fits(FontSizes::title, 0.66)));
    if (!subtitle.empty())
        svg.text_element("text", {{"class", "figure-subtitle"}, {"x", "32"}, {"y", svg_number(FontSizes::title + 14 + FontSizes::subtitle + 10)},
                                  {"font-size", svg_number(FontSizes::subtitle)}, {"fill", "#444444"}},
                         shorten(subtitle, fits(FontSizes::subtitle, 0.58)));
}

std::pair<std::string, std::string> title_and_detail(const std::string& name) {
    // Names up to this many characters fit a title line with its ": time course" suffix.
    constexpr std::size_t whole_name_limit = 48;
    const auto open = name.find(" (");
    if (name.size() <= whole_name_limit || open == std::string::npos || open == 0) return {name, ""};
    return {name.substr(0, open), name.substr(open + 1)};
}

std::string shorten(const std::string& text, std::size_t max_chars) {
    std::size_t chars = 0, i = 0;
    for (; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (chars == max_chars) break;
            ++chars;
        }
    }
    if (i >= text.size()) return text;
    // Back up to a character boundary that leaves room for the ellipsis.
    std::size_t cut = i;
    do {
        --cut;
    } while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80);
    return text.substr(0, cut) + "\u2026";
}

}  // namespace ntsim::viz
