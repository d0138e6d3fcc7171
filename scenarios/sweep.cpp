// Sweep expansion: odometer order over the axes (the last axis varies fastest), then vehicle
// references appended in first-use order, so numbering is stable and independent of threads.
#include "scenarios/sweep.hpp"

#include <bit>
#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace ntsim::scenarios {

namespace {

constexpr const char* vehicle = "vehicle";

std::string number_label(double v) { return fmt::format("{:.6g}", v); }

// Everything a run's vehicle reference must share with it: all settings but compound and dose.
std::string reference_key(const RunSettings& s) {
    std::string key = s.region + '\x1f' + s.schedule;
    for (const auto& [id, value] : s.parameters) key += fmt::format("\x1f{}={:x}", id, std::bit_cast<std::uint64_t>(value));
    return key;
}

// The run's route, or the compound's only route when the compound cannot take the requested one
// (a compound axis may mix an intranasal peptide with oral drugs).
std::string route_for(const Scenario& scenario, const RunSettings& s) {
    const auto& routes = scenario.model.compounds[*scenario.model.compound_index(s.compound)].routes;
    const bool available = std::any_of(routes.begin(), routes.end(), [&](const models::Route& r) { return r.name == s.route; });
    return !available && routes.size() == 1 ? routes.front().name : s.route;
}

// Odometer step over the axes, the last varying fastest; false after the last combination.
bool next_combination(std::vector<std::size_t>& position, const std::vector<Axis>& axes) {
    for (std::size_t a = axes.size(); a-- > 0;) {
        if (++position[a] < axes[a].size()) return true;
        position[a] = 0;
    }
    return false;
}

// Every treated run's compound must have the requested route.
void check_routes(const Scenario& scenario, const SweepPlan& plan) {
    for (const auto& run : plan.runs) {
        const auto& s = run.settings;
        if (s.compound == vehicle) continue;
        const auto c = scenario.model.compound_index(s.compound);
        const auto& routes = scenario.model.compounds[*c].routes;
        if (std::none_of(routes.begin(), routes.end(), [&](const models::Route& r) { return r.name == s.route; })) {
            std::string known;
            for (const auto& r : routes) known += (known.empty() ? "" : ", ") + r.name;
            throw ScenarioError({{scenario.file, "/run/route",
                                  fmt::format("compound '{}' has no route '{}'; known: {}", s.compound, s.route, known)}});
        }
    }
}

}  // namespace

SweepPlan expand(const Scenario& scenario) {
    SweepPlan plan;
    plan.columns = {"region", "compound", "dose_mg_per_kg", "route", "schedule"};
    for (const auto& axis : scenario.axes) {
        if (axis.kind == AxisKind::parameter) plan.columns.push_back(axis.name);
        if (axis.kind == AxisKind::sample) {
            plan.columns.push_back("sample");
            for (const auto& id : axis.sampled_parameters) plan.columns.push_back(id);
        }
    }

    auto labels_of = [&](const RunSettings& s, std::size_t sample_point) {
        std::vector<std::string> labels{s.region, s.compound, number_label(s.dose_mg_per_kg),
                                        s.compound == vehicle ? "" : s.route, s.schedule};
        for (const auto& axis : scenario.axes) {
            if (axis.kind == AxisKind::parameter) labels.push_back(number_label(s.parameters.at(axis.name)));
            if (axis.kind == AxisKind::sample) {
                labels.push_back(std::to_string(sample_point));
                for (const auto& id : axis.sampled_parameters) labels.push_back(number_label(s.parameters.at(id)));
            }
        }
        return labels;
    };

    std::vector<std::size_t> position(scenario.axes.size(), 0);
    std::map<std::string, std::size_t> vehicle_runs;  // reference key -> run index
    do {
        RunSettings s = scenario.base;
        std::size_t sample_point = 0;
        for (std::size_t a = 0; a < scenario.axes.size(); ++a) {
            const Axis& axis = scenario.axes[a];
            const std::size_t k = position[a];
            switch (axis.kind) {
                case AxisKind::region: s.region = axis.labels[k]; break;
                case AxisKind::compound: s.compound = axis.labels[k]; break;
                case AxisKind::schedule: s.schedule = axis.labels[k]; break;
                case AxisKind::dose: s.dose_mg_per_kg = axis.numbers[k]; break;
                case AxisKind::parameter: s.parameters[axis.name] = axis.numbers[k]; break;
                case AxisKind::sample:
                    sample_point = k;
                    for (std::size_t j = 0; j < axis.sampled_parameters.size(); ++j)
                        s.parameters[axis.sampled_parameters[j]] = axis.numbers[k * axis.sampled_parameters.size() + j];
                    break;
            }
        }
        if (s.compound == vehicle) s.dose_mg_per_kg = 0.0;  // a vehicle run is the same at every dose
        else s.route = route_for(scenario, s);
        Run run{plan.runs.size(), s, labels_of(s, sample_point), std::nullopt, false};
        const std::string key = reference_key(s);
        if (s.compound == vehicle) {
            if (!vehicle_runs.count(key)) {
                vehicle_runs.emplace(key, run.index);
                plan.runs.push_back(std::move(run));
            }
        } else {
            plan.runs.push_back(std::move(run));
        }
    } while (next_combination(position, scenario.axes));

    // Every treated run gets a vehicle reference with the same region, schedule and parameters.
    for (std::size_t i = 0; i < plan.runs.size(); ++i) {
        Run& run = plan.runs[i];
        if (run.settings.compound == vehicle) continue;
        const std::string key = reference_key(run.settings);
        auto it = vehicle_runs.find(key);
        if (it == vehicle_runs.end()) {
            Run reference{plan.runs.size(), run.settings, {}, std::nullopt, true};
            reference.settings.compound = vehicle;
            reference.settings.dose_mg_per_kg = 0.0;
            reference.labels = run.labels;
            reference.labels[1] = vehicle;
            reference.labels[2] = number_label(0.0);
            reference.labels[3] = "";
            it = vehicle_runs.emplace(key, reference.index).first;
            plan.runs.push_back(std::move(reference));
        }
        plan.runs[i].vehicle = it->second;
    }

    check_routes(scenario, plan);
    return plan;
}

SweepPlan base_run(const Scenario& scenario) {
    Scenario without_axes = scenario;
    without_axes.axes.clear();
    SweepPlan plan = expand(without_axes);
    plan.runs.resize(1);  // the base run comes first; drop its vehicle reference
    plan.runs[0].vehicle.reset();
    return plan;
}

}  // namespace ntsim::scenarios
