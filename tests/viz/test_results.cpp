// Reading a results directory written by `ntsim sweep` (the viz_sweep_toy fixture:
// tests/viz/data/report_sweep.json, 2 regions x (vehicle + 4 doses), 3 observables, 2 expectations).
#include <catch2/catch.hpp>

#include <filesystem>

#include "viz/results.hpp"

using namespace ntsim::viz;

TEST_CASE("read_results reads runs, tables and the manifest", "[viz][results]") {
    // Expected values follow from report_sweep.json: the sweep lists the hippocampus vehicle run
    // first, then its four doses, then the cortex; 12 h sampled every 15 min gives 49 samples.
    const Results r = read_results(NTSIM_VIZ_RESULTS_DIR);
    CHECK(r.scenario_name == "viz_toy_sweep");
    CHECK(std::filesystem::path(r.scenario_file).is_absolute());
    CHECK(r.axis_columns == std::vector<std::string>{"region", "compound", "dose_mg_per_kg", "route", "schedule"});
    REQUIRE(r.runs.size() == 10);
    CHECK(r.label(0, "compound") == "vehicle");
    CHECK(r.label(1, "dose_mg_per_kg") == "1");
    CHECK(r.runs[1].vehicle_run == std::optional<std::size_t>(0));
    CHECK(r.runs[6].vehicle_run == std::optional<std::size_t>(5));
    CHECK(r.label(0, "no such column").empty());
    CHECK(r.distinct("region") == std::vector<std::string>{"hippocampus", "cortex"});
    CHECK(r.observables == std::vector<std::string>{"active_fraction", "transcript", "drug_brain_nM"});
    REQUIRE(r.trajectory(2, "transcript") != nullptr);
    CHECK(r.trajectory(2, "transcript")->times_s.size() == 49);
    CHECK(r.trajectory(2, "transcript")->times_s.back() == 43200);
    REQUIRE(r.summary_row(2, "transcript") != nullptr);
    CHECK(r.summary_row(2, "transcript")->metrics.at("auc_fold_change") > 1);
    CHECK(r.half_maximal.size() == 6);  // 2 regions x 3 observables
    REQUIRE(r.expectations.size() == 2);
    CHECK(r.expectations[0].held);
    CHECK_FALSE(r.expectations[1].held);
}

TEST_CASE("read_states gives every species of every run over time", "[viz][results]") {
    // The toy model and drug have 6 species, all state variables.
    const Results r = read_results(NTSIM_VIZ_RESULTS_DIR);
    const SpeciesStates s = read_states(r);
    CHECK(s.species.size() == 6);
    REQUIRE(s.runs.size() == 10);
    for (const auto& run : s.runs) {
        CHECK(run.times_s.size() == 49);
        REQUIRE(run.values_nm.size() == 6);
        CHECK(run.values_nm[0].size() == 49);
    }
}

TEST_CASE("read_results and read_states say how to produce what is missing", "[viz][results]") {
    // Error paths: a directory that is not there, and results without states.csv.
    CHECK_THROWS_WITH(read_results("/nonexistent/results"), Catch::Contains("run `ntsim sweep SCENARIO -o DIR` first"));
    const auto copy = std::filesystem::path(NTSIM_VIZ_OUTPUT_DIR) / "results_without_states";
    std::filesystem::remove_all(copy);
    std::filesystem::create_directories(copy);
    for (const char* f : {"runs.csv", "manifest.json", "summary.csv"})
        std::filesystem::copy_file(std::filesystem::path(NTSIM_VIZ_RESULTS_DIR) / f, copy / f);
    const Results r = read_results(copy);
    CHECK(r.trajectories.empty());
    CHECK_THROWS_WITH(read_states(r), Catch::Contains("--states"));
}
