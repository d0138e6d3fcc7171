// SVG figures of a sweep's results: time courses (regions side by side, compounds overlaid on
// vehicle), dose-response curves with EC50/IC50 marked, and a heat map of fold changes
// (compound x observable x region).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "viz/labels.hpp"
#include "viz/results.hpp"

namespace ntsim::viz {

struct PlotOptions {
    std::vector<std::string> observables;        // the ones to draw; empty: every observable in the results
    std::map<std::string, Quantity> quantities;  // names and units by observable id (from the model), if known
};

struct Figure {
    std::string file_name;   // e.g. "time_course_transcript.svg"
    std::string title;
    std::string svg;
};

// One figure per observable and combination of the axes other than region, compound, dose and
// route (e.g. per schedule); one panel per region, one line per compound and dose, vehicle dashed.
std::vector<Figure> time_course_figures(const Results& results, const PlotOptions& options);

// For sweeps with a dose axis: AUC fold change vs vehicle over dose (log axis), one panel per
// region, one line per compound, the half-maximal dose from ec50.csv marked.
std::vector<Figure> dose_response_figures(const Results& results, const PlotOptions& options);

// AUC fold change vs vehicle as colour: one row per observable, one column per compound and dose,
// one panel per region.
std::vector<Figure> heat_map_figures(const Results& results, const PlotOptions& options);

// All of the above written into `directory` (created if needed); returns the files written.
std::vector<std::filesystem::path> write_plots(const Results& results, const PlotOptions& options,
                                               const std::filesystem::path& directory);

}  // namespace ntsim::viz
