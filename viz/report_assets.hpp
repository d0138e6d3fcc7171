// The files the report inlines, compiled into the library by viz/web/embed_assets.mjs: the page
// template, its script and style, and the pinned cytoscape and uPlot builds from npm.
#pragma once

#include <string_view>

namespace ntsim::viz {

// An asset by name (report.html, report.js, report.css, cytoscape.js, uplot.js, uplot.css,
// cytoscape.LICENSE, uplot.LICENSE); throws std::out_of_range for an unknown name.
std::string_view report_asset(std::string_view name);

}  // namespace ntsim::viz
