// MPI distribution of a sweep's runs as requests and replies: each worker reports its setup, then
// rank 0 answers every "slice done" with the next slice of run indices (empty: stop). A finished
// run travels as one message holding its run-store record, so rank 0 stores exactly the bytes the
// worker computed.
#include "scenarios/mpi_sweep.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <mpi.h>
#include <nlohmann/json.hpp>

namespace ntsim::scenarios::mpi {

namespace {

constexpr int coordinator_rank = 0;

// hello: worker -> 0, once. run: one finished run. slice_done: the worker's slice is complete and it
// wants another. failed: the worker stopped outside a run. work: 0 -> worker, the reply to hello
// and slice_done.
enum Tag : int { tag_hello = 1, tag_run, tag_slice_done, tag_failed, tag_work };

// Slices never exceed what the runner hands its sink at once by default (32 runs per thread), so a
// worker sends each slice's runs as soon as they are done.
constexpr std::size_t max_runs_per_thread = 32;

// Waiting ranks poll instead of blocking in MPI_Recv, which in Open MPI spins a core at 100%: on a
// node that the waiting rank shares with working ones that core is worth more than the latency.
// The wait grows to 1 ms, small beside a slice of runs.
class Backoff {
public:
    void wait() {
        std::this_thread::sleep_for(delay_);
        delay_ = std::min(2 * delay_, longest_);
    }

private:
    static constexpr std::chrono::microseconds longest_{1000};
    std::chrono::microseconds delay_{20};
};

struct Message {
    int source = 0;
    int tag = 0;
    std::string bytes;
};

// MPI's default error handler aborts the job on a communication error, so calls are not checked.
void send(const std::string& bytes, int destination, Tag tag) {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
        throw std::runtime_error(fmt::format("a message of {} bytes exceeds MPI's limit of {} bytes", bytes.size(), INT_MAX));
    MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, destination, tag, MPI_COMM_WORLD);
}

Message receive(int source, int tag) {
    MPI_Status status;
    Backoff backoff;
    for (int arrived = 0;;) {
        MPI_Iprobe(source, tag, MPI_COMM_WORLD, &arrived, &status);
        if (arrived) break;
        backoff.wait();
    }
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    Message m{status.MPI_SOURCE, status.MPI_TAG, std::string(static_cast<std::size_t>(count), '\0')};
    MPI_Recv(m.bytes.data(), count, MPI_BYTE, m.source, m.tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return m;
}

std::string pack(const std::vector<std::size_t>& runs) {
    std::string bytes(runs.size() * sizeof(std::uint64_t), '\0');
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const std::uint64_t run = runs[i];
        std::memcpy(bytes.data() + i * sizeof run, &run, sizeof run);
    }
    return bytes;
}

std::vector<std::size_t> unpack(const std::string& bytes) {
    std::vector<std::size_t> runs(bytes.size() / sizeof(std::uint64_t));
    for (std::size_t i = 0; i < runs.size(); ++i) {
        std::uint64_t run = 0;
        std::memcpy(&run, bytes.data() + i * sizeof run, sizeof run);
        runs[i] = run;
    }
    return runs;
}

std::string host_name() {
    char name[MPI_MAX_PROCESSOR_NAME];
    int length = 0;
    MPI_Get_processor_name(name, &length);
    return std::string(name, static_cast<std::size_t>(length));
}

}  // namespace

