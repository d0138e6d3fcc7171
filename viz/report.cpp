// Building the report page: the network laid out by Graphviz, the sweep's runs and every
// species' states as one JSON document, inlined with the scripts into the page template.
#include "viz/report.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/network.hpp"
#include "models/xml_escape.hpp"
#include "viz/compound_marks.hpp"
#include "viz/network_layout.hpp"
#include "viz/report_assets.hpp"

namespace ntsim::viz {

namespace {

using nlohmann::json;

// Values in the page keep 4 significant digits: colours and a time-course chart cannot show
// more, and it keeps the page of a 1000-species sweep to a few megabytes.
constexpr int significant_digits = 4;

json rounded(double v) {
    if (!std::isfinite(v)) return nullptr;
    return std::stod(fmt::format("{:.{}g}", v, significant_digits));
}

std::string role_name(models::EdgeRole role) { return models::to_string(role); }

json network_json(const models::Model& model, const SpeciesStates& states, const ReportOptions& options) {
    const models::Network network(model);
    const auto& g = network.graph();
    const CompoundMarks marks = compound_marks(network);
    const std::string engine = options.layout_engine.empty() ? default_network_layout(network) : options.layout_engine;
    const GraphLayout layout = layout_network(network, engine);

    std::map<std::string, int> state_index;
    for (std::size_t i = 0; i < states.species.size(); ++i) state_index[states.species[i]] = static_cast<int>(i);

    json nodes = json::array();
    for (auto [v, end] = boost::vertices(g); v != end; ++v) {
        const auto& node = g[*v];
        const std::string id = network.label(*v);
        const auto at = layout.nodes.find(id);
        if (at == layout.nodes.end()) throw std::runtime_error(fmt::format("Graphviz placed no node '{}'", id));
        json n{{"id", id}, {"x", std::round(at->second.x * 10) / 10}, {"y", std::round(-at->second.y * 10) / 10}};
        if (node.kind == models::NodeKind::species) {
            const auto& s = model.species[node.index];
            const auto state = state_index.find(s.id);
            n["kind"] = "species";
            n["name"] = s.name;
            n["module"] = s.module;
            n["compartment"] = model.compartments[s.compartment].id;
            n["w"] = std::round(at->second.width);
            n["h"] = std::round(at->second.height);
            n["state"] = state == state_index.end() ? -1 : state->second;
            if (s.constant) n["constant"] = true;
            if (marks.drivers.count(node.index)) n["driver"] = true;
            if (marks.module_compound.count(s.module)) n["compound"] = marks.module_compound.at(s.module);
        } else {
            const auto& r = model.reactions[node.index];
            n["kind"] = "reaction";
            n["module"] = r.module;
            if (marks.target_reactions.count(node.index)) n["targeted"] = true;
        }
        nodes.push_back(std::move(n));
    }
    // Module boxes as Graphviz drew them (dot's clusters, or the packed modules), y flipped like the nodes.
    json modules = json::array();
    for (const auto& c : layout.clusters) {
        const auto compound = marks.module_compound.find(c.name);
        const bool is_compound = compound != marks.module_compound.end() || c.label.rfind("compound: ", 0) == 0;
        json box{{"label", compound != marks.module_compound.end() ? "compound: " + compound->second : c.label},
                 {"x0", std::round(c.x0)}, {"y0", std::round(-c.y1)}, {"x1", std::round(c.x1)}, {"y1", std::round(-c.y0)}};
        if (is_compound) box["compound"] = true;
        modules.push_back(std::move(box));
    }
    json edges = json::array();
    std::size_t e_index = 0;
    for (auto [e, end] = boost::edges(g); e != end; ++e, ++e_index) {
        json edge{{"s", static_cast<std::size_t>(boost::source(*e, g))},
                  {"t", static_cast<std::size_t>(boost::target(*e, g))},
                  {"role", role_name(g[*e].role)}};
        if (const models::Effect* effect = marks.edge_effect[e_index])
            edge["effect"] = fmt::format("{} {} {}", effect->compound, effect_verb(effect->kind), model.parameters[effect->target].id);
        edges.push_back(std::move(edge));
    }
    return {{"engine", engine}, {"nodes", std::move(nodes)}, {"edges", std::move(edges)},
            {"modules", std::move(modules)}};
}

json runs_json(const Results& results, const SpeciesStates& states) {
    json runs = json::array();
    for (const auto& run : results.runs) {
        json r{{"labels", run.labels}, {"ok", run.ok}};
        if (run.vehicle_run) r["vehicle"] = *run.vehicle_run;
        if (!run.message.empty()) r["message"] = run.message;
        if (run.index < states.runs.size() && !states.runs[run.index].times_s.empty()) {
            const auto& s = states.runs[run.index];
            json times = json::array();
            for (double t : s.times_s) times.push_back(rounded(t));
            json values = json::array();
            for (const auto& series : s.values_nm) {
                json v = json::array();
                for (double x : series) v.push_back(rounded(x));
                values.push_back(std::move(v));
            }
            r["t"] = std::move(times);
            r["v"] = std::move(values);
        }
        runs.push_back(std::move(r));
    }
    return runs;
}

json expectations_json(const Results& results) {
    json out = json::array();
    for (const auto& e : results.expectations)
        out.push_back({{"id", e.id}, {"held", e.held}, {"measured", rounded(e.measured)}, {"op", e.op},
                       {"compared_with", rounded(e.compared_with)}, {"claim", e.claim}, {"source", e.source}, {"detail", e.detail}});
    return out;
}

// JSON inside <script> must not contain "</" (it could close the element); "<\/" is the same string.
// Entities are not decoded inside <script>, so this is a separate rule from xml_escape for text.
std::string script_safe(std::string text) {
    for (std::size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 3)) text.replace(at, 2, "<\\/");
    return text;
}

// Replaces each @NAME@ of the template once, without rescanning what was inserted.
std::string fill_template(std::string_view page, const std::map<std::string, std::string>& values) {
    std::string out;
    std::size_t at = 0;
    while (true) {
        const std::size_t open = page.find('@', at);
        if (open == std::string_view::npos) break;
        const std::size_t close = page.find('@', open + 1);
        if (close == std::string_view::npos) break;
        const auto it = values.find(std::string(page.substr(open + 1, close - open - 1)));
        if (it == values.end()) {
            out += page.substr(at, open + 1 - at);
            at = open + 1;
            continue;
        }
        out += page.substr(at, open - at);
        out += it->second;
        at = close + 1;
    }
    out += page.substr(at);
    return out;
}

}  // namespace

