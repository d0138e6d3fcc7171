// SBML algebraic rules (0 = f(x, ...)) that can be solved exactly: each rule linear in one
// variable nothing else determines becomes an assignment rule x = -f(x=0)/(df/dx). Internal to
// the SBML importer.
#pragma once

#include <string>
#include <vector>

#include "models/model.hpp"

namespace ntsim::models {

struct AlgebraicRule {
    ExprPtr expression;   // the rule holds when this is 0
    Origin origin;
};

// Adds an assignment rule to `model` for every rule it can solve; returns the rules it cannot
// (non-linear in every candidate, or no variable left to determine), for the caller to refuse.
std::vector<AlgebraicRule> solve_algebraic_rules(Model& model, std::vector<AlgebraicRule> rules);

}  // namespace ntsim::models
