// Internal to the plots: how a sweep's runs are split into figures, panels and series. A figure
// holds the runs that agree on every axis but region, compound, dose and route; a panel is a
// region; a series is a compound at one dose (and route), vehicle first.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "viz/results.hpp"

namespace ntsim::viz {

struct RunGroup {
    std::string description;     // "schedule = repeated", or "" when the sweep has one such group
    std::string file_suffix;     // "_schedule-repeated", or ""
    std::vector<std::size_t> runs;
};

// Groups of runs that agree on every column except those in `free_columns`; columns with one
// value in the whole sweep are left out of descriptions.
std::vector<RunGroup> group_runs(const Results& results, const std::vector<std::string>& free_columns);

// The columns a figure varies within itself.
const std::vector<std::string>& within_figure_columns();

// Region labels in sweep order among `runs` ("" if the sweep has no region column).
std::vector<std::string> regions_of(const Results& results, const std::vector<std::size_t>& runs);

struct SeriesStyle {
    std::string label;           // "vehicle", "toy_drug 3 mg/kg"
    std::string compound_label;  // "vehicle", "toy_drug", or "toy_drug (oral)" when routes vary
    std::string dose_label;      // "3 mg/kg"; "" for vehicle
    std::string colour;
    bool vehicle = false;
    std::string compound;
    double dose_mg_per_kg = 0;
};

// Label and colour of a run's line: one hue per compound, darker for higher doses.
class SeriesStyles {
public:
    explicit SeriesStyles(const Results& results);
    SeriesStyle style(std::size_t run) const;
    // Sort key: vehicle first, then compounds in sweep order, then dose.
    std::tuple<int, int, double, std::string> order(std::size_t run) const;

private:
    const Results& results_;
    std::vector<std::string> compounds_;                 // treated compounds in sweep order
    std::vector<std::vector<double>> doses_;             // per compound, ascending
    bool routes_vary_ = false;
};

// `requested` checked against the results (std::invalid_argument listing the known ones), or
// every observable when it is empty.
std::vector<std::string> observables_to_draw(const Results& results, const std::vector<std::string>& requested);

// A dose in mg/kg with 3 significant digits and no exponent from 1e-4 to 1e6: "0.000316", "1000".
std::string format_dose(double mg_per_kg);

// A file-name-safe version of a label: letters, digits, '-', '_' and '.'.
std::string file_safe(const std::string& text);

}  // namespace ntsim::viz
