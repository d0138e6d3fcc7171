// Shared set-up for the pathway-library tests (see pathway_fixture.hpp).
#include "tests/pathways/pathway_fixture.hpp"

#include <algorithm>
#include <stdexcept>

namespace ntsim::pathway_tests {

std::filesystem::path shipped(const std::string& relative) { return std::filesystem::path(NTSIM_SOURCE_DIR) / relative; }

const std::vector<std::string>& profiles() {
    static const std::vector<std::string> all{"", "hippocampus", "cortex"};
    return all;
}

std::string profile_label(const std::string& profile) { return profile.empty() ? "module defaults" : profile; }

ShippedModel::ShippedModel(const std::string& model_file, const std::string& region)
    : ShippedModel(models::load(shipped(model_file)), region) {}

ShippedModel::ShippedModel(models::Model model, const std::string& region)
    : model_(std::move(model)), network_(model_), system_(solver::compile(network_)) {
    inputs = system_.default_inputs();
    initial = system_.default_state();
    if (!region.empty()) apply_region(region);
}

void ShippedModel::apply_region(const std::string& region) {
    const models::Region profile = models::load_region(shipped("models/regions/" + region + ".json"), model_);
    for (const auto& o : profile.overrides) {
        if (const auto i = system_.input_index(o.id)) inputs[*i] = o.value;
        else initial[*system_.state_index(o.id)] = o.value;
    }
}

void ShippedModel::set_input(const std::string& id, double value) {
    const auto i = system_.input_index(id);
    if (!i) throw std::invalid_argument("no input '" + id + "' in model " + model_.name);
    inputs[*i] = value;
}

double ShippedModel::input(const std::string& id) const {
    const auto i = system_.input_index(id);
    if (!i) throw std::invalid_argument("no input '" + id + "' in model " + model_.name);
    return inputs[*i];
}

solver::SteadyStateResult ShippedModel::steady_state() const { return steady_state(initial); }

solver::SteadyStateResult ShippedModel::steady_state(std::span<const double> x0) const {
    return solver::find_steady_state(system_, inputs, x0);
}

double ShippedModel::read(std::span<const double> x, const std::string& id) const {
    if (const auto s = system_.state_index(id)) return x[*s];
    if (const auto i = system_.input_index(id)) return inputs[*i];
    const auto o = system_.observable_index(id);
    if (!o) throw std::invalid_argument("no species or observable '" + id + "' in model " + model_.name);
    solver::Workspace workspace(system_);
    workspace.set_inputs(inputs);
    std::vector<double> values(system_.observable_ids().size());
    system_.observables(workspace, 0.0, x.data(), values.data());
    return values[*o];
}

std::vector<double> ShippedModel::series(const solver::Trajectory& trajectory, const std::string& id) const {
    std::vector<double> values;
    values.reserve(trajectory.times.size());
    if (const auto s = system_.state_index(id)) {
        for (std::size_t k = 0; k < trajectory.times.size(); ++k) values.push_back(trajectory.states[k * system_.size() + *s]);
        return values;
    }
    const auto o = system_.observable_index(id);
    if (!o) throw std::invalid_argument("no species or observable '" + id + "' in model " + model_.name);
    const std::size_t m = system_.observable_ids().size();
    for (std::size_t k = 0; k < trajectory.times.size(); ++k) values.push_back(trajectory.observables[k * m + *o]);
    return values;
}

std::vector<double> times_every(double step_s, double end_s) {
    std::vector<double> times;
    const auto steps = static_cast<std::size_t>(end_s / step_s + 0.5);
    for (std::size_t k = 0; k <= steps; ++k) times.push_back(step_s * static_cast<double>(k));
    return times;
}

double half_rise_time(const std::vector<double>& times, const std::vector<double>& values) {
    const double peak = *std::max_element(values.begin(), values.end());
    if (!(peak > values.front())) return -1.0;
    const double half = values.front() + 0.5 * (peak - values.front());
    for (std::size_t k = 1; k < values.size(); ++k) {
        if (values[k] < half) continue;
        const double a = values[k - 1], b = values[k];
        return times[k - 1] + (times[k] - times[k - 1]) * (half - a) / (b - a);
    }
    return -1.0;
}

}  // namespace ntsim::pathway_tests
