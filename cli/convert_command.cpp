// `ntsim convert IN OUT`: a model file into another format, chosen by the output's extension
// (.xml or .sbml: SBML Level 3 Version 2; .json: ntsim's JSON model format). A scenario file as
// input exports its base run: region values applied, compound PK as species and reactions,
// doses as events, starting from the run's pre-equilibrated baseline.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "models/models.hpp"
#include "scenarios/scenarios.hpp"

namespace ntsim::cli {

namespace {

bool is_json_file(const std::string& path) { return std::filesystem::path(path).extension() == ".json"; }

models::Model scenario_run_model(const ConvertArgs& args) {
    const scenarios::Scenario scenario = scenarios::load_scenario(args.input);
    scenarios::RunSettings settings = scenarios::base_run(scenario).run(0).settings;
    if (!args.region.empty()) {
        if (!scenario.regions.count(args.region)) {
            std::string known;
            for (const auto& [name, r] : scenario.regions) known += (known.empty() ? "" : ", ") + name;
            throw std::invalid_argument(fmt::format("--region: scenario '{}' has no region '{}'; known: {}", scenario.name, args.region, known));
        }
        settings.region = args.region;
    }
    const scenarios::SweepRunner runner(scenario);
    return scenarios::dosed_model(runner, scenario, settings);
}

}  // namespace

int run_convert(const ConvertArgs& args) {
    return guarded([&] {
        if (!models::is_sbml_file(args.output) && !is_json_file(args.output))
            throw std::invalid_argument(fmt::format("cannot write '{}': ntsim converts to SBML (.xml or .sbml) or JSON (.json)", args.output));
        const bool scenario = is_json_file(args.input) && is_scenario_file(args.input);
        if (!scenario && !args.region.empty()) throw std::invalid_argument("--region needs a scenario file as input");
        const models::Model model = scenario ? scenario_run_model(args)
                                  : models::is_sbml_file(args.input) ? models::load_sbml(args.input) : models::load(args.input);
        if (is_json_file(args.output)) models::write_json(model, args.output);
        else models::write_sbml(model, args.output);
        fmt::print(stderr, "{}: {} species, {} reactions, {} rules, {} events written to {}\n", model.name, model.species.size(),
                   model.reactions.size(), model.assignment_rules.size() + model.rate_rules.size(), model.events.size(), args.output);
        return 0;
    });
}

}  // namespace ntsim::cli
