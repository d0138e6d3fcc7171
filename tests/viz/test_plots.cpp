// SVG figures of the toy sweep (fixture viz_sweep_toy: 2 regions x (vehicle + 4 doses), 3
// observables): parsed as XML and checked for titles, axis labels, panels and one series per run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "models/load.hpp"
#include "tests/viz/xml_query.hpp"
#include "viz/plots.hpp"

using namespace ntsim;
using namespace ntsim::viz;
using namespace ntsim::viz::testing;

namespace {

PlotOptions toy_options() {
    static const models::Model model = models::load(std::vector<std::filesystem::path>{
        NTSIM_SOURCE_DIR "/tests/scenarios/data/toy_pathway.json", NTSIM_SOURCE_DIR "/tests/scenarios/data/toy_drug.json"});
    PlotOptions options;
    options.quantities = observable_quantities(model);
    return options;
}

const Figure& named(const std::vector<Figure>& figures, const std::string& file) {
    const auto it = std::find_if(figures.begin(), figures.end(), [&](const Figure& f) { return f.file_name == file; });
    if (it == figures.end()) FAIL("no figure " << file);
    return *it;
}

}  // namespace

TEST_CASE("time courses: one panel per region, one line per run, axes with units", "[viz][plots]") {
    // Each region has a vehicle run and four doses, so five lines per panel; transcript is mRNA
    // (nM) and active_fraction a ratio; the run lasts 12 h, so time is in hours.
    const Results results = read_results(NTSIM_VIZ_RESULTS_DIR);
    const auto figures = time_course_figures(results, toy_options());
    REQUIRE(figures.size() == 3);
    const Tree svg = parse_xml(named(figures, "time_course_transcript.svg").svg);
    CHECK(svg.get<std::string>("svg.title") == "transcript: time course");
    CHECK(texts(find_class(svg, "text", "figure-title")) == std::vector<std::string>{"transcript: time course"});
    const auto panels = find_class(svg, "g", "panel");
    REQUIRE(panels.size() == 2);
    CHECK(attribute(*panels[0], "data-panel") == "hippocampus");
    CHECK(attribute(*panels[1], "data-panel") == "cortex");
    for (const Tree* panel : panels) {
        const auto series = find_class(*panel, "path", "series");
        REQUIRE(series.size() == 5);
        CHECK(attribute(*series[0], "data-series") == "vehicle");
        CHECK(attribute(*series[0], "stroke-dasharray") == "9 6");
        CHECK(attribute(*series[4], "data-series") == "toy_drug 30 mg/kg");
        for (const Tree* s : series) {
            const std::string d = attribute(*s, "d");
            CHECK(std::count(d.begin(), d.end(), 'L') == 48);  // a line through all 49 samples
        }
        CHECK(texts(find_class(*panel, "text", "x-axis-label")) == std::vector<std::string>{"time (h)"});
        CHECK(texts(find_class(*panel, "text", "y-axis-label")) == std::vector<std::string>{"concentration (nM)"});
        CHECK(texts(find_class(*panel, "text", "panel-title")) == std::vector<std::string>{attribute(*panel, "data-panel")});
    }
    CHECK(find_class(svg, "text", "legend-label").size() == 5);
    const Tree fraction = parse_xml(named(figures, "time_course_active_fraction.svg").svg);
    CHECK(texts(find_class(fraction, "text", "y-axis-label"))[0] == "value (dimensionless)");
}

TEST_CASE("time courses: regions share the y axis unless one region's values are far smaller", "[viz][plots]") {
    // The cortex transcript peaks near 4 nM, the hippocampal one near 23 nM (more than 3x): own axes,
    // and the figure says so; the active fraction peaks near 0.23 in both: one shared axis.
    const Results results = read_results(NTSIM_VIZ_RESULTS_DIR);
    const auto figures = time_course_figures(results, toy_options());
    const auto ticks = [](const Tree& panel) { return texts(find_class(panel, "text", "tick-label")); };
    const Tree transcript = parse_xml(named(figures, "time_course_transcript.svg").svg);
    auto panels = find_class(transcript, "g", "panel");
    CHECK(ticks(*panels[0]) != ticks(*panels[1]));
    CHECK(texts(find_class(transcript, "text", "legend-note")) == std::vector<std::string>{"y axes differ by region"});
    const Tree fraction = parse_xml(named(figures, "time_course_active_fraction.svg").svg);
    panels = find_class(fraction, "g", "panel");
    CHECK(ticks(*panels[0]) == ticks(*panels[1]));
    CHECK(find_class(fraction, "text", "legend-note").empty());
}

