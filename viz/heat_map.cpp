// Heat maps of fold changes: one row per observable, one column per compound and dose, one
// panel per region, coloured by log2 of the AUC fold change vs vehicle.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "viz/plot_frame.hpp"
#include "viz/plots.hpp"
#include "viz/run_groups.hpp"

namespace ntsim::viz {

namespace {

constexpr const char* fold_metric = "auc_fold_change";
// More doses than this per compound and region: the heat map shows each compound's highest dose only.
constexpr std::size_t max_doses_per_compound = 4;
constexpr double label_width = 380, colour_bar_area = 190, panel_gap = 28, top = 96, row_height = 42, column_font = 17,
                 cell_font = 16, rotation_deg = 40;
// Average glyph width of DejaVu Sans as a fraction of the font size, for fitting labels.
constexpr double char_width = 0.6;

double text_width(const std::string& text, double font) { return static_cast<double>(text.size()) * char_width * font; }

struct Column {
    std::string compound;   // "toy_drug, mg/kg": the upper header, spanning the compound's doses
    std::string dose;       // "3": the lower header (or, one column per compound, the label is the header)
    std::string label;      // both, as the series label elsewhere
};

double fold_of(const Results& results, std::size_t run, const std::string& observable) {
    if (const SummaryRecord* row = results.summary_row(run, observable))
        if (auto it = row->metrics.find(fold_metric); it != row->metrics.end()) return it->second;
    return NAN;
}

std::string power_of_two_label(int e) {
    return e >= 0 ? fmt::format("\u00d7{:g}", std::pow(2.0, e)) : fmt::format("\u00d71/{:g}", std::pow(2.0, -e));
}

}  // namespace

std::vector<Figure> heat_map_figures(const Results& results, const PlotOptions& options) {
    std::vector<Figure> figures;
    const SeriesStyles styles(results);
    const auto observables = observables_to_draw(results, options.observables);
    for (const auto& group : group_runs(results, within_figure_columns())) {
        std::vector<std::size_t> treated;
        for (std::size_t r : group.runs)
            if (!styles.style(r).vehicle) treated.push_back(r);
        if (treated.empty() || observables.empty()) continue;
        std::stable_sort(treated.begin(), treated.end(), [&](std::size_t a, std::size_t b) { return styles.order(a) < styles.order(b); });
        const auto regions = regions_of(results, treated);

        // With many doses a column per dose is too narrow to read: each compound's highest dose
        // stands for it (the dose-response figures show every dose).
        std::map<std::string, std::set<double>> doses;
        for (std::size_t r : treated) doses[styles.style(r).compound_label].insert(styles.style(r).dose_mg_per_kg);
        const bool highest_only =
            std::any_of(doses.begin(), doses.end(), [](const auto& d) { return d.second.size() > max_doses_per_compound; });
        std::map<std::string, double> highest_dose;
        for (const auto& [compound, d] : doses) highest_dose[compound] = *d.rbegin();
        if (highest_only)
            treated.erase(std::remove_if(treated.begin(), treated.end(),
                                         [&](std::size_t r) {
                                             const SeriesStyle s = styles.style(r);
                                             return s.dose_mg_per_kg != highest_dose[s.compound_label];
                                         }),
                          treated.end());

        // The same columns in every region panel, in compound then dose order.
        std::vector<Column> columns;
        for (std::size_t r : treated) {
            const SeriesStyle s = styles.style(r);
            if (std::none_of(columns.begin(), columns.end(), [&](const Column& c) { return c.label == s.label; }))
                columns.push_back({s.compound_label + ", mg/kg", format_dose(s.dose_mg_per_kg), s.label});
        }

        // Observables without any fold change (zero under vehicle, e.g. a drug's own concentration)
        // would be rows of n/a: leave them out and say so.
        std::vector<std::string> rows;
        for (const auto& o : observables)
            if (std::any_of(treated.begin(), treated.end(), [&](std::size_t r) { return std::isfinite(fold_of(results, r, o)); }))
                rows.push_back(o);
        if (rows.empty()) continue;
        double largest = 0;
        for (std::size_t r : treated)
            for (const auto& o : rows)
                if (const double f = fold_of(results, r, o); f > 0 && std::isfinite(f)) largest = std::max(largest, std::abs(std::log2(f)));
        const double limit = std::clamp(std::ceil(largest), 1.0, 4.0);  // colour saturates at 2^limit-fold

        const double n = static_cast<double>(regions.size());
        const double panel_width = (figure_width - label_width - colour_bar_area - (n - 1) * panel_gap) / n;
        const double cell_width = panel_width / static_cast<double>(columns.size());
        // One column per compound: one header row of "compound dose"; otherwise compounds over their doses.
        bool single_level = true;
        for (std::size_t c = 1; c < columns.size(); ++c) single_level = single_level && columns[c].compound != columns[c - 1].compound;
        const auto header = [&](const Column& c) { return single_level ? c.label : c.dose; };
        double longest_dose = 0;
        for (const auto& c : columns) longest_dose = std::max(longest_dose, text_width(header(c), column_font));
        const bool rotate = longest_dose > cell_width - 8;
        const double compound_row = top + 68;
        const double dose_row = single_level ? compound_row : compound_row + 30;
        const double grid_top = rotate ? dose_row + longest_dose * std::sin(rotation_deg * M_PI / 180) + 12 : dose_row + 14;
        const double grid_height = row_height * static_cast<double>(rows.size());
        const double bar_height = std::clamp(grid_height, 200.0, 360.0);
        // Notes under the grid: what was left out and why.
        std::vector<std::string> notes;
        if (highest_only) notes.push_back("Each compound at its highest dose; the dose-response figures show every dose.");
        std::string left_out;
        for (const auto& o : observables)
            if (std::find(rows.begin(), rows.end(), o) == rows.end()) left_out += (left_out.empty() ? "" : ", ") + o;
        if (!left_out.empty()) notes.push_back("Left out (zero under vehicle, so no fold change): " + left_out);
        constexpr double note_font = 15, note_line = 22;
        const double height = std::max(grid_top + grid_height + 20 + note_line * static_cast<double>(notes.size()), grid_top + bar_height + 24) + 40;

        Figure figure;
        figure.file_name = "heat_map" + group.file_suffix + ".svg";
        figure.title = "Fold change vs vehicle by compound, observable and region";
        SvgDocument svg(figure_width, height, figure.title);
        svg.element("rect", {{"width", "100%"}, {"height", "100%"}, {"fill", "#ffffff"}});
        std::string subtitle = fmt::format("area under the curve, treated / matching vehicle run; scenario {}", results.scenario_name);
        if (!group.description.empty()) subtitle += "; " + group.description;

        draw_title(svg, figure.title, subtitle);

        // Row labels: the observable's id, and above it in grey its name when the model gives one.
        svg.open("g", {{"class", "row-labels"}});
        constexpr double id_font = 16, name_font = 13;
        const auto fits = [](double font) { return static_cast<std::size_t>((label_width - 24) / (char_width * font)); };
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const Quantity q = quantity_or_id(options.quantities, rows[i]);
            const double middle = grid_top + row_height * (static_cast<double>(i) + 0.5);
            const bool named = q.name != rows[i];
            svg.text_element("text", {{"class", "row-label"}, {"data-observable", rows[i]}, {"x", svg_number(label_width - 12)},
                                      {"y", svg_number(middle + (named ? id_font * 0.9 : id_font * 0.35))},
                                      {"font-size", svg_number(id_font)}, {"text-anchor", "end"}, {"fill", "#111111"}},
                             shorten(rows[i], fits(id_font)));
            if (named)
                svg.text_element("text", {{"class", "row-name"}, {"x", svg_number(label_width - 12)}, {"y", svg_number(middle - 3)},
                                          {"font-size", svg_number(name_font)}, {"text-anchor", "end"}, {"fill", "#555555"}},
                                 shorten(q.name, fits(name_font)));
        }
        svg.close();

        for (std::size_t p = 0; p < regions.size(); ++p) {
            const double x0 = label_width + static_cast<double>(p) * (panel_width + panel_gap);
            svg.open("g", {{"class", "panel"}, {"data-panel", regions[p]}});
            svg.text_element("text", {{"class", "panel-title"}, {"x", svg_number(x0 + panel_width / 2)}, {"y", svg_number(top + 30)},
                                      {"font-size", svg_number(FontSizes::panel_title)}, {"font-weight", "bold"}, {"text-anchor", "middle"},
                                      {"fill", "#111111"}},
                             regions[p].empty() ? "all runs" : regions[p]);
            // Upper header: each compound over the span of its doses, with a bracket line.
            for (std::size_t c = 0; c < columns.size() && !single_level;) {
                std::size_t end = c;
                while (end < columns.size() && columns[end].compound == columns[c].compound) ++end;
                const double left = x0 + cell_width * static_cast<double>(c), right = x0 + cell_width * static_cast<double>(end);
                const auto max_chars = static_cast<std::size_t>(std::max(4.0, (right - left) / (char_width * column_font)));
                svg.text_element("text", {{"class", "compound-label"}, {"x", svg_number((left + right) / 2)}, {"y", svg_number(compound_row)},
                                          {"font-size", svg_number(column_font)}, {"font-weight", "bold"}, {"text-anchor", "middle"},
                                          {"fill", "#111111"}},
                                 shorten(columns[c].compound, max_chars));
                svg.element("line", {{"x1", svg_number(left + 4)}, {"y1", svg_number(compound_row + 8)}, {"x2", svg_number(right - 4)},
                                     {"y2", svg_number(compound_row + 8)}, {"stroke", "#666666"}, {"stroke-width", "1.5"}});
                c = end;
            }
            for (std::size_t c = 0; c < columns.size(); ++c) {
                const double cx = x0 + cell_width * (static_cast<double>(c) + 0.5);
                // Rotated labels end just above their column; horizontal ones sit on the dose row.
                const double y = rotate ? grid_top - 8 : dose_row;
                Attributes a{{"class", "column-label"}, {"x", svg_number(cx)}, {"y", svg_number(y)},
                             {"font-size", svg_number(column_font)}, {"fill", "#111111"}};
                if (rotate) {
                    a.emplace_back("text-anchor", "start");
                    a.emplace_back("transform", fmt::format("rotate(-{} {} {})", rotation_deg, svg_number(cx), svg_number(y)));
                } else {
                    a.emplace_back("text-anchor", "middle");
                }
                svg.text_element("text", a, header(columns[c]));
            }
            for (std::size_t r : treated) {
                if (results.label(r, "region") != regions[p]) continue;
                const std::string column = styles.style(r).label;
                const auto c = static_cast<double>(
                    std::find_if(columns.begin(), columns.end(), [&](const Column& k) { return k.label == column; }) - columns.begin());
                for (std::size_t i = 0; i < rows.size(); ++i) {
                    const double fold = fold_of(results, r, rows[i]);
                    const double log2_fold = fold > 0 ? std::log2(fold) : NAN;
                    const std::string fill = diverging_colour(log2_fold, limit);
                    const double x = x0 + cell_width * c, y = grid_top + row_height * static_cast<double>(i);
                    svg.element("rect", {{"class", "cell"}, {"data-observable", rows[i]}, {"data-column", column},
                                         {"data-value", std::isfinite(fold) ? fmt::format("{:.6g}", fold) : "NaN"},
                                         {"x", svg_number(x + 1)}, {"y", svg_number(y + 1)}, {"width", svg_number(cell_width - 2)},
                                         {"height", svg_number(row_height - 2)}, {"fill", fill}});
                    if (cell_width >= 52)
                        svg.text_element("text", {{"class", "cell-value"}, {"x", svg_number(x + cell_width / 2)},
                                                  {"y", svg_number(y + row_height / 2 + cell_font * 0.35)}, {"font-size", svg_number(cell_font)},
                                                  {"text-anchor", "middle"}, {"fill", text_colour_on(fill)}},
                                         std::isfinite(fold) ? fmt::format("{:.2f}", fold) : "n/a");
                }
            }
            svg.close();
        }

        for (std::size_t i = 0; i < notes.size(); ++i)
            svg.text_element("text", {{"class", "heat-map-note"}, {"x", svg_number(label_width)},
                                      {"y", svg_number(grid_top + grid_height + 30 + note_line * static_cast<double>(i))},
                                      {"font-size", svg_number(note_font)}, {"fill", "#444444"}},
                             shorten(notes[i], static_cast<std::size_t>((figure_width - label_width - colour_bar_area) / (char_width * note_font))));

        // Colour bar: 2^-limit .. 2^limit with a tick per power of two.
        const double bar_x = figure_width - colour_bar_area + 40, bar_top = grid_top;
        svg.open("g", {{"class", "colour-bar"}});
        constexpr int steps = 64;
        for (int k = 0; k < steps; ++k) {
            const double f = 1.0 - (k + 0.5) / steps;  // the largest fold at the top
            svg.element("rect", {{"x", svg_number(bar_x)}, {"y", svg_number(bar_top + bar_height * k / steps)}, {"width", "26"},
                                 {"height", svg_number(bar_height / steps + 0.6)}, {"fill", diverging_colour((2 * f - 1) * limit, limit)}});
        }
        svg.element("rect", {{"x", svg_number(bar_x)}, {"y", svg_number(bar_top)}, {"width", "26"}, {"height", svg_number(bar_height)},
                             {"fill", "none"}, {"stroke", "#333333"}});
        for (int e = -static_cast<int>(limit); e <= static_cast<int>(limit); ++e) {
            const double y = bar_top + bar_height * (1 - (e + limit) / (2 * limit));
            svg.element("line", {{"x1", svg_number(bar_x + 26)}, {"y1", svg_number(y)}, {"x2", svg_number(bar_x + 33)}, {"y2", svg_number(y)},
                                 {"stroke", "#333333"}});
            svg.text_element("text", {{"class", "tick-label"}, {"x", svg_number(bar_x + 38)}, {"y", svg_number(y + 6)},
                                      {"font-size", svg_number(FontSizes::tick)}, {"fill", "#333333"}},
                             power_of_two_label(e));
        }
        svg.text_element("text", {{"class", "axis-label"}, {"x", svg_number(bar_x - 10)}, {"y", svg_number(bar_top - 16)},
                                  {"font-size", svg_number(FontSizes::annotation)}, {"fill", "#111111"}},
                         "fold change");
        svg.text_element("text", {{"class", "legend-note"}, {"x", svg_number(bar_x - 10)}, {"y", svg_number(bar_top + bar_height + 30)},
                                  {"font-size", svg_number(FontSizes::annotation)}, {"fill", "#444444"}},
                         "grey: n/a");
        svg.close();
        figure.svg = svg.finish();
        figures.push_back(std::move(figure));
    }
    return figures;
}

}  // namespace ntsim::viz
