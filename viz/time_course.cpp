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
// Region panels get their own y axes when one region's values reach this many times another's.
constexpr double separate_axes_ratio = 3;
// More treated lines than this in one figure (several compounds at many doses) become one figure
// per compound: a tangle of 90 lines shows nothing.
constexpr std::size_t max_treated_lines = 8;
// Legend rows that fit beside the panels; beyond, each compound lists only its lowest and highest dose.
constexpr std::size_t max_legend_rows = 16;

struct FigureRuns {
    std::vector<std::size_t> runs;
    std::string file_suffix, description;
};

// The runs of one figure, or of one figure per compound (each with the vehicle runs) when there
// are too many lines for one.
std::vector<FigureRuns> split_by_compound(const SeriesStyles& styles, const std::vector<std::size_t>& runs, const RunGroup& group) {
    std::vector<std::string> labels, compounds;
    for (std::size_t r : runs) {
        const SeriesStyle s = styles.style(r);
        if (s.vehicle) continue;
        if (std::find(labels.begin(), labels.end(), s.label) == labels.end()) labels.push_back(s.label);
        if (std::find(compounds.begin(), compounds.end(), s.compound_label) == compounds.end()) compounds.push_back(s.compound_label);
    }
    if (labels.size() <= max_treated_lines || compounds.size() < 2) return {{runs, group.file_suffix, group.description}};
    std::vector<FigureRuns> out;
    for (const auto& c : compounds) {
        FigureRuns f{{}, group.file_suffix + "_" + file_safe(c), group.description + (group.description.empty() ? "" : "; ") + c};
        for (std::size_t r : runs) {
            const SeriesStyle s = styles.style(r);
            if (s.vehicle || s.compound_label == c) f.runs.push_back(r);
        }
        out.push_back(std::move(f));
    }
    return out;
}

// Legend entries in run order; a long list keeps each compound's lowest and highest dose only.
std::vector<LegendEntry> legend_for(const SeriesStyles& styles, const std::vector<std::size_t>& runs, bool& shortened) {
    std::vector<LegendEntry> legend;
    std::vector<std::string> compound_of;
    for (std::size_t r : runs) {
        const SeriesStyle s = styles.style(r);
        if (std::any_of(legend.begin(), legend.end(), [&](const LegendEntry& e) { return e.label == s.label; })) continue;
        legend.push_back({s.label, s.colour, s.vehicle, false, {}});
        compound_of.push_back(s.vehicle ? "" : s.compound_label);
    }
    shortened = legend.size() > max_legend_rows;
    if (!shortened) return legend;
    std::vector<LegendEntry> kept;
    for (std::size_t i = 0; i < legend.size(); ++i) {
        const bool first = i == 0 || compound_of[i - 1] != compound_of[i];
        const bool last = i + 1 == legend.size() || compound_of[i + 1] != compound_of[i];
        if (compound_of[i].empty() || first || last) kept.push_back(legend[i]);
    }
    return kept;
}

}  // namespace

