// Dose-response figures: the AUC fold change vs vehicle (the response ntsim's EC50 table is
// computed from) over dose on a log axis, with the half-maximal dose from ec50.csv marked.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "viz/csv.hpp"
#include "viz/plot_frame.hpp"
#include "viz/plots.hpp"
#include "viz/run_groups.hpp"

namespace ntsim::viz {

namespace {

constexpr const char* response_metric = "auc_fold_change";
constexpr double left_margin = 120, panel_top = 150, bottom_margin = 100, panel_gap = 105;

// The runs of one compound (and route) in one region, at increasing positive doses.
struct DoseSeries {
    std::size_t first_run = 0;
    std::vector<double> doses, responses;
    std::optional<double> half_maximal_dose;
};

std::optional<double> half_maximal(const Results& results, std::size_t first_run, const std::string& observable) {
    for (const auto& h : results.half_maximal)
        if (h.observable == observable && h.labels == results.runs[first_run].labels) return h.dose_mg_per_kg;
    return std::nullopt;
}

// Response on the curve at `dose`, interpolated linearly in log dose.
double response_at(const DoseSeries& s, double dose) {
    for (std::size_t i = 0; i + 1 < s.doses.size(); ++i) {
        if (dose >= s.doses[i] && dose <= s.doses[i + 1]) {
            const double f = (std::log(dose) - std::log(s.doses[i])) / (std::log(s.doses[i + 1]) - std::log(s.doses[i]));
            return s.responses[i] + f * (s.responses[i + 1] - s.responses[i]);
        }
    }
    return NAN;
}

std::string half_maximal_text(const DoseSeries& s) {
    const bool rising = s.responses.back() >= s.responses.front();
    return fmt::format("{} {:.3g} mg/kg", rising ? "EC50" : "IC50", *s.half_maximal_dose);
}

// The half-maximal dose on a curve: a dotted drop line to the dose axis, a diamond on the curve,
// and (when it is the panel's only one, so labels cannot collide) its value beside it.
void draw_half_maximal(SvgDocument& svg, const Panel& panel, const DoseSeries& s, const std::string& colour, bool with_label) {
    const double d = *s.half_maximal_dose;
    const double level = response_at(s, d);
    const double px = panel.x_scale(d), py = std::isfinite(level) ? panel.y_scale(level) : panel.y + panel.height / 2;
    svg.element("line", {{"class", "ec50-line"}, {"x1", svg_number(px)}, {"y1", svg_number(py)}, {"x2", svg_number(px)},
                         {"y2", svg_number(panel.y + panel.height)}, {"stroke", colour}, {"stroke-width", "2"}, {"stroke-dasharray", "4 4"}});
    svg.element("path", {{"class", "ec50-marker"}, {"d", fmt::format("M{} {}l9 9l-9 9l-9 -9z", svg_number(px), svg_number(py - 9))},
                         {"fill", "#ffffff"}, {"stroke", colour}, {"stroke-width", "3"}});
    if (!with_label) return;
    const bool rising = s.responses.back() >= s.responses.front();
    const bool right_side = px < panel.x + panel.width * 0.6;
    svg.text_element("text", {{"class", "ec50-label"}, {"x", svg_number(px + (right_side ? 14 : -14))}, {"y", svg_number(py + (rising ? -14 : 28))},
                              {"font-size", svg_number(FontSizes::annotation)}, {"font-weight", "bold"},
                              {"text-anchor", right_side ? "start" : "end"}, {"fill", colour}},
                     half_maximal_text(s));
}

}  // namespace

std::vector<Figure> dose_response_figures(const Results& results, const PlotOptions& options) {
    std::vector<Figure> figures;
    if (!results.axis("dose_mg_per_kg")) return figures;
    const SeriesStyles styles(results);
    const auto groups = group_runs(results, within_figure_columns());
    for (const auto& observable : observables_to_draw(results, options.observables)) {
        const Quantity quantity = quantity_or_id(options.quantities, observable);
        for (const auto& group : groups) {
            // (region, compound, route) -> series, in sweep order.
            std::vector<std::pair<std::tuple<std::string, std::string, std::string>, DoseSeries>> series;
            std::vector<std::size_t> treated;
            for (std::size_t r : group.runs) {
                const double dose = csv_number(results.label(r, "dose_mg_per_kg"));
                if (styles.style(r).vehicle || !(dose > 0)) continue;
                treated.push_back(r);
            }
            std::stable_sort(treated.begin(), treated.end(), [&](std::size_t a, std::size_t b) { return styles.order(a) < styles.order(b); });
            for (std::size_t r : treated) {
                const auto key = std::make_tuple(results.label(r, "region"), results.label(r, "compound"), results.label(r, "route"));
                auto it = std::find_if(series.begin(), series.end(), [&](const auto& s) { return s.first == key; });
                if (it == series.end()) {
                    series.push_back({key, DoseSeries{r, {}, {}, half_maximal(results, r, observable)}});
                    it = series.end() - 1;
                }
                const SummaryRecord* row = results.summary_row(r, observable);
                const auto metric = row ? row->metrics.find(response_metric) : std::map<std::string, double>::const_iterator{};
                it->second.doses.push_back(csv_number(results.label(r, "dose_mg_per_kg")));
                it->second.responses.push_back(row && metric != row->metrics.end() ? metric->second : NAN);
            }
            // A response that is NaN everywhere (a species absent under vehicle has no fold change) has no curve to draw.
            const auto drawable = [](const auto& s) {
                return s.second.doses.size() >= 2 &&
                       std::count_if(s.second.responses.begin(), s.second.responses.end(), [](double v) { return std::isfinite(v); }) >= 2;
            };
            if (std::none_of(series.begin(), series.end(), drawable)) continue;

            double d_lo = INFINITY, d_hi = 0, y_lo = 1, y_hi = 1;  // the vehicle level 1 is always shown
            for (const auto& [key, s] : series) {
                for (std::size_t i = 0; i < s.doses.size(); ++i) {
                    d_lo = std::min(d_lo, s.doses[i]);
                    d_hi = std::max(d_hi, s.doses[i]);
                    if (!std::isfinite(s.responses[i])) continue;
                    y_lo = std::min(y_lo, s.responses[i]);
                    y_hi = std::max(y_hi, s.responses[i]);
                }
            }
            const Range x = padded_range(d_lo, d_hi, false, true);
            const Range y = padded_range(y_lo, y_hi, false);

            Figure figure;
            figure.file_name = "dose_response_" + file_safe(observable) + group.file_suffix + ".svg";
            const auto [short_name, name_detail] = title_and_detail(quantity.name);
            figure.title = fmt::format("{}: dose\u2013response", short_name);
            SvgDocument svg(figure_width, figure_height, figure.title);
            svg.element("rect", {{"width", "100%"}, {"height", "100%"}, {"fill", "#ffffff"}});
            std::string subtitle = quantity.name == observable ? "" : observable + ": ";
            if (!name_detail.empty()) subtitle += name_detail + "; ";
            subtitle += fmt::format("area under the curve, treated / matching vehicle run; scenario {}", results.scenario_name);
            if (!group.description.empty()) subtitle += "; " + group.description;
            draw_title(svg, figure.title, subtitle);

            std::vector<std::size_t> panel_runs;
            for (const auto& [key, s] : series) panel_runs.push_back(s.first_run);
            const auto regions = regions_of(results, panel_runs);
            const double n = static_cast<double>(regions.size());
            // One legend entry per compound, its half-maximal doses (by region) on a second line:
            // beside the curves, several markers' labels would collide.
            std::vector<LegendEntry> legend;
            for (const auto& [key, s] : series) {
                const std::string label = std::get<1>(key) + (std::get<2>(key).empty() ? "" : " (" + std::get<2>(key) + ")");
                auto entry = std::find_if(legend.begin(), legend.end(), [&](const LegendEntry& e) { return e.label == label; });
                if (entry == legend.end()) {
                    legend.push_back({label, series_colour(static_cast<std::size_t>(std::get<1>(styles.order(s.first_run)))), false, true, {}});
                    entry = legend.end() - 1;
                }
                if (s.half_maximal_dose)
                    entry->details.push_back((std::get<0>(key).empty() ? "" : std::get<0>(key) + ": ") + half_maximal_text(s));
            }
            legend.push_back({"vehicle (= 1)", vehicle_colour, true, false, {}});
            const double legend_space = legend_width(legend);
            const double panel_width = (figure_width - left_margin - legend_space - (n - 1) * panel_gap) / n;
            std::vector<int> marked_in_panel(regions.size(), 0);
            for (const auto& [key, s] : series)
                if (s.half_maximal_dose)
                    ++marked_in_panel[static_cast<std::size_t>(std::find(regions.begin(), regions.end(), std::get<0>(key)) - regions.begin())];
            for (std::size_t p = 0; p < regions.size(); ++p) {
                Panel panel;
                panel.x = left_margin + static_cast<double>(p) * (panel_width + panel_gap);
                panel.y = panel_top;
                panel.width = panel_width;
                panel.height = figure_height - panel_top - bottom_margin;
                panel.x_scale = {x.lo, x.hi, panel.x, panel.x + panel.width, true};
                panel.y_scale = {y.lo, y.hi, panel.y + panel.height, panel.y, false};
                svg.open("g", {{"class", "panel"}, {"data-panel", regions[p]}});
                draw_axes(svg, panel, "dose (mg/kg, log scale)", "AUC fold change vs vehicle", regions[p]);
                const double one = panel.y_scale(1.0);
                svg.element("line", {{"class", "reference"}, {"x1", svg_number(panel.x)}, {"y1", svg_number(one)},
                                     {"x2", svg_number(panel.x + panel.width)}, {"y2", svg_number(one)}, {"stroke", vehicle_colour},
                                     {"stroke-width", "2"}, {"stroke-dasharray", "9 6"}});
                for (const auto& [key, s] : series) {
                    if (std::get<0>(key) != regions[p]) continue;
                    // One line per compound in its full colour (the time courses shade by dose instead).
                    SeriesStyle style;
                    style.label = std::get<1>(key) + (std::get<2>(key).empty() ? "" : " (" + std::get<2>(key) + ")");
                    style.colour = series_colour(static_cast<std::size_t>(std::get<1>(styles.order(s.first_run))));
                    svg.open("g", {{"class", "dose-series"}, {"data-series", style.label}});
                    svg.element("path", {{"class", "series"}, {"data-series", style.label}, {"d", path_data(panel, s.doses, s.responses)},
                                         {"fill", "none"}, {"stroke", style.colour}, {"stroke-width", "3.5"}});
                    for (std::size_t i = 0; i < s.doses.size(); ++i) {
                        if (!std::isfinite(s.responses[i])) continue;
                        svg.element("circle", {{"class", "dose-point"}, {"cx", svg_number(panel.x_scale(s.doses[i]))},
                                               {"cy", svg_number(panel.y_scale(s.responses[i]))}, {"r", "6.5"}, {"fill", style.colour},
                                               {"stroke", "#ffffff"}, {"stroke-width", "1.5"}});
                    }
                    if (s.half_maximal_dose) draw_half_maximal(svg, panel, s, style.colour, marked_in_panel[p] == 1);
                    svg.close();
                }
                svg.close();
            }
            const double legend_x = figure_width - legend_space + 16;
            const double at = panel_top + draw_legend(svg, legend_x, panel_top, legend) + 26;
            svg.text_element("text", {{"class", "legend-note"}, {"x", svg_number(legend_x)}, {"y", svg_number(at)},
                                      {"font-size", svg_number(FontSizes::annotation)}, {"fill", "#444444"}},
                             "\u25c7 half-maximal dose");
            figure.svg = svg.finish();
            figures.push_back(std::move(figure));
        }
    }
    return figures;
}

}  // namespace ntsim::viz
