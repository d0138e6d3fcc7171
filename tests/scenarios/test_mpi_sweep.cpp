// `mpirun -np N ntsim sweep` against one process, through the real executables: the results
// directory must not depend on the number of ranks. Built only when CMake finds MPI.
#include <catch2/catch.hpp>

#include <regex>

#include <fmt/format.h>

#include "tests/scenarios/process.hpp"

namespace fs = std::filesystem;
using ntsim::test::differing_files;
using ntsim::test::run_process;
using ntsim::test::store_records;

namespace {

std::string data(const std::string& file) { return std::string(NTSIM_SOURCE_DIR) + "/tests/scenarios/data/" + file; }

struct Scratch {
    explicit Scratch(const std::string& name)
        : root(fs::temp_directory_path() / fmt::format("ntsim_test_mpi_{}_{}", name, ::getpid())) {
        fs::remove_all(root);
        fs::create_directories(root);
    }
    ~Scratch() { fs::remove_all(root); }
    fs::path root;
};

std::vector<std::string> sweep(const std::string& scenario, const fs::path& dir, const std::vector<std::string>& extra) {
    std::vector<std::string> args{NTSIM_BINARY, "sweep", data(scenario), "-o", dir.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> mpirun(int ranks, const std::vector<std::string>& command) {
    std::vector<std::string> args{NTSIM_MPIEXEC, "-np", std::to_string(ranks)};
    args.insert(args.end(), command.begin(), command.end());
    return args;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// Runs the sweep on one process and on `ranks` MPI ranks with `threads` each; every file must agree.
void compare_with_one_process(int ranks, const std::string& threads) {
    Scratch scratch(fmt::format("np{}", ranks));
    const auto one = run_process(sweep("mpi_sweep.json", scratch.root / "one", {"--threads", threads}), scratch.root / "one.log");
    REQUIRE(one.status == 0);
    const auto many = run_process(mpirun(ranks, sweep("mpi_sweep.json", scratch.root / "many", {"--threads", threads})),
                                  scratch.root / "many.log");
    INFO(many.output);
    REQUIRE(many.status == 0);
    CHECK(differing_files(scratch.root / "one", scratch.root / "many").empty());
    CHECK(store_records(scratch.root / "many" / "runs.store").size() == 54);
    // Rank 0 alone reports, once; every rank did some of the 54 runs.
    CHECK(count(many.output, "runs planned") == 1);
    CHECK(count(many.output, fmt::format("54 to run on {} processes", ranks)) == 1);
    CHECK(count(many.output, "results in") == 1);
    std::smatch shares;
    REQUIRE(std::regex_search(many.output, shares, std::regex("runs done by rank: (.*)")));
    std::size_t total = 0;
    for (int rank = 0; rank < ranks; ++rank) {
        std::smatch share;
        REQUIRE(std::regex_search(shares[1].first, shares[1].second, share, std::regex(fmt::format("\\b{}: (\\d+)", rank))));
        CHECK(std::stoul(share[1]) > 0);
        total += std::stoul(share[1]);
    }
    CHECK(total == 54);
}

}  // namespace

TEST_CASE("mpirun -np 2 writes the same results directory as one process", "[scenarios][mpi][process]") {
    // Protects the MPI distribution: two ranks of two threads each must write every file of a
    // one-process, two-thread sweep byte for byte (runs.store: the same records).
    compare_with_one_process(2, "2");
}

TEST_CASE("mpirun -np 3 writes the same results directory as one process", "[scenarios][mpi][process]") {
    // As above with three single-thread ranks on a machine with fewer cores (oversubscribed).
    compare_with_one_process(3, "1");
}

TEST_CASE("a failing run under mpirun stays a result and the other runs are kept", "[scenarios][mpi][process]") {
    // fragile_sweep's run 1 divides by zero (see the runner test); under MPI its failure must be
    // reported once and stored like every other run, as in one process.
    Scratch scratch("fragile");
    const auto one = run_process(sweep("fragile_sweep.json", scratch.root / "one", {"--threads", "1"}), scratch.root / "one.log");
    const auto many = run_process(mpirun(2, sweep("fragile_sweep.json", scratch.root / "many", {"--threads", "1"})),
                                  scratch.root / "many.log");
    INFO(many.output);
    REQUIRE(one.status == 0);
    REQUIRE(many.status == 0);
    CHECK(differing_files(scratch.root / "one", scratch.root / "many").empty());
    CHECK(count(many.output, "run 1 failed (non_finite):") == 1);
    CHECK(count(many.output, "3 runs (1 failed)") == 1);
}

TEST_CASE("a sweep cut short is resumed under mpirun, doing only the missing runs", "[scenarios][mpi][resume][process]") {
    // A one-process sweep's store is cut in the middle of a record (as a crash would leave it) and
    // its tables removed; `mpirun -np 2 ... --resume` must run exactly the runs not stored and end
    // with the files of the uninterrupted sweep.
    Scratch scratch("resume");
    const fs::path whole = scratch.root / "whole", cut = scratch.root / "cut";
    for (const auto& dir : {whole, cut})
        REQUIRE(run_process(sweep("mpi_sweep.json", dir, {"--threads", "1", "--quiet"}), scratch.root / "one.log").status == 0);
    for (const auto& entry : fs::directory_iterator(cut))
        if (entry.path().extension() == ".csv" && entry.path().filename() != "runs.csv") fs::remove(entry.path());
    fs::remove(cut / "manifest.json");
    fs::resize_file(cut / "runs.store", fs::file_size(cut / "runs.store") * 2 / 5 + 3);
    const std::size_t kept = store_records(cut / "runs.store").size();
    REQUIRE(kept > 0);
    REQUIRE(kept < 54);

    const auto resumed = run_process(mpirun(2, sweep("mpi_sweep.json", cut, {"--threads", "1", "--resume"})), scratch.root / "resumed.log");
    INFO(resumed.output);
    REQUIRE(resumed.status == 0);
    CHECK(count(resumed.output, fmt::format("; {} to run on 2 processes", 54 - kept)) == 1);
    CHECK(differing_files(whole, cut).empty());
}

TEST_CASE("a sweep that cannot start under mpirun is reported once by rank 0", "[scenarios][mpi][errors][process]") {
    // Rank 0's own setup error (resuming with a changed tolerance) stops every rank with exit status
    // 2 and one message; a rank that loads a different sweep than rank 0 is named with the field.
    Scratch scratch("refused");
    const fs::path dir = scratch.root / "dir";
    REQUIRE(run_process(sweep("fragile_sweep.json", dir, {"--quiet"}), scratch.root / "first.log").status == 0);
    const auto changed = run_process(mpirun(3, sweep("fragile_sweep.json", dir, {"--resume", "--rtol", "1e-7"})),
                                     scratch.root / "changed.log");
    INFO(changed.output);
    CHECK(changed.status == 2);
    CHECK(count(changed.output, "error: cannot resume the sweep in") == 1);
    CHECK(count(changed.output, "rtol was 1e-06, now 1e-07") == 1);

    // Open MPI's colon syntax starts rank 0 and rank 1 with different options.
    std::vector<std::string> args{NTSIM_MPIEXEC, "-np", "1"};
    for (const auto& a : sweep("fragile_sweep.json", scratch.root / "mixed", {})) args.push_back(a);
    args.insert(args.end(), {":", "-np", "1"});
    for (const auto& a : sweep("fragile_sweep.json", scratch.root / "mixed", {"--rtol", "1e-7"})) args.push_back(a);
    const auto mixed = run_process(args, scratch.root / "mixed.log");
    INFO(mixed.output);
    CHECK(mixed.status == 2);
    CHECK(count(mixed.output, "error: rank 1 (on ") == 1);
    CHECK(count(mixed.output, "loaded a different sweep than rank 0 (rtol was 1e-06, now 1e-07)") == 1);
}