std::vector<Figure> time_course_figures(const Results& results, const PlotOptions& options) {
    std::vector<Figure> figures;
    const SeriesStyles styles(results);
    const auto groups = group_runs(results, within_figure_columns());
    for (const auto& observable : observables_to_draw(results, options.observables)) {
        const Quantity quantity = quantity_or_id(options.quantities, observable);
        const auto [short_name, name_detail] = title_and_detail(quantity.name);
        for (const auto& group : groups) {
            std::vector<std::size_t> group_runs_ok;
            for (std::size_t r : group.runs)
                if (results.runs[r].ok && results.trajectory(r, observable)) group_runs_ok.push_back(r);
            if (group_runs_ok.empty()) continue;
            std::stable_sort(group_runs_ok.begin(), group_runs_ok.end(),
                             [&](std::size_t a, std::size_t b) { return styles.order(a) < styles.order(b); });
            for (const FigureRuns& spec : split_by_compound(styles, group_runs_ok, group)) {
                const auto& runs = spec.runs;
                // Value range per region panel, and the longest time.
                const auto regions = regions_of(results, runs);
                double t_max = 0;
                std::vector<Range> extent(regions.size(), Range{INFINITY, -INFINITY});
                for (std::size_t r : runs) {
                    const TimeSeries& s = *results.trajectory(r, observable);
                    Range& e = extent[static_cast<std::size_t>(std::find(regions.begin(), regions.end(), results.label(r, "region")) -
                                                               regions.begin())];
                    for (std::size_t k = 0; k < s.times_s.size(); ++k) {
                        t_max = std::max(t_max, s.times_s[k]);
                        if (!std::isfinite(s.values[k])) continue;
                        e.lo = std::min(e.lo, s.values[k]);
                        e.hi = std::max(e.hi, s.values[k]);
                    }
                }
                const TimeUnit unit = time_unit_for(t_max);
                // Panels share their y axis, so regions compare by eye, unless one region's values are
                // so much smaller that its response would be a flat line on the other's scale.
                Range all{INFINITY, -INFINITY};
                double smallest_top = INFINITY;
                for (const Range& e : extent) {
                    all.lo = std::min(all.lo, e.lo), all.hi = std::max(all.hi, e.hi);
                    smallest_top = std::min(smallest_top, std::max(std::abs(e.lo), std::abs(e.hi)));
                }
                const bool shared_y = !(all.hi > separate_axes_ratio * smallest_top);
                // Concentrations read best from zero unless the curves live far from it.
                const auto axis_range = [](const Range& e) { return padded_range(e.lo, e.hi, e.lo >= 0 && e.lo <= 0.3 * e.hi); };

                Figure figure;
                figure.file_name = "time_course_" + file_safe(observable) + spec.file_suffix + ".svg";
                figure.title = fmt::format("{}: time course", short_name);
                SvgDocument svg(figure_width, figure_height, figure.title);
                svg.element("rect", {{"width", "100%"}, {"height", "100%"}, {"fill", "#ffffff"}});
                std::string subtitle = quantity.name == observable ? "" : observable + "; ";
                if (!spec.description.empty()) subtitle += spec.description + "; ";
                if (!name_detail.empty()) subtitle += name_detail + "; ";
                subtitle += fmt::format("unit {}; scenario {}", quantity.unit.empty() ? "unknown" : quantity.unit, results.scenario_name);
                draw_title(svg, figure.title, subtitle);

                bool shortened_legend = false;
                const std::vector<LegendEntry> legend = legend_for(styles, runs, shortened_legend);
                const double legend_space = legend_width(legend);
                const double n = static_cast<double>(regions.size());
                const double panel_width = (figure_width - left_margin - legend_space - (n - 1) * panel_gap) / n;
                for (std::size_t p = 0; p < regions.size(); ++p) {
                    Panel panel;
                    panel.x = left_margin + static_cast<double>(p) * (panel_width + panel_gap);
                    panel.y = panel_top;
                    panel.width = panel_width;
                    panel.height = figure_height - panel_top - bottom_margin;
                    panel.x_scale = {0, t_max > 0 ? t_max / unit.seconds : 1, panel.x, panel.x + panel.width, false};
                    const Range y = axis_range(shared_y ? all : extent[p]);
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
                const double legend_x = figure_width - legend_space + 16;
                double at = panel_top + draw_legend(svg, legend_x, panel_top, legend);
                const auto note = [&](const std::string& text, const char* colour) {
                    at += 26;
                    svg.text_element("text", {{"class", "legend-note"}, {"x", svg_number(legend_x)}, {"y", svg_number(at)},
                                              {"font-size", svg_number(FontSizes::annotation)}, {"fill", colour}},
                                     text);
                };
                if (shortened_legend) note("darker: higher dose", "#444444");
                if (!shared_y) note("y axes differ by region", "#b2182b");
                figure.svg = svg.finish();
                figures.push_back(std::move(figure));
            }
        }
    }
    return figures;
}

}  // namespace ntsim::viz
