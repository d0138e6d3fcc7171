// The ntsim command line: parses arguments and calls the models, solver and viz layers.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
    using namespace ntsim::cli;
    CLI::App app{"ntsim: neurotrophin signalling pathway simulator (research and teaching; never dosing advice)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(ntsim_version()));
    int status = 0;

    CheckArgs check;
    auto* check_cmd = app.add_subcommand("check", "Validate a model and summarise it (species, reactions, assumed parameters)");
    check_cmd->add_option("model", check.model, "Model JSON file")->required();
    check_cmd->callback([&] { status = run_check(check); });

    SimulateArgs simulate;
    auto* sim_cmd = app.add_subcommand("simulate", "Integrate a model and write its time course as CSV");
    sim_cmd->add_option("model", simulate.model, "Model JSON file, or a scenario (runs its base run)")->required();
    sim_cmd->add_option("--t-end", simulate.t_end, "End time with unit: 90s, 30min, 2h, 3d")->default_val("1h");
    sim_cmd->add_option("--points", simulate.points, "Number of output times, evenly spaced from 0")->default_val(200)
        ->check(CLI::Range(2, 10'000'000));
    sim_cmd->add_option("-o,--output", simulate.output, "CSV file to write ('-' for standard output)")->default_val("-");
    sim_cmd->add_flag("--equilibrate", simulate.equilibrate, "Start from the model's steady state instead of its initial values");
    add_solver_options(*sim_cmd, simulate.solver);
    sim_cmd->callback([&] { status = run_simulate(simulate); });

    SteadyArgs steady;
    auto* steady_cmd = app.add_subcommand("steady", "Find the model's steady state (Newton, then integration)");
    steady_cmd->add_option("model", steady.model, "Model JSON file")->required();
    steady_cmd->add_option("-o,--output", steady.output, "CSV file to write ('-' for standard output)")->default_val("-");
    steady_cmd->callback([&] { status = run_steady(steady); });

    GraphArgs graph;
    auto* graph_cmd = app.add_subcommand("graph", "Query the species/reaction graph: paths, feedback loops, DOT export");
    graph_cmd->add_option("model", graph.model, "Model JSON file")->required();
    graph_cmd->add_option("--paths", graph.paths, "Paths between two species: --paths BDNF ERK_PP")->expected(2);
    graph_cmd->add_flag("--loops", graph.loops, "List feedback loops (directed cycles through modifiers)");
    graph_cmd->add_option("--upstream", graph.upstream, "Species that can influence this species");
    graph_cmd->add_option("--downstream", graph.downstream, "Species this species can influence");
    graph_cmd->add_option("--max", graph.max_results, "Most paths or loops to list")->default_val(20);
    graph_cmd->add_option("--format", graph.format, "Output format: text or dot")->default_val("text")
        ->check(CLI::IsMember({"text", "dot"}));
    graph_cmd->callback([&] { status = run_graph(graph); });

    DocsArgs docs;
    auto* docs_cmd = app.add_subcommand("docs", "Write a Markdown reference of a model's modules, generated from its JSON files");
    docs_cmd->add_option("model", docs.model, "Model JSON file")->required();
    docs_cmd->add_option("--region", docs.regions, "Region file to document too (repeatable)");
    docs_cmd->add_option("-o,--output", docs.output, "Markdown file to write ('-' for standard output)")->default_val("-");
    docs_cmd->callback([&] { status = run_docs(docs); });

    SweepArgs sweep;
    auto* sweep_cmd = app.add_subcommand("sweep", "Run a scenario's sweep in parallel and write a results directory");
    sweep_cmd->add_option("scenario", sweep.scenario, "Scenario JSON file")->required();
    sweep_cmd->add_option("-o,--output", sweep.output, "Results directory")->required();
    sweep_cmd->add_option("--threads", sweep.threads, "Worker threads (0: all cores)")->default_val(0);
    sweep_cmd->add_flag("--quiet", sweep.quiet, "No progress or per-run messages");
    sweep_cmd->add_flag("--no-trajectories", sweep.no_trajectories, "Write only the summary tables, not trajectories.csv");
    sweep_cmd->add_flag("--states", sweep.states, "Also write states.csv: every species of every run (for ntsim report)");
    sweep_cmd->add_flag("--fail-on-expectations", sweep.fail_on_expectations, "Exit with status 3 if any expectation fails");
    sweep_cmd->add_flag("--resume", sweep.resume, "Continue an interrupted sweep in DIR, skipping finished runs");
    sweep_cmd->add_option("--shard", sweep.shard, "Run only shard K of N (K/N, e.g. 0/4) into DIR; combine with ntsim merge");
    add_solver_options(*sweep_cmd, sweep.solver);
    sweep_cmd->callback([&] { status = run_sweep(sweep); });

    MergeArgs merge;
    auto* merge_cmd = app.add_subcommand("merge", "Combine the shard directories of one sweep into one results directory");
    merge_cmd->add_option("shards", merge.shards, "Shard directories (one per shard)")->required();
    merge_cmd->add_option("-o,--output", merge.output, "Results directory")->required();
    merge_cmd->add_flag("--quiet", merge.quiet, "No per-run messages");
    merge_cmd->callback([&] { status = run_merge(merge); });

    add_viz_commands(app, status);

    ConvertArgs convert;
    auto* convert_cmd = app.add_subcommand("convert", "Write a model (JSON or SBML) as SBML Level 3 Version 2 (.xml) or ntsim JSON (.json)");
    convert_cmd->add_option("input", convert.input, "Model file (JSON or SBML), or a scenario (its base run with doses as events)")->required();
    convert_cmd->add_option("output", convert.output, "File to write: .xml (SBML) or .json")->required();
    convert_cmd->add_option("--region", convert.region, "Scenario input: export the base run in this region");
    convert_cmd->callback([&] { status = run_convert(convert); });

    SbmlSuiteArgs suite;
    auto* suite_cmd = app.add_subcommand("sbml-suite", "Run SBML Test Suite cases (folders NNNNN with model, settings, results)");
    suite_cmd->add_option("directory", suite.directory, "Folder holding the case folders")->required();
    suite_cmd->add_option("--cases", suite.cases, "Only these case ids (e.g. 00001 00042)");
    suite_cmd->add_option("--threads", suite.threads, "Worker threads (0: all cores)")->default_val(0);
    suite_cmd->add_flag("--quiet", suite.quiet, "Print only cases that do not pass, and the total");
    suite_cmd->add_option("--min-pass", suite.min_pass, "Exit with status 1 if fewer cases pass")->default_val(0);
    suite_cmd->add_option("--report", suite.report, "Write a Markdown table of non-passing cases by cause");
    suite_cmd->add_flag("--via-json", suite.via_json,
                        "Convert each model to ntsim JSON and simulate the JSON (checks SBML -> JSON conversion)");
    suite_cmd->callback([&] { status = run_sbml_suite(suite); });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return status;
}
