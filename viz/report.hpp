// The interactive report: one self-contained HTML page (scripts, styles and data inlined, nothing
// fetched when it opens) showing the network with species coloured by fold over their starting
// value at the time on a slider, per run of the sweep, with time courses and the expectations.
#pragma once

#include <filesystem>
#include <string>

#include "models/model.hpp"
#include "viz/results.hpp"

namespace ntsim::viz {

struct ReportOptions {
    std::string layout_engine;   // "modules" or a Graphviz engine for node positions; empty: default_network_layout
};

// `model` is the model the sweep ran (pathway and compounds, as the scenario loads it).
std::string report_html(const models::Model& model, const Results& results, const SpeciesStates& states,
                        const ReportOptions& options = {});

void write_report(const models::Model& model, const Results& results, const SpeciesStates& states,
                  const std::filesystem::path& file, const ReportOptions& options = {});

}  // namespace ntsim::viz
