// Time-course figures: one panel per region sharing the y range, so regions compare by eye;
// the vehicle reference dashed grey under the treated runs.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "viz/plot_frame.hpp"
#include "viz/plots.hpp"
#include "viz/run_groups.hpp"

namespace ntsim::viz {

namespace {

// Page geometry, px.
constexpr double left_margin = 120, panel_top = 150, bottom_margin = 100, panel_gap = 105;

}  // namespace

std::vector<Figure> time_course_figures(const Results& results, const PlotOptions& options) {
    std::vector<Figure> figures;
    const SeriesStyles styles(results);
    const auto groups = group_runs(results, within_figure_columns());
    for (const auto& observable : observables_to_draw(results, options.observables)) {
        const Quantity quantity = quantity_or_id(options.quantities, observable);
        for (const auto& group : groups) {
            std::vector<std::size_t> runs;
            for (std::size_t r : group.runs)
                if (results.runs[r].ok && results.trajectory(r, observable)) runs.push_back(r);
            if (runs.empty()) continue;
            std::stable_sort(runs.begin(), runs.end(), [&](std::size_t a, std::size_t b) { return styles.order(a) < styles.order(b); });

            double t_max = 0, y_lo = INFINITY, y_hi = -INFINITY;
            for (std::size_t r : runs) {
                const TimeSeries& s = *results.trajectory(r, observable);
                for (std::size_t k = 0; k < s.times_s.size(); ++k) {
                    t_max = std::max(t_max, s.times_s[k]);
                    if (!std::isfinite(s.values[k])) continue;
                    y_lo = std::min(y_lo, s.values[k]);
                    y_hi = std::max(y_hi, s.values[k]);
                }
            }
            const TimeUnit unit = time_unit_for(t_max);
            // Concentrations read best from zero unless the curves live far from it.
            const Range y = padded_range(y_lo, y_hi, y_lo >= 0 && y_lo <= 0.3 * y_hi);

            Figure figure;
            figure.file_name = "time_course_" + file_safe(observable) + group.file_suffix + ".svg";
            figure.title = fmt::format("{}: time course", quantity.name);
            SvgDocument svg(figure_width, figure_height, figure.title);
            svg.element("rect", {{"width", "100%"}, {"height", "100%"}, {"fill", "#ffffff"}});
            std::string subtitle = quantity.name == observable ? "" : observable + "; ";
            subtitle += fmt::format("unit {}; scenario {}", quantity.unit.empty() ? "unknown" : quantity.unit, results.scenario_name);
            if (!group.description.empty()) subtitle += "; " + group.description;
            draw_title(svg, figure.title, subtitle);

            std::vector<LegendEntry> legend;
            for (std::size_t r : runs) {
                const SeriesStyle style = styles.style(r);
                if (std::none_of(legend.begin(), legend.end(), [&](const LegendEntry& e) { return e.label == style.label; }))
                    legend.push_back({style.label, style.colour, style.vehicle, false});
            }
            const double legend_space = legend_width(legend);
            const auto regions = regions_of(results, runs);
            const double n = static_cast<double>(regions.size());
            const double panel_width = (figure_width - left_margin - legend_space - (n - 1) * panel_gap) / n;
            for (std::size_t p = 0; p < regions.size(); ++p) {
                Panel panel;
                panel.x = left_margin + static_cast<double>(p) * (panel_width + panel_gap);
                panel.y = panel_top;
                panel.width = panel_width;
                panel.height = figure_height - panel_top - bottom_margin;
                panel.x_scale = {0, t_max > 0 ? t_max / unit.seconds : 1, panel.x, panel.x + panel.width, false};
                panel.y_scale = {y.lo, y.hi, panel.y + panel.height, panel.y, false};
                svg.open("g", {{"class", "panel"}, {"data-panel", regions[p]}});
                draw_axes(svg, panel, fmt::format("time ({})", unit.name), quantity.axis_label(), regions[p]);
                for (std::size_t r : runs) {
                    if (results.label(r, "region") != regions[p]) continue;
                    const SeriesStyle style = styles.style(r);
                    const TimeSeries& s = *results.trajectory(r, observable);
                    std::vector<double> x(s.times_s.size());
                    std::transform(s.times_s.begin(), s.times_s.end(), x.begin(), [&](double t) { return t / unit.seconds; });
                    Attributes a{{"class", "series"}, {"data-series", style.label}, {"data-run", std::to_string(r)},
                                 {"d", path_data(panel, x, s.values)}, {"fill", "none"}, {"stroke", style.colour},
                                 {"stroke-width", style.vehicle ? "3" : "3.5"}, {"stroke-linejoin", "round"}};
                    if (style.vehicle) a.emplace_back("stroke-dasharray", "9 6");
                    svg.element("path", a);
                }
                svg.close();
            }
            draw_legend(svg, figure_width - legend_space + 16, panel_top, legend);
            figure.svg = svg.finish();
            figures.push_back(std::move(figure));
        }
    }
    return figures;
}

}  // namespace ntsim::viz
