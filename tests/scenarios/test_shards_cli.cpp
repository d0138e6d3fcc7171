// `ntsim sweep --shard K/N` and `ntsim merge` through the real executable, as an array job would
// run them: the merged directory must equal a one-process sweep, and bad shard sets are refused.
#include <catch2/catch.hpp>

#include <regex>

#include <fmt/format.h>

#include "tests/scenarios/process.hpp"

namespace fs = std::filesystem;
using ntsim::test::differing_files;
using ntsim::test::run_process;
using ntsim::test::slurp;
using ntsim::test::store_records;

namespace {

std::string data(const std::string& file) { return std::string(NTSIM_SOURCE_DIR) + "/tests/scenarios/data/" + file; }

}  // namespace

TEST_CASE("ntsim merge of shards 0/3 1/3 2/3 equals one process and refuses missing or foreign shards",
          "[scenarios][shards][process]") {
    // Shard 1 is also resumed after a cut. The dense linear solver (not the default) checks that
    // merge restores every solver option into the manifest. The manifest's thread count is the one
    // field allowed to differ: a merge cannot know the threads of its shards and records 0.
    const fs::path root = fs::temp_directory_path() / ("ntsim_test_shards_cli_" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root);
    const std::vector<std::string> options{"--threads", "1", "--quiet", "--linear-solver", "dense"};
    auto sweep = [&](const std::string& scenario, const fs::path& dir, const std::string& shard) {
        std::vector<std::string> args{NTSIM_BINARY, "sweep", data(scenario), "-o", dir.string()};
        args.insert(args.end(), options.begin(), options.end());
        if (!shard.empty()) args.insert(args.end(), {"--shard", shard});
        return run_process(args, root / "sweep.log");
    };
    auto merge = [&](const std::vector<std::string>& shards, const fs::path& dir) {
        std::vector<std::string> args{NTSIM_BINARY, "merge"};
        for (const auto& s : shards) args.push_back((root / s).string());
        args.insert(args.end(), {"-o", dir.string(), "--quiet"});
        return run_process(args, root / "merge.log");
    };
    REQUIRE(sweep("mpi_sweep.json", root / "whole", "").status == 0);
    for (int k = 0; k < 3; ++k) REQUIRE(sweep("mpi_sweep.json", root / fmt::format("s{}", k), fmt::format("{}/3", k)).status == 0);
    // Shard 1 is cut short mid-record, as a killed array task leaves it, and resumed: it must run
    // exactly its 18 runs that are not stored.
    fs::resize_file(root / "s1" / "runs.store", fs::file_size(root / "s1" / "runs.store") / 2 + 5);
    const std::size_t kept = store_records(root / "s1" / "runs.store").size();
    REQUIRE(kept > 0);
    REQUIRE(kept < 18);
    std::vector<std::string> resume{NTSIM_BINARY, "sweep", data("mpi_sweep.json"), "-o", (root / "s1").string(), "--shard", "1/3",
                                    "--resume", "--threads", "1", "--linear-solver", "dense"};
    const auto resumed = run_process(resume, root / "resume.log");
    INFO(resumed.output);
    REQUIRE(resumed.status == 0);
    CHECK_THAT(resumed.output, Catch::Contains(fmt::format(", shard 1/3; {} to run", 18 - kept)));
    const auto merged = merge({"s0", "s1", "s2"}, root / "merged");
    INFO(merged.output);
    REQUIRE(merged.status == 0);
    CHECK(differing_files(root / "whole", root / "merged") == std::vector<std::string>{"manifest.json"});
    const std::regex threads("\"threads\": \\d+");
    CHECK(std::regex_replace(slurp(root / "whole" / "manifest.json"), threads, "") ==
          std::regex_replace(slurp(root / "merged" / "manifest.json"), threads, ""));
    CHECK_THAT(slurp(root / "merged" / "manifest.json"), Catch::Contains("\"linear_solver\": \"dense\""));

    const auto missing = merge({"s0", "s2"}, root / "bad");
    CHECK(missing.status == 2);
    CHECK(missing.output == "error: incomplete set of shards: missing 1/3\n");
    REQUIRE(sweep("fragile_sweep.json", root / "foreign", "1/3").status == 0);
    const auto foreign = merge({"s0", "foreign", "s2"}, root / "bad");
    CHECK(foreign.status == 2);
    CHECK_THAT(foreign.output, Catch::StartsWith(fmt::format("error: '{}' is a shard of a different sweep than '{}' (scenario_file was",
                                                             (root / "foreign").string(), (root / "s0").string())));
    CHECK_FALSE(fs::exists(root / "bad"));
    fs::remove_all(root);
}
