// One sweep spread over the processes of an MPI job (mpirun, srun). Rank 0 owns the results
// directory and hands out runs on request; every rank runs its share with its TBB threads (rank 0
// on a second thread), and the others send each finished run back to rank 0, which stores it as a
// one-process sweep would. Only built when CMake finds MPI (NTSIM_HAVE_MPI); no other file calls MPI.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "scenarios/results.hpp"
#include "scenarios/run_store.hpp"
#include "scenarios/runner.hpp"

namespace ntsim::scenarios::mpi {

// MPI is initialised for the life of this object and finalised after.
class Job {
public:
    Job();
    ~Job();
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }

private:
    int rank_ = 0;
    int size_ = 1;
};

// Rank 0's side. Construction waits until every other rank has loaded the sweep; if rank 0's own
// setup failed (`setup_failure`), or another rank's did, or loaded a sweep other than `identity`,
// every rank is told to stop and the constructor throws: rank 0's own error, or one naming the rank.
class Coordinator {
public:
    Coordinator(const Job& job, const SweepIdentity& identity, unsigned threads, std::exception_ptr setup_failure);

    // Runs `todo` (ascending) across the job and appends every finished run to `store`, counting it
    // in `progress`. Returns how many runs each rank did. If a rank fails outside a run (a failing
    // run is a result), the others finish what they hold, it is stored, and the error is thrown.
    std::vector<std::size_t> run(const SweepRunner& runner, const SweepPlan& plan, const std::vector<std::size_t>& todo,
                                 const RunnerOptions& options, Progress& progress, RunStore& store);

private:
    const Job& job_;
    std::vector<unsigned> threads_;  // TBB threads of each rank
};

// Every other rank: reports its setup to rank 0 (`identity`, or `setup_error` when loading failed,
// in which case `runner` and `plan` are null), then runs what rank 0 hands out until told to stop.
// Errors are reported to rank 0, which prints them once for the job.
void work(const SweepIdentity& identity, unsigned threads, const std::string& setup_error,
          const SweepRunner* runner, const SweepPlan* plan, const RunnerOptions& options);

}  // namespace ntsim::scenarios::mpi
