// Implementation of the ntsim subcommands. Input errors print one message naming file and entry
// and return 2; a failed integration prints where it failed and returns 1.
#include "cli/commands.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/limits.hpp"
#include "models/models.hpp"
#include "scenarios/scenarios.hpp"
#include "viz/dot.hpp"

namespace ntsim::cli {

namespace {

constexpr int exit_failed_run = 1;
constexpr int exit_bad_input = 2;

}  // namespace

int guarded(const std::function<int()>& body) {
    try {
        return body();
    } catch (const models::ModelError& e) {
        std::cerr << "error: " << e.what() << '\n';
    } catch (const models::UnitError& e) {
        std::cerr << "error: " << e.what() << '\n';
    } catch (const std::invalid_argument& e) {
        std::cerr << "error: " << e.what() << '\n';
    } catch (const std::runtime_error& e) {
        std::cerr << "error: " << e.what() << '\n';
        return exit_failed_run;
    }
    return exit_bad_input;
}

namespace {

// Writes to the named file, or to standard output for "-".
class Output {
public:
    explicit Output(const std::string& path) {
        if (path == "-") return;
        file_.open(path);
        if (!file_) throw std::invalid_argument(fmt::format("cannot write '{}'", path));
    }
    std::ostream& stream() { return file_.is_open() ? static_cast<std::ostream&>(file_) : std::cout; }

private:
    std::ofstream file_;
};

// A model file by its extension: SBML (.xml, .sbml) or ntsim JSON.
models::Model load_model(const std::string& path) {
    return models::is_sbml_file(path) ? models::load_sbml(path) : models::load(path);
}

int species_by_id(const models::Model& model, const std::string& id) {
    const auto index = model.species_index(id);
    if (!index) throw std::invalid_argument(fmt::format("unknown species '{}' in model '{}'", id, model.name));
    return *index;
}

}  // namespace

const char* ntsim_version() { return "0.1.0"; }

void add_solver_options(CLI::App& command, SolverArgs& args) {
    command.add_option("--rtol", args.rtol, "Relative tolerance")->default_val(1e-6);
    command.add_option("--atol", args.atol, "Absolute tolerance, nM")->default_val(1e-9);
    command.add_option("--linear-solver", args.linear_solver, "automatic, dense or klu")->default_val("automatic")
        ->check(CLI::IsMember({"automatic", "dense", "klu"}));
    command.add_option("--max-steps", args.max_steps, "Internal steps allowed between two outputs")->default_val(1'000'000)
        ->check(CLI::PositiveNumber);
    command.add_option("--max-run-steps", args.max_run_steps, "Internal steps allowed in a whole run; more ends it with status step_limit")
        ->default_val(10'000'000)->check(CLI::PositiveNumber);
    command.add_option("--max-run-seconds", args.max_run_seconds,
                       "Wall-clock seconds allowed per run; more ends it with status time_limit (0: unlimited)")
        ->default_val(0.0)->check(CLI::NonNegativeNumber);
    command.add_flag("--allow-negative-states", args.allow_negative_states,
                     "Do not fail a run whose species go negative beyond tolerance (models with signed variables)");
}

solver::SolverOptions to_options(const SolverArgs& args) {
    solver::SolverOptions options;
    options.rtol = args.rtol;
    options.atol = args.atol;
    options.max_steps = args.max_steps;
    options.max_run_steps = args.max_run_steps;
    options.max_run_seconds = args.max_run_seconds;
    options.check_negative_states = !args.allow_negative_states;
    options.linear_solver = args.linear_solver == "dense" ? solver::LinearSolverKind::dense
                          : args.linear_solver == "klu"   ? solver::LinearSolverKind::klu
                                                          : solver::LinearSolverKind::automatic;
    return options;
}

int run_check(const CheckArgs& args) {
    return guarded([&] {
        const models::Model model = load_model(args.model);
        std::size_t constant = 0;
        for (const auto& s : model.species) constant += s.constant;
        std::map<models::SourceKind, std::vector<const models::Parameter*>> by_source;
        for (const auto& p : model.parameters) by_source[p.source_kind].push_back(&p);
        fmt::print("model {}: OK\n", model.name);
        fmt::print("  files        {}\n", model.files.size());
        fmt::print("  compartments {}\n", model.compartments.size());
        fmt::print("  species      {} ({} constant inputs)\n", model.species.size(), constant);
        fmt::print("  reactions    {}\n", model.reactions.size());
        fmt::print("  parameters   {} ({} cited, {} assumed, {} calibrated)\n", model.parameters.size(),
                   by_source[models::SourceKind::citation].size(), by_source[models::SourceKind::assumed].size(),
                   by_source[models::SourceKind::calibrated].size());
        fmt::print("  observables  {}\n", model.observables.size());
        for (const auto kind : {models::SourceKind::assumed, models::SourceKind::calibrated}) {
            const auto& list = by_source[kind];
            if (list.empty()) continue;
            fmt::print("\n{} parameters (no measured value; candidates for sweeps):\n",
                       kind == models::SourceKind::assumed ? "assumed" : "calibrated");
            for (const auto* p : list) {
                // Shown in the file's own unit, as the modeller wrote it (as_written values have none).
                const double in_file_unit = p->as_written ? p->value : p->value / models::parse_unit(p->unit).to_internal;
                fmt::print("  {:<24} {:>12.6g} {:<14} {}\n", p->id, in_file_unit, p->unit, p->source);
            }
        }
        return 0;
    });
}

bool is_scenario_file(const std::string& path) {
    // Anything but a regular file of allowed size is left to the loader, which refuses it without
    // reading it (a named pipe would block here until a writer came).
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return false;
    if (std::filesystem::file_size(path, error) > models::limits::max_file_bytes || error) return false;
    std::ifstream in(path);
    try {
        const auto document = nlohmann::json::parse(in);
        return document.is_object() && document.contains("model") && document["model"].is_string();
    } catch (const std::exception&) {
        return false;  // the model loader will report the problem with its location
    }
}

namespace {

// The scenario's base run: pre-equilibrated, dosed on its schedule, observables over time.
int simulate_scenario(const SimulateArgs& args) {
    const scenarios::Scenario scenario = scenarios::load_scenario(args.model);
    const scenarios::SweepPlan plan = scenarios::base_run(scenario);
    const scenarios::SweepRunner runner(scenario);
    scenarios::RunnerOptions options;
    options.solver = to_options(args.solver);
    options.threads = 1;
    scenarios::Progress progress;
    const auto outcome = runner.run(plan, options, progress).front();
    Output out(args.output);
    std::ostream& os = out.stream();
    os << "time_s,time_after_last_dose_s";
    for (const auto& id : scenario.observables) os << ',' << id;
    os << '\n';
    const std::size_t m = scenario.observables.size();
    for (std::size_t k = 0; k < outcome.times_s.size(); ++k) {
        os << fmt::format("{:.10g},{:.10g}", outcome.times_s[k], outcome.times_s[k] - outcome.last_dose_s);
        for (std::size_t i = 0; i < m; ++i) os << fmt::format(",{:.10g}", outcome.values[k * m + i]);
        os << '\n';
    }
    const auto& s = plan.run(0).settings;
    std::cerr << fmt::format("{}: {} in {}, {} {} mg/kg ({}), schedule {}; {} steps\n", scenario.name, scenario.model.name,
                             s.region, s.compound, s.dose_mg_per_kg, s.route.empty() ? "-" : s.route, s.schedule,
                             outcome.stats.steps);
    if (outcome.status != scenarios::RunStatus::ok) {
        std::cerr << fmt::format("error: run failed ({}): {}\n", scenarios::to_string(outcome.status), outcome.message);
        return exit_failed_run;
    }
    return 0;
}

}  // namespace

int run_simulate(const SimulateArgs& args) {
    return guarded([&] {
        if (is_scenario_file(args.model)) return simulate_scenario(args);
        const double t_end = models::parse_duration_s(args.t_end);
        if (!(t_end > 0)) throw std::invalid_argument(fmt::format("--t-end must be > 0, got '{}'", args.t_end));
        const models::Model model = load_model(args.model);
        const models::Network network(model);
        const solver::OdeSystem system = solver::compile(network);
        std::vector<double> x0 = system.default_state();
        if (args.equilibrate) {
            const auto steady = solver::find_steady_state(system, system.default_inputs(), x0);
            if (!steady.converged) {
                std::cerr << "error: no steady state to start from: " << steady.message << '\n';
                return exit_failed_run;
            }
            x0 = steady.state;
        }
        std::vector<double> times(static_cast<std::size_t>(args.points));
        for (std::size_t k = 0; k < times.size(); ++k) times[k] = t_end * static_cast<double>(k) / (times.size() - 1);
        const auto result = solver::simulate(system, system.default_inputs(), x0, times, to_options(args.solver));
        const auto workspace = std::make_unique<solver::Workspace>(system);

        Output out(args.output);
        std::ostream& os = out.stream();
        os << "time_s";
        for (const auto& id : system.state_ids()) os << ',' << id;
        for (const auto& id : system.observable_ids()) os << ',' << id;
        os << '\n';
        const auto& tr = result.trajectory;
        const std::size_t n = system.size(), m = system.observable_ids().size();
        // Each column is what its id stands for (an SBML species may be integrated as an amount).
        std::vector<models::ExprPtr> ids;
        for (const auto& id : system.state_ids()) ids.push_back(models::symbol(id));
        solver::Probe values(system, ids);
        std::vector<double> row(n);
        for (std::size_t k = 0; k < tr.times.size(); ++k) {
            os << fmt::format("{:.10g}", tr.times[k]);
            values.evaluate(*workspace, tr.times[k], tr.states.data() + k * n, row.data());
            for (std::size_t i = 0; i < n; ++i) os << fmt::format(",{:.10g}", row[i]);
            for (std::size_t i = 0; i < m; ++i) os << fmt::format(",{:.10g}", tr.observables[k * m + i]);
            os << '\n';
        }
        const auto& st = result.stats;
        std::cerr << fmt::format("{}: {} states, {} reactions, {} linear solver; {} steps, {} RHS, {} Jacobian evaluations\n",
                                 model.name, n, system.reaction_ids().size(),
                                 solver::to_string(result.linear_solver), st.steps,
                                 st.rhs_evaluations, st.jacobian_evaluations);
        if (result.failure) {
            std::cerr << fmt::format("error: integration failed at t = {:.6g} s ({}): {}\n", result.failure->time,
                                     solver::to_string(result.failure->cause), result.failure->message);
            for (const auto& [id, err] : result.failure->worst_components)
                std::cerr << fmt::format("  largest weighted local error: {} ({:.3g})\n", id, err);
            return exit_failed_run;
        }
        return 0;
    });
}

int run_steady(const SteadyArgs& args) {
    return guarded([&] {
        const models::Model model = load_model(args.model);
        const models::Network network(model);
        const solver::OdeSystem system = solver::compile(network);
        const auto result = solver::find_steady_state(system, system.default_inputs(), system.default_state());
        Output out(args.output);
        std::ostream& os = out.stream();
        os << "species,initial_nM,steady_nM\n";
        for (std::size_t i = 0; i < system.size(); ++i)
            os << fmt::format("{},{:.10g},{:.10g}\n", system.state_ids()[i], system.default_state()[i], result.state[i]);
        std::cerr << fmt::format("{}: {} by {} (max scaled rate {:.3g})\n", model.name,
                                 result.converged ? "steady state found" : "NOT converged",
                                 solver::to_string(result.method), result.max_scaled_rate);
        if (!result.converged) {
            std::cerr << "error: " << result.message << '\n';
            return exit_failed_run;
        }
        return 0;
    });
}

int run_graph(const GraphArgs& args) {
    return guarded([&] {
        const models::Model model = load_model(args.model);
        const models::Network network(model);
        if (args.format == "dot") {
            std::cout << viz::to_dot(network);
            return 0;
        }
        bool asked = false;
        if (!args.paths.empty()) {
            asked = true;
            const int from = species_by_id(model, args.paths.at(0)), to = species_by_id(model, args.paths.at(1));
            const auto paths = network.paths(from, to, args.max_results);
            fmt::print("{} path(s) from {} to {}:\n", paths.size(), args.paths[0], args.paths[1]);
            for (const auto& p : paths) fmt::print("  {}\n", models::describe_path(network, p));
        }
        if (args.loops) {
            asked = true;
            const auto loops = network.feedback_loops(args.max_results);
            fmt::print("{} feedback loop(s):\n", loops.size());
            for (const auto& loop : loops) {
                std::string roles;
                for (auto r : loop.modifier_roles) roles += (roles.empty() ? "" : ", ") + models::to_string(r);
                fmt::print("  {} -> (back)   [through: {}]\n", models::describe_path(network, loop.vertices), roles);
            }
        }
        for (const auto& [which, id] : {std::pair{"upstream", args.upstream}, std::pair{"downstream", args.downstream}}) {
            if (id.empty()) continue;
            asked = true;
            const int s = species_by_id(model, id);
            const auto found = std::string(which) == "upstream" ? network.upstream(s) : network.downstream(s);
            fmt::print("{} species {} of {}:", found.size(), which, id);
            for (int i : found) fmt::print(" {}", model.species[i].id);
            fmt::print("\n");
        }
        if (!asked) {
            fmt::print("{}: {} species, {} reactions, {} edges\n", model.name, model.species.size(),
                       model.reactions.size(), boost::num_edges(network.graph()));
        }
        return 0;
    });
}

}  // namespace ntsim::cli
