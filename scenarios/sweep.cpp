// Sweep expansion: odometer order over the axes (the last axis varies fastest), then vehicle
// references appended in first-use order, so numbering is stable and independent of threads.
#include "scenarios/sweep.hpp"

#include <bit>
#include <algorithm>
#include <functional>
#include <numeric>

#include <fmt/format.h>

namespace ntsim::scenarios {

namespace {

constexpr const char* vehicle = "vehicle";
constexpr std::size_t compound_column = 1, dose_column = 2, route_column = 3;

std::string number_label(double v) { return fmt::format("{:.6g}", v); }

// The run's route, or the compound's only route when the compound cannot take the requested one
// (a compound axis may mix an intranasal peptide with oral drugs).
std::string route_for(const Scenario& scenario, const RunSettings& s) {
    const auto& routes = scenario.model.compounds[*scenario.model.compound_index(s.compound)].routes;
    const bool available = std::any_of(routes.begin(), routes.end(), [&](const models::Route& r) { return r.name == s.route; });
    return !available && routes.size() == 1 ? routes.front().name : s.route;
}

// Every treated run's compound must have the requested route. Checked per compound in axis order,
// which is the order in which the runs first meet them.
void check_routes(const Scenario& scenario, std::span<const Axis> axes) {
    std::vector<std::string> compounds{scenario.base.compound};
    for (const auto& axis : axes)
        if (axis.kind == AxisKind::compound) compounds = axis.labels;
    for (const auto& compound : compounds) {
        if (compound == vehicle) continue;
        RunSettings s = scenario.base;
        s.compound = compound;
        const std::string route = route_for(scenario, s);
        const auto& routes = scenario.model.compounds[*scenario.model.compound_index(compound)].routes;
        if (std::none_of(routes.begin(), routes.end(), [&](const models::Route& r) { return r.name == route; })) {
            std::string known;
            for (const auto& r : routes) known += (known.empty() ? "" : ", ") + r.name;
            throw ScenarioError({{scenario.file, "/run/route",
                                  fmt::format("compound '{}' has no route '{}'; known: {}", compound, route, known)}});
        }
    }
}

// The axes whose values a vehicle run shares with the treated runs it serves: all but compound and dose.
bool shared_by_reference(const Axis& axis) { return axis.kind != AxisKind::compound && axis.kind != AxisKind::dose; }

// Whether a later axis than `axes[a]` also sets parameter `id`, so that axis a's value never reaches a run.
bool overridden(std::span<const Axis> axes, std::size_t a, const std::string& id) {
    return std::any_of(axes.begin() + static_cast<std::ptrdiff_t>(a) + 1, axes.end(), [&](const Axis& later) {
        const auto& sampled = later.sampled_parameters;
        return (later.kind == AxisKind::parameter && later.name == id) ||
               (later.kind == AxisKind::sample && std::find(sampled.begin(), sampled.end(), id) != sampled.end());
    });
}

// For each position of axis a (one shared by references), the first position that gives runs the
// same region, schedule or parameter values, compared bit for bit: positions that set equal
// values share a vehicle run, as runs with equal settings always have.
std::vector<std::size_t> first_equal_positions(std::span<const Axis> axes, std::size_t a) {
    const Axis& axis = axes[a];
    std::function<bool(std::size_t, std::size_t)> less;
    if (axis.kind == AxisKind::region || axis.kind == AxisKind::schedule) {
        less = [&](std::size_t x, std::size_t y) { return axis.labels[x] < axis.labels[y]; };
    } else {
        const std::vector<std::string> ids = axis.kind == AxisKind::parameter ? std::vector<std::string>{axis.name} : axis.sampled_parameters;
        std::vector<std::size_t> columns;
        for (std::size_t j = 0; j < ids.size(); ++j)
            if (!overridden(axes, a, ids[j])) columns.push_back(j);
        less = [&axis, columns, width = ids.size()](std::size_t x, std::size_t y) {
            for (std::size_t j : columns) {
                const auto u = std::bit_cast<std::uint64_t>(axis.numbers[x * width + j]);
                const auto v = std::bit_cast<std::uint64_t>(axis.numbers[y * width + j]);
                if (u != v) return u < v;
            }
            return false;
        };
    }
    std::vector<std::size_t> order(axis.size()), first(axis.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), less);
    for (std::size_t i = 0; i < order.size(); ++i)
        first[order[i]] = i > 0 && !less(order[i - 1], order[i]) ? first[order[i - 1]] : order[i];
    return first;
}

}  // namespace

SweepPlan::SweepPlan(const Scenario& scenario, std::span<const Axis> axes) : scenario_(&scenario), axes_(axes) {
    columns = {"region", "compound", "dose_mg_per_kg", "route", "schedule"};
    for (const auto& axis : axes_) {
        if (axis.kind == AxisKind::parameter) columns.push_back(axis.name);
        if (axis.kind == AxisKind::sample) {
            columns.push_back("sample");
            for (const auto& id : axis.sampled_parameters) columns.push_back(id);
        }
    }
}

std::size_t SweepPlan::position_in(std::size_t combination, std::size_t axis) const {
    for (std::size_t a = axes_.size(); --a > axis;) combination /= axes_[a].size();
    return combination % axes_[axis].size();
}

std::size_t SweepPlan::position(std::size_t index, std::size_t axis) const {
    return position_in(runs_[index].combination, axis);
}

