// The parts every figure shares: scales and tick marks (linear and log), time units, colours,
// panels with axes, titles and legends. Sizes suit a 1280 x 720 slide.
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "viz/svg.hpp"

namespace ntsim::viz {

// Font sizes in px for a figure 1280 px wide, large enough to read on a projected slide.
struct FontSizes {
    static constexpr double title = 30, subtitle = 19, panel_title = 24, axis_label = 21, tick = 18, legend = 19,
                            annotation = 17;
};
constexpr double figure_width = 1280, figure_height = 720;

// Maps data values to pixels, linearly or logarithmically (log needs lo > 0).
struct Scale {
    double lo = 0, hi = 1;          // data
    double px_lo = 0, px_hi = 1;    // pixels (px_hi < px_lo for a y axis, which grows upwards)
    bool log = false;
    double operator()(double value) const;
};

// Tick positions covering [lo, hi] in steps of 1, 2 or 5 x 10^k, about `target` of them.
std::vector<double> linear_ticks(double lo, double hi, int target = 6);
// Decades, with 2 and 5 in between when the range spans few decades.
std::vector<double> log_ticks(double lo, double hi);
// "0.5", "12", "1000", "2e-05": short and exact for tick values.
std::string tick_label(double value);

// A data range [lo, hi] with a margin; includes 0 if `with_zero`; never empty.
struct Range {
    double lo = 0, hi = 1;
};
Range padded_range(double lo, double hi, bool with_zero, bool log = false);

// A readable unit for a time axis whose largest value is `max_s`.
struct TimeUnit {
    std::string name;   // "s", "min", "h", "d"
    double seconds = 1;
};
TimeUnit time_unit_for(double max_s);

// Colourblind-safe series colours (Okabe & Ito 2008), in order.
std::string series_colour(std::size_t index);
constexpr const char* vehicle_colour = "#555555";
// `colour` (#rrggbb) mixed with white: 0 keeps it, 1 gives white.
std::string tint(const std::string& colour, double towards_white);
// Blue (below 1) - white - red (above 1) for a log2 fold change, saturating at +-limit.
std::string diverging_colour(double log2_fold, double limit);
// Black or white, whichever reads better on `background` (#rrggbb).
std::string text_colour_on(const std::string& background);

struct Panel {
    double x = 0, y = 0, width = 0, height = 0;   // the plotting area, axes drawn around it
    Scale x_scale, y_scale;
};

// Frame, grid, ticks and tick labels, axis labels and the panel title; opens nothing.
void draw_axes(SvgDocument& svg, const Panel& panel, const std::string& x_label, const std::string& y_label,
               const std::string& title);

// A polyline through the finite points (gaps at NaN), clipped to the panel by the data range.
std::string path_data(const Panel& panel, const std::vector<double>& x, const std::vector<double>& y);

struct LegendEntry {
    std::string label;
    std::string colour;
    bool dashed = false;
    bool marker = false;
    std::vector<std::string> details;  // optional smaller lines under the label
};
// Width a legend of these entries needs (px), from 200 to 420; longer labels are shortened.
double legend_width(const std::vector<LegendEntry>& entries);
// Entries stacked from (x, y) downwards; returns the height used.
double draw_legend(SvgDocument& svg, double x, double y, const std::vector<LegendEntry>& entries);

// Figure title and an optional subtitle line at the top, each shortened to the figure's width.
void draw_title(SvgDocument& svg, const std::string& title, const std::string& subtitle);

// A long display name split for a title: "Bdnf mRNA (nM of the 1 pL cytosol; ...)" gives the title
// "Bdnf mRNA" and the detail "(nM of the 1 pL cytosol; ...)" for the subtitle; short names stay whole.
std::pair<std::string, std::string> title_and_detail(const std::string& name);

// Text shortened to about `max_chars` characters with an ellipsis (UTF-8 safe).
std::string shorten(const std::string& text, std::size_t max_chars);

}  // namespace ntsim::viz