TEST_CASE("time courses of chosen observables only", "[viz][plots]") {
    // --observable transcript: one figure; an unknown id lists the known ones.
    const Results results = read_results(NTSIM_VIZ_RESULTS_DIR);
    PlotOptions options = toy_options();
    options.observables = {"transcript"};
    CHECK(time_course_figures(results, options).size() == 1);
    options.observables = {"mRNA_total"};
    CHECK_THROWS_WITH(time_course_figures(results, options),
                      Catch::Contains("no observable 'mRNA_total'") && Catch::Contains("known: active_fraction, transcript, drug_brain_nM"));
}

TEST_CASE("dose-response: AUC fold change over dose with the EC50 of ec50.csv marked", "[viz][plots]") {
    // Four positive doses per region; the EC50 labels must show ec50.csv's numbers; drug_brain_nM has
    // no fold change (zero under vehicle), so it gets no figure.
    const Results results = read_results(NTSIM_VIZ_RESULTS_DIR);
    const auto figures = dose_response_figures(results, toy_options());
    REQUIRE(figures.size() == 2);
    const Tree svg = parse_xml(named(figures, "dose_response_transcript.svg").svg);
    const auto panels = find_class(svg, "g", "panel");
    REQUIRE(panels.size() == 2);
    for (const Tree* panel : panels) {
        CHECK(find_class(*panel, "path", "series").size() == 1);
        CHECK(find_class(*panel, "circle", "dose-point").size() == 4);
        CHECK(find_class(*panel, "path", "ec50-marker").size() == 1);
        CHECK(texts(find_class(*panel, "text", "x-axis-label"))[0] == "dose (mg/kg, log scale)");
        CHECK(texts(find_class(*panel, "text", "y-axis-label"))[0] == "AUC fold change vs vehicle");
        const std::string region = attribute(*panel, "data-panel");
        const auto h = std::find_if(results.half_maximal.begin(), results.half_maximal.end(), [&](const HalfMaximalRecord& r) {
            return r.observable == "transcript" && r.labels[0] == region;
        });
        REQUIRE(h != results.half_maximal.end());
        REQUIRE(h->dose_mg_per_kg);
        CHECK(texts(find_class(*panel, "text", "ec50-label"))[0] == fmt::format("EC50 {:.3g} mg/kg", *h->dose_mg_per_kg));
        const auto details = texts(find_class(svg, "text", "legend-detail"));
        CHECK(std::count(details.begin(), details.end(), fmt::format("{}: EC50 {:.3g} mg/kg", region, *h->dose_mg_per_kg)) == 1);
    }
}

TEST_CASE("heat map: a cell per observable, compound dose and region, valued from summary.csv", "[viz][plots]") {
    // 2 observables x 4 doses in each of 2 regions (drug_brain_nM is zero under vehicle, so it has
    // no fold change and is left out, as a note says); a cell's value is the run's AUC fold change.
    const Results results = read_results(NTSIM_VIZ_RESULTS_DIR);
    const auto figures = heat_map_figures(results, toy_options());
    REQUIRE(figures.size() == 1);
    const Tree svg = parse_xml(figures[0].svg);
    CHECK(svg.get<std::string>("svg.title") == "Fold change vs vehicle by compound, observable and region");
    const auto panels = find_class(svg, "g", "panel");
    REQUIRE(panels.size() == 2);
    CHECK(find_class(*panels[0], "rect", "cell").size() == 8);
    CHECK(texts(find_class(*panels[0], "text", "column-label")) == std::vector<std::string>{"1", "3", "10", "30"});
    CHECK(texts(find_class(*panels[0], "text", "compound-label")) == std::vector<std::string>{"toy_drug, mg/kg"});
    CHECK(texts(find_class(svg, "text", "row-label")) == std::vector<std::string>{"active_fraction", "transcript"});
    CHECK(texts(find_class(svg, "text", "heat-map-note")) == std::vector<std::string>{"Left out (zero under vehicle, so no fold change): drug_brain_nM"});
    const auto cells = find_all(*panels[0], "rect", [](const Tree& t) {
        return has_class(t, "cell") && attribute(t, "data-observable") == "transcript" && attribute(t, "data-column") == "toy_drug 3 mg/kg";
    });
    REQUIRE(cells.size() == 1);
    CHECK(std::stod(attribute(*cells[0], "data-value")) == Approx(results.summary_row(2, "transcript")->metrics.at("auc_fold_change")).epsilon(1e-5));
}

TEST_CASE("write_plots writes every figure as a file", "[viz][plots]") {
    // 3 time courses + 2 dose-response + 1 heat map.
    const auto dir = std::filesystem::path(NTSIM_VIZ_OUTPUT_DIR) / "plots_unit_test";
    std::filesystem::remove_all(dir);
    const auto files = write_plots(read_results(NTSIM_VIZ_RESULTS_DIR), toy_options(), dir);
    CHECK(files.size() == 6);
    for (const auto& f : files) CHECK(std::filesystem::file_size(f) > 1000);
}