std::string report_html(const models::Model& model, const Results& results, const SpeciesStates& states, const ReportOptions& options) {
    json data{{"scenario", results.scenario_name},
              {"scenario_file", results.scenario_file},
              {"model", model.name},
              {"ntsim_version", results.ntsim_version},
              {"axes", results.axis_columns},
              {"runs", runs_json(results, states)},
              {"species_with_states", states.species},
              {"expectations", expectations_json(results)},
              {"network", network_json(model, states, options)}};
    const std::string title = fmt::format("ntsim report: {}", results.scenario_name);
    return fill_template(report_asset("report.html"),
                         {{"TITLE", models::xml_escape(title)},
                          {"UPLOT_CSS", std::string(report_asset("uplot.css"))},
                          {"REPORT_CSS", std::string(report_asset("report.css"))},
                          {"CYTOSCAPE_JS", script_safe(std::string(report_asset("cytoscape.js")))},
                          {"UPLOT_JS", script_safe(std::string(report_asset("uplot.js")))},
                          {"DATA", script_safe(data.dump())},
                          {"REPORT_JS", script_safe(std::string(report_asset("report.js")))},
                          {"LICENSES", models::xml_escape(fmt::format("cytoscape.js\n\n{}\n\nuPlot\n\n{}", report_asset("cytoscape.LICENSE"),
                                                                      report_asset("uplot.LICENSE")))}});
}

void write_report(const models::Model& model, const Results& results, const SpeciesStates& states, const std::filesystem::path& file,
                  const ReportOptions& options) {
    const std::string html = report_html(model, results, states, options);
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << html;
    if (!out) throw std::invalid_argument(fmt::format("cannot write '{}'", file.string()));
}

}  // namespace ntsim::viz
