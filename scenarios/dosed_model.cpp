// Scenario run -> Model: the values a run starts from are written into the model's own entities,
// and doses become SBML-style events (trigger time >= t_dose, false at the start so a dose at
// time 0 fires there).
#include "scenarios/dosed_model.hpp"

#include <set>

#include <fmt/format.h>

namespace ntsim::scenarios {

namespace {

using models::EntityKind;

// Writes `value` (what `id` stands for) into the entity named `id`.
void set_value(models::Model& model, const std::string& id, double value) {
    const auto it = model.ids.find(id);
    if (it == model.ids.end()) return;
    const auto [kind, index] = it->second;
    if (kind == EntityKind::parameter) model.parameters[index].value = value;
    if (kind == EntityKind::compartment) model.compartments[index].size_l = value;
    if (kind == EntityKind::species) {
        models::Species& s = model.species[index];
        s.initial_nm = value;
        s.initial_is_amount = s.only_substance_units || model.compartments[s.compartment].spatial_dimensions == 0;
    }
}

// Inputs and states at the start of the run, as their ids read; initial assignments of those
// entities are dropped, since the values already include them.
void set_start_values(models::Model& model, const solver::OdeSystem& system, const std::vector<double>& inputs,
                      const std::vector<double>& state) {
    std::vector<std::string> ids = system.input_ids();
    ids.insert(ids.end(), system.state_ids().begin(), system.state_ids().end());
    std::vector<models::ExprPtr> probes;
    for (const auto& id : ids) probes.push_back(models::symbol(id));
    solver::Probe probe(system, probes);
    solver::Workspace ws(system);
    ws.set_inputs(inputs);
    std::vector<double> values(ids.size());
    probe.evaluate(ws, 0.0, state.data(), values.data());
    std::set<std::string> set;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        set_value(model, ids[i], values[i]);
        set.insert(ids[i]);
    }
    std::erase_if(model.initial_assignments, [&](const models::Rule& r) { return set.count(model.id_of(r.variable)) > 0; });
}

std::string unused_event_id(const models::Model& model, std::string id) {
    auto taken = [&](const std::string& candidate) {
        return model.ids.count(candidate) ||
               std::any_of(model.events.begin(), model.events.end(), [&](const models::Event& e) { return e.id == candidate; });
    };
    while (taken(id)) id += "_";
    return id;
}

void add_dose_events(models::Model& model, const SweepRunner& runner, const Scenario& scenario, const RunSettings& settings,
                     const std::vector<double>& inputs) {
    if (settings.compound == "vehicle" || settings.dose_mg_per_kg <= 0) return;
    const auto [state, step] = runner.dose_step(settings, inputs);
    const std::string& species = runner.system().state_ids()[static_cast<std::size_t>(state)];
    const models::EntityRef target = model.ids.at(species);
    const auto times = scenario.schedules.at(settings.schedule).dose_times();
    for (std::size_t k = 0; k < times.size(); ++k) {
        models::Event e;
        e.id = unused_event_id(model, fmt::format("dose_{}", k + 1));
        e.trigger = models::make(models::Op::ge, {models::symbol("time"), models::number(times[k])});
        e.initial_value = false;
        e.assignments.push_back({target, models::make(models::Op::add, {models::symbol(species), models::number(step)})});
        e.origin = {scenario.file, fmt::format("dose {} of schedule '{}'", k + 1, settings.schedule)};
        model.events.push_back(std::move(e));
    }
}

}  // namespace

models::Model dosed_model(const SweepRunner& runner, const Scenario& scenario, const RunSettings& settings,
                          const solver::SteadyStateOptions& steady) {
    std::vector<double> inputs, x0;
    runner.run_inputs(settings, inputs, x0);
    const auto baseline = solver::find_steady_state(runner.system(), inputs, x0, steady);
    if (!baseline.converged) throw std::runtime_error(fmt::format("pre-equilibration failed: {}", baseline.message));
    models::Model model = scenario.model;
    set_start_values(model, runner.system(), inputs, baseline.state);
    add_dose_events(model, runner, scenario, settings, inputs);
    model.description = fmt::format("{} run of scenario '{}': region {}, {} {} mg/kg ({}), schedule {}; starts from the "
                                    "region's pre-equilibrated baseline", model.name, scenario.name, settings.region,
                                    settings.compound, settings.dose_mg_per_kg, settings.route.empty() ? "-" : settings.route,
                                    settings.schedule);
    return model;
}

}  // namespace ntsim::scenarios
