// The scenarios layer's public face: load a scenario, expand its sweep, run it in parallel,
// summarise and write the results, on one process or across the ranks of an MPI job.
#pragma once

#include "scenarios/dosed_model.hpp"
#include "scenarios/output.hpp"
#include "scenarios/results.hpp"
#include "scenarios/run_store.hpp"
#include "scenarios/runner.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/summary.hpp"
#include "scenarios/sweep.hpp"
#if NTSIM_HAVE_MPI
#include "scenarios/mpi_sweep.hpp"  // built only with MPI (see CMakeLists.txt)
#endif
