// Test set-up shared by the solver and SBML tests: a model together with its network and
// compiled ODE system, built the way ntsim builds them.
#pragma once

#include <string>
#include <utility>

#include "models/models.hpp"
#include "solver/solver.hpp"

namespace ntsim::testing {

// The network and the system refer to `model`, so the whole is neither copied nor moved (a
// function may still return one: the result is built in place).
struct CompiledModel {
    explicit CompiledModel(models::Model loaded)
        : model(std::move(loaded)), network(model), system(solver::compile(network)) {}
    CompiledModel(const CompiledModel&) = delete;
    CompiledModel& operator=(const CompiledModel&) = delete;

    const models::Model model;
    const models::Network network;
    const solver::OdeSystem system;
};

// A model written inline in a test as JSON text (named "inline.json" in messages).
inline CompiledModel compile_text(const std::string& json) {
    return CompiledModel(models::load_from_string(json, "inline.json"));
}

}  // namespace ntsim::testing
