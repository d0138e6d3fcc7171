// The malformed-input corpus: every file under tests/corpus/<format>/ (parts/ holds the valid
// files they refer to) is loaded through the entry point ntsim uses for its format and must be
// refused with an error whose text holds the file name and each substring expected.json lists
// for it. Formats: model (JSON model and compound files, models::load), scenario (JSON scenario
// and sweep files, load_scenario then expand), sbml (load_sbml, then compile), expression (rate
// law text, placed in a one-reaction model and loaded).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "models/models.hpp"
#include "scenarios/scenarios.hpp"
#include "solver/solver.hpp"

namespace fs = std::filesystem;
using namespace ntsim;

namespace {

const fs::path corpus = fs::path(NTSIM_SOURCE_DIR) / "tests" / "corpus";

std::string slurp(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The expression as the rate of reaction r (A -> B) in a model that also declares C.
std::string model_with_rate(const std::string& expression) {
    nlohmann::json model = nlohmann::json::parse(R"({
      "species": [{"id": "A", "initial": 1, "unit": "nM"}, {"id": "B", "initial": 0, "unit": "nM"},
                  {"id": "C", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "1/s", "source": "assumed: corpus"}],
      "reactions": [{"id": "r", "reactants": ["A"], "products": ["B"], "rate": {"type": "expression"}}]})");
    model["reactions"][0]["rate"]["expression"] = expression;
    return model.dump();
}

// Loads `file` the way ntsim does for its format; returns the error text, or nothing if it loaded.
std::optional<std::string> error_of(const std::string& format, const fs::path& file) {
    try {
        if (format == "model") {
            models::load(file);
        } else if (format == "scenario") {
            const scenarios::Scenario scenario = scenarios::load_scenario(file);
            scenarios::expand(scenario);
        } else if (format == "sbml") {
            const models::Model model = models::load_sbml(file);
            const models::Network network(model);
            solver::compile(network);
        } else if (format == "expression") {
            models::load_from_string(model_with_rate(slurp(file)), file);
        } else {
            FAIL("unknown corpus format '" << format << "'");
        }
    } catch (const std::exception& e) {
        // Any exception is caught here so that a wrong type still shows its text; ntsim's
        // command line reports ModelError and std::invalid_argument as bad input.
        return std::string(e.what());
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("every malformed input of the corpus is refused with its expected message", "[corpus]") {
    const auto expected = nlohmann::json::parse(slurp(corpus / "expected.json"));
    std::set<std::string> listed;
    std::map<std::string, int> per_format;
    for (const auto& [relative, substrings] : expected.items()) {
        INFO(relative);
        listed.insert(relative);
        const fs::path file = corpus / relative;
        const std::string format = fs::path(relative).begin()->string();
        REQUIRE(fs::exists(file));
        const auto what = error_of(format, file);
        REQUIRE(what);
        INFO(*what);
        CHECK_THAT(*what, Catch::Contains(file.filename().string()));
        CHECK_FALSE(substrings.empty());
        for (const auto& s : substrings) CHECK_THAT(*what, Catch::Contains(s.get<std::string>()));
        ++per_format[format];
    }
    // Every corpus file has its expectation, and the corpus keeps its size.
    for (const auto& format : {"model", "scenario", "sbml", "expression"}) {
        for (const auto& entry : fs::directory_iterator(corpus / format)) {
            if (!entry.is_regular_file()) continue;
            const std::string relative = std::string(format) + "/" + entry.path().filename().string();
            INFO(relative);
            CHECK(listed.count(relative) == 1);
        }
        CHECK(per_format[format] >= 8);
    }
    CHECK(listed.size() >= 40);
}
