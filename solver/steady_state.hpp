// Steady states for pre-equilibration: KINSOL Newton on f(x) = 0 with conservation laws replacing
// dependent equations (otherwise the Jacobian of a closed system is singular), and integration
// until dx/dt is negligible when Newton does not converge.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "solver/integrator.hpp"

namespace ntsim::solver {

struct SteadyStateOptions {
    double rate_rtol = 1e-8;          // converged when every |dx_i/dt| <= rate_atol + rate_rtol*|x_i|, 1/s
    double rate_atol = 1e-10;         // nM/s
    double max_time_s = 1e9;          // integration horizon of the fall-back, s
    std::size_t max_newton_states = 3000;  // above this, dense conservation analysis is too costly: integrate only
    SolverOptions integration{.rtol = 1e-8, .atol = 1e-12};
};

enum class SteadyStateMethod { newton, integration, integration_then_newton, none };

std::string to_string(SteadyStateMethod method);

struct SteadyStateResult {
    bool converged = false;
    SteadyStateMethod method = SteadyStateMethod::none;
    std::vector<double> state;
    double max_scaled_rate = 0.0;     // max_i |dx_i/dt| / (rate_atol + rate_rtol*|x_i|); <= 1 when converged
    double time_integrated_s = 0.0;
    std::string message;
    std::optional<FailureCause> failure_cause;  // why the fall-back integration stopped early, if it did
    SolverStats stats;
};

SteadyStateResult find_steady_state(const OdeSystem& system, std::span<const double> inputs,
                                    std::span<const double> x0, const SteadyStateOptions& options = {});

// A basis of the conservation laws w·x = const (left null space of the volume-scaled
// stoichiometry), one row per law, for the given inputs.
std::vector<std::vector<double>> conservation_laws(const OdeSystem& system, std::span<const double> inputs);

}  // namespace ntsim::solver