std::optional<std::size_t> SweepPlan::sibling(std::size_t index, std::size_t axis, std::size_t position) const {
    if (index >= combination_runs_) return std::nullopt;
    std::size_t stride = 1;
    for (std::size_t a = axis + 1; a < axes_.size(); ++a) stride *= axes_[a].size();
    const std::size_t combination = runs_[index].combination + position * stride - position_in(runs_[index].combination, axis) * stride;
    const auto end = runs_.begin() + static_cast<std::ptrdiff_t>(combination_runs_);
    const auto it = std::lower_bound(runs_.begin(), end, combination,
                                     [](const PlannedRun& run, std::size_t c) { return run.combination < c; });
    if (it == end || it->combination != combination) return std::nullopt;
    return static_cast<std::size_t>(it - runs_.begin());
}

Run SweepPlan::combination_run(std::size_t combination) const {
    Run run;
    RunSettings& s = run.settings;
    s = scenario_->base;
    std::size_t sample_point = 0;
    for (std::size_t a = 0; a < axes_.size(); ++a) {
        const Axis& axis = axes_[a];
        const std::size_t k = position_in(combination, a);
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
    else s.route = route_for(*scenario_, s);

    run.labels = {s.region, s.compound, number_label(s.dose_mg_per_kg), s.compound == vehicle ? "" : s.route, s.schedule};
    for (const auto& axis : axes_) {
        if (axis.kind == AxisKind::parameter) run.labels.push_back(number_label(s.parameters.at(axis.name)));
        if (axis.kind == AxisKind::sample) {
            run.labels.push_back(std::to_string(sample_point));
            for (const auto& id : axis.sampled_parameters) run.labels.push_back(number_label(s.parameters.at(id)));
        }
    }
    return run;
}

Run SweepPlan::run(std::size_t index) const {
    const PlannedRun& planned = runs_[index];
    Run run = combination_run(planned.combination);
    run.index = index;
    if (planned.vehicle != no_vehicle) run.vehicle = planned.vehicle;
    if (index >= combination_runs_) {
        // The vehicle reference of the treated run at this combination: its settings but compound and dose.
        run.added_as_reference = true;
        run.settings.compound = vehicle;
        run.settings.dose_mg_per_kg = 0.0;
        run.labels[compound_column] = vehicle;
        run.labels[dose_column] = number_label(0.0);
        run.labels[route_column] = "";
    }
    return run;
}

SweepPlan expand(const Scenario& scenario) {
    check_routes(scenario, scenario.axes);
    SweepPlan plan(scenario, scenario.axes);
    const std::span<const Axis> axes = plan.axes_;

    // A vehicle run serves every run with its region, schedule and parameters. Those combinations
    // are numbered by their positions on the axes that set them (equal settings, equal numbers),
    // so the plan finds a run's vehicle by index instead of comparing settings.
    std::vector<std::vector<std::size_t>> shared_position(axes.size());
    std::size_t reference_keys = 1;
    for (std::size_t a = 0; a < axes.size(); ++a) {
        if (!shared_by_reference(axes[a])) continue;
        shared_position[a] = first_equal_positions(axes, a);
        reference_keys *= axes[a].size();
    }
    auto reference_key = [&](std::size_t combination) {
        std::size_t key = 0;
        for (std::size_t a = 0; a < axes.size(); ++a)
            if (shared_by_reference(axes[a])) key = key * axes[a].size() + shared_position[a][plan.position_in(combination, a)];
        return key;
    };
    const auto compound_axis = std::find_if(axes.begin(), axes.end(), [](const Axis& axis) { return axis.kind == AxisKind::compound; });
    auto is_vehicle = [&](std::size_t combination) {
        if (compound_axis == axes.end()) return scenario.base.compound == vehicle;
        return compound_axis->labels[plan.position_in(combination, static_cast<std::size_t>(compound_axis - axes.begin()))] == vehicle;
    };

    std::size_t combinations = 1;
    for (const auto& axis : axes) combinations *= axis.size();
    std::vector<std::size_t> vehicle_of_key(reference_keys, SweepPlan::no_vehicle);
    for (std::size_t c = 0; c < combinations; ++c) {
        if (is_vehicle(c)) {
            std::size_t& vehicle_run = vehicle_of_key[reference_key(c)];
            if (vehicle_run != SweepPlan::no_vehicle) continue;
            vehicle_run = plan.runs_.size();
        }
        plan.runs_.push_back({c, SweepPlan::no_vehicle});
    }
    plan.combination_runs_ = plan.runs_.size();

    // Every treated run gets a vehicle reference with the same region, schedule and parameters.
    for (std::size_t i = 0; i < plan.combination_runs_; ++i) {
        const std::size_t c = plan.runs_[i].combination;
        if (is_vehicle(c)) continue;
        std::size_t& vehicle_run = vehicle_of_key[reference_key(c)];
        if (vehicle_run == SweepPlan::no_vehicle) {
            vehicle_run = plan.runs_.size();
            plan.runs_.push_back({c, SweepPlan::no_vehicle});
        }
        plan.runs_[i].vehicle = vehicle_run;
    }
    plan.runs_.shrink_to_fit();  // held for the whole sweep: no spare capacity
    return plan;
}

SweepPlan base_run(const Scenario& scenario) {
    check_routes(scenario, {});
    SweepPlan plan(scenario, {});
    plan.runs_ = {{0, SweepPlan::no_vehicle}};  // the base run alone, without its vehicle reference
    plan.combination_runs_ = 1;
    return plan;
}

}  // namespace ntsim::scenarios
