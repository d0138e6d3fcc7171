// `ntsim viz graph`, `ntsim viz plot` and `ntsim report`: argument parsing for the viz layer, and
// finding the model a results directory was computed with (through its scenario file).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "models/models.hpp"
#include "scenarios/scenarios.hpp"
#include "viz/viz.hpp"

namespace ntsim::cli {

namespace {

struct VizGraphArgs {
    std::string model;
    std::vector<std::string> compounds;
    std::string output;
    std::string layout;
    bool no_key = false;
};

struct VizPlotArgs {
    std::string results;
    std::string output;
    std::vector<std::string> observables;
};

struct ReportArgs {
    std::string results;
    std::string output;
    std::string layout;
};

// The scenario the results came from, loaded again; warns if it changed since the sweep.
scenarios::Scenario scenario_of(const viz::Results& results) {
    scenarios::Scenario scenario = scenarios::load_scenario(results.scenario_file);
    if (!results.scenario_hash.empty() && scenarios::file_hash(results.scenario_file) != results.scenario_hash)
        std::cerr << fmt::format("warning: {} changed since the sweep wrote {}; names and the network come from the current file\n",
                                 results.scenario_file, results.directory.string());
    return scenario;
}

int run_viz_graph(const VizGraphArgs& args) {
    return guarded([&] {
        std::vector<std::filesystem::path> files{args.model};
        files.insert(files.end(), args.compounds.begin(), args.compounds.end());
        const models::Model model = models::load(files);
        const models::Network network(model);
        const viz::GraphFormat format = viz::graph_format_for(args.output);
        std::string how = "DOT text";
        if (format == viz::GraphFormat::dot) {
            std::ofstream out(args.output);
            out << viz::to_dot(network);
            if (!out) throw std::invalid_argument(fmt::format("cannot write '{}'", args.output));
        } else {
            const std::string engine = args.layout.empty() ? viz::default_network_layout(network) : args.layout;
            viz::render_network(network, format, engine, !args.no_key, args.output);
            how = engine == "modules" ? "modules laid out one by one with Graphviz dot" : fmt::format("Graphviz {} layout", engine);
        }
        std::cout << fmt::format("wrote {} ({} species, {} reactions, {} compounds; {})\n", args.output, model.species.size(),
                                 model.reactions.size(), model.compounds.size(), how);
        return 0;
    });
}

int run_viz_plot(const VizPlotArgs& args) {
    return guarded([&] {
        const viz::Results results = viz::read_results(args.results);
        viz::PlotOptions options;
        options.observables = args.observables;
        try {
            options.quantities = viz::observable_quantities(scenario_of(results).model);
        } catch (const std::exception& e) {
            // The figures still draw from the tables alone, with ids for names and no units.
            std::cerr << fmt::format("warning: cannot load the scenario for names and units: {}\n", e.what());
        }
        const auto written = viz::write_plots(results, options, args.output);
        for (const auto& file : written) std::cout << file.string() << '\n';
        std::cout << fmt::format("{} figures written to {}\n", written.size(), args.output);
        return 0;
    });
}

int run_report(const ReportArgs& args) {
    return guarded([&] {
        const viz::Results results = viz::read_results(args.results);
        const viz::SpeciesStates states = viz::read_states(results);
        const scenarios::Scenario scenario = scenario_of(results);
        viz::write_report(scenario.model, results, states, args.output, {args.layout});
        std::cout << fmt::format("report written to {} ({} species, {} runs); open it in a browser, it works offline\n",
                                 args.output, scenario.model.species.size(), results.runs.size());
        return 0;
    });
}

}  // namespace

void add_viz_commands(CLI::App& app, int& status) {
    auto* viz_cmd = app.add_subcommand("viz", "Draw a model's network or a sweep's results");
    viz_cmd->require_subcommand(1);

    auto graph = std::make_shared<VizGraphArgs>();
    auto* graph_cmd = viz_cmd->add_subcommand("graph", "Pathway diagram with Graphviz: species and reactions clustered by module");
    graph_cmd->add_option("model", graph->model, "Model JSON file")->required();
    graph_cmd->add_option("--compound", graph->compounds, "Compound files to load with the model (marks their targets)");
    graph_cmd->add_option("-o,--output", graph->output, "Output file: .svg, .png or .dot")->required();
    graph_cmd->add_option("--layout", graph->layout, "Layout: dot (whole network), modules (each module with dot, packed in rows), or Graphviz's sfdp, neato, fdp; default: dot up to 600 species + reactions, modules beyond")
        ->check(CLI::IsMember({"dot", "modules", "sfdp", "neato", "fdp"}));
    graph_cmd->add_flag("--no-key", graph->no_key, "Leave out the key of node and edge styles");
    graph_cmd->callback([graph, &status] { status = run_viz_graph(*graph); });

    auto plot = std::make_shared<VizPlotArgs>();
    auto* plot_cmd = viz_cmd->add_subcommand("plot", "SVG figures of a results directory: time courses, dose-response, heat map");
    plot_cmd->add_option("results", plot->results, "Results directory written by ntsim sweep")->required();
    plot_cmd->add_option("-o,--output", plot->output, "Directory for the figures")->required();
    plot_cmd->add_option("--observable", plot->observables, "Observables to draw (repeatable; default: all)");
    plot_cmd->callback([plot, &status] { status = run_viz_plot(*plot); });

    auto report = std::make_shared<ReportArgs>();
    auto* report_cmd = app.add_subcommand("report", "Interactive HTML page of a sweep (needs ntsim sweep --states): one offline file");
    report_cmd->add_option("results", report->results, "Results directory written by ntsim sweep --states")->required();
    report_cmd->add_option("-o,--output", report->output, "HTML file to write")->required();
    report_cmd->add_option("--layout", report->layout, "Node positions: dot, modules, sfdp, neato or fdp (as for viz graph)")
        ->check(CLI::IsMember({"dot", "modules", "sfdp", "neato", "fdp"}));
    report_cmd->callback([report, &status] { status = run_report(*report); });
}

}  // namespace ntsim::cli
