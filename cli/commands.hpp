// The ntsim subcommands: argument structs filled by CLI11 and the functions that run them.
// Each returns the process exit status: 0 success, 1 failed run, 2 bad input.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "solver/solver.hpp"

namespace ntsim::cli {

const char* ntsim_version();

struct SolverArgs {
    double rtol = 1e-6;
    double atol = 1e-9;
    std::string linear_solver = "automatic";
    long max_steps = 1'000'000;
    long max_run_steps = 10'000'000;
    double max_run_seconds = 0.0;
    bool allow_negative_states = false;
};
void add_solver_options(CLI::App& command, SolverArgs& args);
solver::SolverOptions to_options(const SolverArgs& args);

struct CheckArgs {
    std::string model;
};
int run_check(const CheckArgs& args);

struct SimulateArgs {
    std::string model;
    std::string t_end;
    int points = 200;
    std::string output;
    bool equilibrate = false;
    SolverArgs solver;
};
int run_simulate(const SimulateArgs& args);

struct SteadyArgs {
    std::string model;
    std::string output;
};
int run_steady(const SteadyArgs& args);

struct GraphArgs {
    std::string model;
    std::vector<std::string> paths;
    bool loops = false;
    std::string upstream, downstream;
    std::size_t max_results = 20;
    std::string format;
};
int run_graph(const GraphArgs& args);

struct DocsArgs {
    std::string model;
    std::vector<std::string> regions;
    std::string output;
};
int run_docs(const DocsArgs& args);  // in docs_command.cpp

struct SweepArgs {
    std::string scenario;
    std::string output;
    unsigned threads = 0;
    bool quiet = false;
    bool no_trajectories = false;
    bool fail_on_expectations = false;
    bool states = false;
    bool resume = false;
    std::string shard;
    SolverArgs solver;
};
int run_sweep(const SweepArgs& args);

struct MergeArgs {
    std::vector<std::string> shards;
    std::string output;
    bool quiet = false;
};
int run_merge(const MergeArgs& args);

// `ntsim viz graph|plot` and `ntsim report` (cli/viz_commands.cpp); a command that runs sets `status`.
void add_viz_commands(CLI::App& app, int& status);

struct SbmlSuiteArgs {
    std::string directory;
    std::vector<std::string> cases;  // case ids to run; empty: all
    unsigned threads = 0;
    bool quiet = false;
    std::size_t min_pass = 0;
    std::string report;
    bool via_json = false;           // simulate each model's JSON conversion instead of the SBML
};
int run_sbml_suite(const SbmlSuiteArgs& args);  // in sbml_suite_command.cpp

struct ConvertArgs {
    std::string input;              // a model file, or a scenario file (its base run, dosed)
    std::string output;
    std::string region;             // scenario input: this region instead of the base run's
};
int run_convert(const ConvertArgs& args);  // in convert_command.cpp

// A scenario file names a model; a model file does not.
bool is_scenario_file(const std::string& path);

// Runs `body`, turning input errors into a message on stderr and exit status 2.
int guarded(const std::function<int()>& body);

}  // namespace ntsim::cli
