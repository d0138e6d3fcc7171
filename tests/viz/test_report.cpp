// The report page: one self-contained file whose inlined data describe every species, run and
// expectation of the sweep (the browser side is tested by report.test.mjs).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/load.hpp"
#include "viz/report.hpp"

using namespace ntsim;

namespace {

struct Page {
    std::string html;
    nlohmann::json data;
};

const Page& toy_page() {
    static const Page page = [] {
        const models::Model model = models::load(std::vector<std::filesystem::path>{
            NTSIM_SOURCE_DIR "/tests/scenarios/data/toy_pathway.json", NTSIM_SOURCE_DIR "/tests/scenarios/data/toy_drug.json"});
        const viz::Results results = viz::read_results(NTSIM_VIZ_RESULTS_DIR);
        Page p{viz::report_html(model, results, viz::read_states(results)), {}};
        const std::string open = "<script type=\"application/json\" id=\"ntsim-data\">";
        const auto start = p.html.find(open) + open.size();
        p.data = nlohmann::json::parse(p.html.substr(start, p.html.find("</script>", start) - start));
        return p;
    }();
    return page;
}

}  // namespace

TEST_CASE("the report is one file: nothing is loaded from elsewhere", "[viz][report]") {
    // Offline use: no <script src>, no <link>, no remote URL in an attribute; the libraries are inlined.
    const std::string& html = toy_page().html;
    CHECK(html.find("<script src") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("src=\"http") == std::string::npos);
    CHECK(html.find("href=\"http") == std::string::npos);
    CHECK_THAT(html, Catch::Contains("cytoscape") && Catch::Contains("uPlot"));
    CHECK(html.find("@DATA@") == std::string::npos);
    CHECK(html.rfind("</html>") != std::string::npos);
}

TEST_CASE("the report's data hold every species with its position and states", "[viz][report]") {
    // 6 species and 7 reactions; states rounded to 4 significant digits (report.cpp).
    const auto& data = toy_page().data;
    const auto& nodes = data.at("network").at("nodes");
    std::size_t species = 0;
    for (const auto& n : nodes) {
        CHECK(n.contains("x"));
        CHECK(n.contains("y"));
        if (n.at("kind") == "species") {
            ++species;
            CHECK(n.at("state").get<int>() >= 0);
        }
    }
    CHECK(species == 6);
    CHECK(nodes.size() == 13);
    CHECK(data.at("network").at("edges").size() == 13);
    CHECK(data.at("network").at("engine") == "dot");

    const viz::Results results = viz::read_results(NTSIM_VIZ_RESULTS_DIR);
    const viz::SpeciesStates states = viz::read_states(results);
    const auto& runs = data.at("runs");
    REQUIRE(runs.size() == 10);
    CHECK(runs[1].at("vehicle") == 0);
    CHECK(runs[1].at("labels")[0] == "hippocampus");
    const auto& values = runs[2].at("v");
    for (std::size_t s = 0; s < states.species.size(); ++s)
        for (std::size_t k = 0; k < states.runs[2].times_s.size(); ++k) {
            const double expected = states.runs[2].values_nm[s][k];
            CHECK(values[s][k].get<double>() == Approx(expected).epsilon(5e-4).margin(1e-300));
        }
}

TEST_CASE("the report lists the expectations with held or failed", "[viz][report]") {
    // report_sweep.json has one expectation that holds and one written to fail.
    const auto& e = toy_page().data.at("expectations");
    REQUIRE(e.size() == 2);
    CHECK(e[0].at("id") == "drug_raises_transcript");
    CHECK(e[0].at("held") == true);
    CHECK(e[1].at("held") == false);
}

TEST_CASE("the effect edge and the compound's module are marked in the report data", "[viz][report]") {
    // drug_brain drives the 'drug_on_activation' effect on reaction 'activation'.
    const auto& network = toy_page().data.at("network");
    std::size_t effects = 0;
    for (const auto& e : network.at("edges"))
        if (e.contains("effect")) {
            ++effects;
            CHECK(e.at("effect") == "toy_drug scales k_act");
        }
    CHECK(effects == 1);
    bool compound_module = false;
    for (const auto& m : network.at("modules")) compound_module = compound_module || m.value("compound", false);
    CHECK(compound_module);
}
