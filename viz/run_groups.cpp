// Splitting runs into figures, panels and series for the plots.
#include "viz/run_groups.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "viz/csv.hpp"
#include "viz/plot_frame.hpp"

namespace ntsim::viz {

namespace {

constexpr const char* vehicle = "vehicle";

std::string dose_text(double dose) { return format_dose(dose) + " mg/kg"; }

}  // namespace

const std::vector<std::string>& within_figure_columns() {
    static const std::vector<std::string> columns{"region", "compound", "dose_mg_per_kg", "route"};
    return columns;
}

std::vector<RunGroup> group_runs(const Results& results, const std::vector<std::string>& free_columns) {
    std::vector<std::size_t> key_columns;
    for (std::size_t c = 0; c < results.axis_columns.size(); ++c) {
        const auto& name = results.axis_columns[c];
        if (std::find(free_columns.begin(), free_columns.end(), name) != free_columns.end()) continue;
        if (results.distinct(name).size() > 1) key_columns.push_back(c);
    }
    std::vector<RunGroup> groups;
    std::map<std::vector<std::string>, std::size_t> index;
    for (const auto& run : results.runs) {
        std::vector<std::string> key;
        for (std::size_t c : key_columns) key.push_back(run.labels[c]);
        auto [it, added] = index.try_emplace(key, groups.size());
        if (added) {
            RunGroup g;
            for (std::size_t i = 0; i < key_columns.size(); ++i) {
                const auto& column = results.axis_columns[key_columns[i]];
                g.description += fmt::format("{}{} = {}", g.description.empty() ? "" : ", ", column, key[i]);
                g.file_suffix += "_" + file_safe(column) + "-" + file_safe(key[i]);
            }
            groups.push_back(std::move(g));
        }
        groups[it->second].runs.push_back(run.index);
    }
    return groups;
}

std::vector<std::string> regions_of(const Results& results, const std::vector<std::size_t>& runs) {
    std::vector<std::string> regions;
    for (std::size_t r : runs) {
        const std::string& region = results.label(r, "region");
        if (std::find(regions.begin(), regions.end(), region) == regions.end()) regions.push_back(region);
    }
    return regions;
}

SeriesStyles::SeriesStyles(const Results& results) : results_(results) {
    std::map<std::string, std::vector<std::string>> routes;
    for (const auto& run : results.runs) {
        const std::string& compound = results.label(run.index, "compound");
        if (compound.empty() || compound == vehicle) continue;
        auto it = std::find(compounds_.begin(), compounds_.end(), compound);
        if (it == compounds_.end()) {
            compounds_.push_back(compound);
            doses_.emplace_back();
            it = compounds_.end() - 1;
        }
        auto& doses = doses_[static_cast<std::size_t>(it - compounds_.begin())];
        const double dose = csv_number(results.label(run.index, "dose_mg_per_kg"));
        if (std::find(doses.begin(), doses.end(), dose) == doses.end()) doses.push_back(dose);
        auto& r = routes[compound];
        const std::string& route = results.label(run.index, "route");
        if (std::find(r.begin(), r.end(), route) == r.end()) r.push_back(route);
    }
    for (auto& d : doses_) std::sort(d.begin(), d.end());
    for (const auto& [compound, r] : routes) routes_vary_ = routes_vary_ || r.size() > 1;
}

SeriesStyle SeriesStyles::style(std::size_t run) const {
    SeriesStyle s;
    s.compound = results_.label(run, "compound");
    if (s.compound.empty() || s.compound == vehicle) {
        s.vehicle = true;
        s.label = vehicle;
        s.colour = vehicle_colour;
        s.compound = vehicle;
        s.compound_label = vehicle;
        return s;
    }
    const auto c = static_cast<std::size_t>(std::find(compounds_.begin(), compounds_.end(), s.compound) - compounds_.begin());
    s.dose_mg_per_kg = csv_number(results_.label(run, "dose_mg_per_kg"));
    const auto& doses = doses_[c];
    const auto d = static_cast<std::size_t>(std::find(doses.begin(), doses.end(), s.dose_mg_per_kg) - doses.begin());
    // Higher doses darker: the lowest of n doses is 60 % of the way to white.
    const double lightness = doses.size() > 1 ? 0.6 * static_cast<double>(doses.size() - 1 - d) / static_cast<double>(doses.size() - 1) : 0.0;
    s.colour = tint(series_colour(c), lightness);
    s.compound_label = s.compound;
    if (routes_vary_) s.compound_label += fmt::format(" ({})", results_.label(run, "route"));
    s.dose_label = dose_text(s.dose_mg_per_kg);
    s.label = fmt::format("{} {}", s.compound, s.dose_label);
    if (routes_vary_) s.label += fmt::format(" ({})", results_.label(run, "route"));
    return s;
}

std::tuple<int, int, double, std::string> SeriesStyles::order(std::size_t run) const {
    const std::string& compound = results_.label(run, "compound");
    if (compound.empty() || compound == vehicle) return {0, 0, 0.0, ""};
    const int c = static_cast<int>(std::find(compounds_.begin(), compounds_.end(), compound) - compounds_.begin());
    return {1, c, csv_number(results_.label(run, "dose_mg_per_kg")), results_.label(run, "route")};
}

std::vector<std::string> observables_to_draw(const Results& results, const std::vector<std::string>& requested) {
    if (requested.empty()) return results.observables;
    for (const auto& o : requested)
        if (std::find(results.observables.begin(), results.observables.end(), o) == results.observables.end()) {
            std::string known;
            for (const auto& k : results.observables) known += (known.empty() ? "" : ", ") + k;
            throw std::invalid_argument(fmt::format("no observable '{}' in {}; known: {}", o, results.directory.string(), known));
        }
    return requested;
}

std::string format_dose(double mg_per_kg) {
    const double a = std::abs(mg_per_kg);
    if (a == 0 || !std::isfinite(a) || a < 1e-4 || a >= 1e6) return fmt::format("{:.3g}", mg_per_kg);
    const int decimals = std::max(0, 2 - static_cast<int>(std::floor(std::log10(a))));
    std::string text = fmt::format("{:.{}f}", mg_per_kg, decimals);
    if (text.find('.') != std::string::npos) {
        while (text.back() == '0') text.pop_back();
        if (text.back() == '.') text.pop_back();
    }
    // Rounding to 3 significant digits without an exponent: 31623 prints as 31600.
    if (decimals == 0) {
        const double scale = std::pow(10.0, std::floor(std::log10(a)) - 2);
        text = fmt::format("{:.0f}", std::round(mg_per_kg / scale) * scale);
    }
    return text;
}

std::string file_safe(const std::string& text) {
    std::string out;
    for (char c : text) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        out += keep ? c : '_';
    }
    return out.empty() ? "_" : out;
}

}  // namespace ntsim::viz
