// Sweep size limits: a sweep of 10^9 runs, an oversized sample design and an absurd sampling
// interval are refused while loading, before any run or axis value is materialised.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "scenarios/scenarios.hpp"

namespace fs = std::filesystem;
using namespace ntsim;

namespace {

std::string data(const std::string& name) { return std::string(NTSIM_SOURCE_DIR) + "/tests/scenarios/data/" + name; }

// A scenario over the toy pathway with the given "observe", "outputs" and "axes" JSON.
std::string error_of_scenario(const std::string& name, const std::string& observe, const std::string& outputs, const std::string& axes) {
    const fs::path dir = fs::temp_directory_path() / ("ntsim_test_scenario_limits_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path file = dir / name;
    std::ofstream(file) << R"({"name": "limits", "model": ")" << data("fragile.json") << R"(",
      "regions": {"plain": ")" << data("region_plain.json") << R"("},
      "schedules": {"none": {"doses": 1}}, "run": {"region": "plain", "schedule": "none"},
      "observe": ")" << observe << R"(", "outputs": )" << outputs << R"(, "axes": )" << axes << "}";
    std::string what;
    try {
        const scenarios::Scenario scenario = scenarios::load_scenario(file);
        scenarios::expand(scenario);
    } catch (const scenarios::ScenarioError& e) {
        what = e.what();
    }
    fs::remove_all(dir);
    return what;
}

std::string grid(const std::string& id) {
    return R"({"axis": "parameter", "id": ")" + id + R"(", "grid": {"from": "1 nM", "to": "2 nM", "points": 1000}})";
}

}  // namespace

TEST_CASE("a sweep expanding to 10^9 runs is refused before it is expanded", "[scenarios][limits]") {
    // Three 1000-point grids (a parameter and two initial values): only the three axes (3000 values) exist when the product is checked,
    // so the refusal is immediate; a run list of 10^9 entries would need hundreds of gigabytes.
    const auto start = std::chrono::steady_clock::now();
    const std::string what = error_of_scenario("billion.json", "1h", R"({"every": "10min"})",
                                               "[" + grid("c") + ", " + grid("A") + ", " + grid("B") + "]");
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 2.0);
    CHECK_THAT(what, Catch::Contains("billion.json: /axes: the sweep expands to 1e+09 runs, more than the limit of 1e+06"));
}

TEST_CASE("an oversized sample design is refused before it is drawn", "[scenarios][limits]") {
    // 10^7 points x 10^4 replicates would be 10^11 draws per parameter if drawn first.
    const auto start = std::chrono::steady_clock::now();
    const std::string what = error_of_scenario("sampled.json", "1h", R"({"every": "10min"})",
        R"([{"axis": "sample", "method": "latin_hypercube", "points": 10000000, "replicates": 10000,
             "parameters": {"c": {"from": "1 nM", "to": "2 nM"}}}])");
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 2.0);
    CHECK_THAT(what, Catch::Contains("sampled.json: /axes/0: the sweep expands to 1e+11 runs, more than the limit of 1e+06"));
}

TEST_CASE("sampling a long observation every second is refused by samples per run", "[scenarios][limits]") {
    // 1000 days every second is 8.64e7 samples, each held per run in flight.
    const std::string what = error_of_scenario("dense.json", "1000 d", R"({"every": "1 s"})", "[]");
    CHECK_THAT(what, Catch::Contains("dense.json: /outputs/every: sampling every 1 s gives 8.64e+07 samples per run with "
                                     "schedule 'none', more than the limit of 100000"));
}
