// The scenarios layer's public face: load a scenario, expand its sweep, run it in parallel,
// summarise and write the results.
#pragma once

#include "scenarios/dosed_model.hpp"
#include "scenarios/output.hpp"
#include "scenarios/results.hpp"
#include "scenarios/run_store.hpp"
#include "scenarios/runner.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/summary.hpp"
#include "scenarios/sweep.hpp"
