// The solver layer's public face: compile a model's network into an OdeSystem, integrate it with
// CVODE, find steady states.
#pragma once

#include "solver/event_driver.hpp"
#include "solver/integrator.hpp"
#include "solver/ode_system.hpp"
#include "solver/steady_state.hpp"