Job::Job() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    if (provided < MPI_THREAD_FUNNELED) {
        MPI_Finalize();
        throw std::runtime_error("the MPI library offers no MPI_THREAD_FUNNELED support, which ntsim needs "
                                 "(its runs use threads while the main thread talks to the other ranks)");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Job::~Job() { MPI_Finalize(); }

Coordinator::Coordinator(const Job& job, const SweepIdentity& identity, unsigned threads, std::exception_ptr setup_failure)
    : job_(job), threads_(static_cast<std::size_t>(job.size()), 0) {
    threads_[coordinator_rank] = threads;
    std::map<int, std::string> refusals;  // by rank, so the lowest is named whatever the arrival order
    for (int k = 1; k < job.size(); ++k) {
        const Message m = receive(MPI_ANY_SOURCE, tag_hello);
        const auto hello = nlohmann::ordered_json::parse(m.bytes);
        const std::string rank = fmt::format("rank {} (on {})", m.source, hello.at("host").get<std::string>());
        if (hello.contains("error")) {
            refusals[m.source] = fmt::format("{}: {}", rank, hello.at("error").get<std::string>());
            continue;
        }
        threads_[static_cast<std::size_t>(m.source)] = hello.at("threads").get<unsigned>();
        const std::string difference = scenarios::difference(identity, SweepIdentity{hello.at("identity")});
        if (!difference.empty())
            refusals[m.source] = fmt::format("{} loaded a different sweep than rank 0 ({}); every rank must read the same "
                                             "scenario, model and region files with the same options", rank, difference);
    }
    if (!setup_failure && refusals.empty()) return;
    for (int k = 1; k < job.size(); ++k) send({}, k, tag_work);
    if (setup_failure) std::rethrow_exception(setup_failure);
    throw std::invalid_argument(refusals.begin()->second);
}

std::vector<std::size_t> Coordinator::run(const SweepRunner& runner, const SweepPlan& plan, const std::vector<std::size_t>& todo,
                                          const RunnerOptions& options, Progress& progress, RunStore& store) {
    const auto ranks = static_cast<std::size_t>(job_.size());
    const BaselineGroups order = group_by_baseline(plan, todo);
    std::mutex mutex;  // guards next, failure and store: rank 0's own runs arrive on a second thread
    std::size_t next = 0;  // position in order.runs
    std::exception_ptr failure;
    std::vector<std::size_t> done_by(ranks, 0);

    // Guided self-scheduling: slices shrink as the sweep nears its end, so the ranks finish
    // together, but hold at least one run per thread while there are runs left. Slices follow
    // `order` and end between baseline groups where they can, so a baseline's runs (a vehicle run
    // and its treated twins) go to one rank, which pre-equilibrates it once.
    auto take = [&](std::size_t rank) {
        std::lock_guard lock(mutex);
        const std::size_t total = order.runs.size();
        if (failure || next == total) return std::vector<std::size_t>{};
        const std::size_t remaining = total - next;
        const std::size_t most = max_runs_per_thread * threads_[rank];
        const std::size_t size = std::min(remaining, std::clamp<std::size_t>(remaining / (2 * ranks), threads_[rank], most));
        const std::size_t end = order.slice_end(next, size, std::min(2 * size, most));
        std::vector<std::size_t> slice(order.runs.begin() + static_cast<std::ptrdiff_t>(next),
                                       order.runs.begin() + static_cast<std::ptrdiff_t>(end));
        std::sort(slice.begin(), slice.end());  // the runner takes runs in ascending order
        next = end;
        return slice;
    };
    auto fail = [&](std::exception_ptr error) {
        std::lock_guard lock(mutex);
        if (!failure) failure = error;
    };
    auto keep = [&](const std::vector<RunOutcome>& finished) {
        try {
            std::lock_guard lock(mutex);
            store.append(finished);
        } catch (...) {
            fail(std::current_exception());
        }
    };

    // Every worker gets its first slice before rank 0 takes one, so each rank has work at once.
    std::size_t busy = 0;
    for (std::size_t k = 1; k < ranks; ++k) {
        const auto slice = take(k);
        send(pack(slice), static_cast<int>(k), tag_work);
        busy += !slice.empty();
    }
    std::thread own_runs([&] {
        try {
            for (auto slice = take(coordinator_rank); !slice.empty(); slice = take(coordinator_rank)) {
                runner.run(plan, slice, options, progress, [&](std::vector<RunOutcome>&& finished) { keep(finished); });
                done_by[coordinator_rank] += slice.size();
            }
        } catch (...) {
            fail(std::current_exception());
        }
    });

    std::vector<std::vector<RunOutcome>> arriving(ranks);
    while (busy > 0) {
        const Message m = receive(MPI_ANY_SOURCE, MPI_ANY_TAG);
        const auto source = static_cast<std::size_t>(m.source);
        if (m.tag == tag_run) {
            try {
                arriving[source].push_back(decode_run(m.bytes));
            } catch (...) {
                fail(std::current_exception());
            }
            continue;
        }
        // A worker that failed still delivers the runs it finished: they are results.
        keep(arriving[source]);
        std::size_t failed = 0;
        for (const auto& outcome : arriving[source]) failed += outcome.status != RunStatus::ok;
        progress.failed.fetch_add(failed);
        progress.done.fetch_add(arriving[source].size());
        done_by[source] += arriving[source].size();
        arriving[source].clear();
        if (m.tag == tag_failed) {
            --busy;
            fail(std::make_exception_ptr(std::runtime_error(fmt::format("rank {} failed: {}", m.source, m.bytes))));
            continue;
        }
        const auto slice = take(source);
        send(pack(slice), m.source, tag_work);
        busy -= slice.empty();
    }
    own_runs.join();
    if (failure) std::rethrow_exception(failure);
    return done_by;
}

void work(const SweepIdentity& identity, unsigned threads, const std::string& setup_error, const SweepRunner* runner,
          const SweepPlan* plan, const RunnerOptions& options) {
    nlohmann::ordered_json hello{{"host", host_name()}};
    if (setup_error.empty()) {
        hello["threads"] = threads;
        hello["identity"] = identity.fields;
    } else {
        hello["error"] = setup_error;
    }
    send(hello.dump(), coordinator_rank, tag_hello);
    Progress progress;  // rank 0 counts this rank's runs as they arrive
    for (;;) {
        const auto slice = unpack(receive(coordinator_rank, tag_work).bytes);
        if (slice.empty()) return;
        try {
            runner->run(*plan, slice, options, progress, [&](std::vector<RunOutcome>&& finished) {
                for (const auto& outcome : finished) send(encode_run(outcome), coordinator_rank, tag_run);
            });
            send({}, coordinator_rank, tag_slice_done);
        } catch (const std::exception& e) {
            send(e.what(), coordinator_rank, tag_failed);
            return;
        }
    }
}

}  // namespace ntsim::scenarios::mpi
