// Shared set-up for the pathway-library tests: a shipped model file compiled with one region's
// overrides, its resting state, and readouts by id (species or observable) from states and runs.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "models/models.hpp"
#include "solver/solver.hpp"

namespace ntsim::pathway_tests {

// A path inside the repository, e.g. shipped("models/neurotrophin.json").
std::filesystem::path shipped(const std::string& relative);

// The profiles every regional check runs on: "" is the module defaults (the generic neuron), the
// others are models/regions/<name>.json applied to the whole network.
const std::vector<std::string>& profiles();
std::string profile_label(const std::string& profile);  // "module defaults" for ""

// One shipped model file, compiled, with a region's overrides applied the way scenarios apply
// them: a parameter or constant species becomes an input, any other species an initial value.
// Holds the model the network refers to, so it is neither copied nor moved.
class ShippedModel {
public:
    explicit ShippedModel(const std::string& model_file, const std::string& region = "");
    // For a model edited after loading (e.g. a species clamped); `region` as above.
    explicit ShippedModel(models::Model model, const std::string& region = "");
    ShippedModel(const ShippedModel&) = delete;
    ShippedModel& operator=(const ShippedModel&) = delete;

    const models::Model& model() const { return model_; }
    const solver::OdeSystem& system() const { return system_; }

    std::vector<double> inputs;    // in system().input_ids() order
    std::vector<double> initial;   // in system().state_ids() order

    // Sets an input (parameter, constant species) by id; throws if there is none.
    void set_input(const std::string& id, double value);
    double input(const std::string& id) const;

    // Steady state with the current inputs, from `initial` (or from `x0`).
    solver::SteadyStateResult steady_state() const;
    solver::SteadyStateResult steady_state(std::span<const double> x0) const;

    // A species (nM) or observable value at state `x` with the current inputs.
    double read(std::span<const double> x, const std::string& id) const;

    // A species or observable along a trajectory (observables as computed during the run).
    std::vector<double> series(const solver::Trajectory& trajectory, const std::string& id) const;

private:
    void apply_region(const std::string& region);

    models::Model model_;
    models::Network network_;
    solver::OdeSystem system_;
};

// Evenly spaced times from 0 to `end_s` inclusive.
std::vector<double> times_every(double step_s, double end_s);

// The first time `values` reaches half-way from values[0] to its maximum, interpolated linearly
// between samples; negative if it never rises.
double half_rise_time(const std::vector<double>& times, const std::vector<double>& values);

}  // namespace ntsim::pathway_tests
