// Scenarios on SBML models: an SBML pathway swept with a JSON compound and regions, and a dosed
// run exported to SBML that reproduces ntsim's own run when re-imported.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include <unistd.h>

#include <fmt/format.h>

#include "scenarios/scenarios.hpp"

using namespace ntsim;
using namespace ntsim::scenarios;

namespace {

std::string data(const std::string& name) { return std::string(NTSIM_SOURCE_DIR) + "/tests/scenarios/data/sbml/" + name; }

RunnerOptions tight() {
    RunnerOptions options;
    options.solver.rtol = 1e-10;
    options.solver.atol = 1e-12;
    options.threads = 1;
    return options;
}

std::size_t run_index(const SweepPlan& plan, const std::string& region, const std::string& compound) {
    for (std::size_t index = 0; index < plan.size(); ++index) {
        const RunSettings s = plan.run(index).settings;
        if (s.region == region && s.compound == compound) return index;
    }
    FAIL("no run " << region << "/" << compound);
    return 0;
}

double last(const Scenario& s, const RunOutcome& o, const std::string& output) {
    const auto column = std::find(s.observables.begin(), s.observables.end(), output) - s.observables.begin();
    return o.values[(o.times_s.size() - 1) * s.observables.size() + static_cast<std::size_t>(column)];
}

}  // namespace

TEST_CASE("a sweep runs on an SBML model with a JSON compound and regions", "[scenarios][sbml]") {
    // Protects sweeps on SBML files: the compound's effect reaches the SBML parameter k_act, the
    // region override (a plain number, as the file's own) reaches k_deact, and outputs may name
    // SBML species and rule variables. Expected values: the baseline steady state of R <-> Ra,
    // Ra = 10 k_act/(k_act + k_deact), i.e. 2 with the file's values and 10/9 in region 'fast'.
    const Scenario scenario = load_scenario(data("sweep.json"));
    CHECK_FALSE(scenario.model.internal_units);
    const SweepPlan plan = expand(scenario);
    const SweepRunner runner(scenario);
    Progress progress;
    const auto outcomes = runner.run(plan, tight(), progress);
    REQUIRE(progress.failed == 0);

    const auto& vehicle = outcomes[run_index(plan, "as_published", "vehicle")];
    const auto& fast = outcomes[run_index(plan, "fast", "vehicle")];
    const auto& dosed = outcomes[run_index(plan, "as_published", "agonist")];
    CHECK(vehicle.values[0] == Approx(2.0).epsilon(1e-6));
    CHECK(last(scenario, vehicle, "active_fraction") == Approx(0.2).epsilon(1e-6));
    CHECK(fast.values[0] == Approx(10.0 / 9.0).epsilon(1e-6));
    // The agonist raises activation while it is in plasma (peak above the 2 nM baseline).
    const std::size_t ra = 0, outputs = scenario.observables.size();
    double peak = 0;
    for (std::size_t k = 0; k < dosed.times_s.size(); ++k) peak = std::max(peak, dosed.values[k * outputs + ra]);
    CHECK(peak > 3.0);
}

TEST_CASE("a dosed SBML-model run must not carry SBML events into a sweep", "[scenarios][sbml][errors]") {
    // Protects against a silent wrong sweep: the runner does not execute SBML events, so a model
    // with events is refused at load, naming the event.
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("ntsim_sbml_events_{}", ::getpid());
    std::filesystem::create_directories(dir);
    const models::Model base = models::load_sbml(data("receptor.xml"));
    models::Model with_event = base;
    with_event.events.push_back({"pulse", models::parse_expression("time >= 10"), true, true, nullptr, nullptr, true,
                                 {{with_event.ids.at("Ra"), models::number(5.0)}}, {}});
    models::write_sbml(with_event, dir / "receptor.xml");
    for (const char* f : {"agonist.json", "fast_region.json", "file_region.json", "sweep.json"})
        std::filesystem::copy_file(data(f), dir / f, std::filesystem::copy_options::overwrite_existing);
    try {
        load_scenario(dir / "sweep.json");
        FAIL("no error");
    } catch (const ScenarioError& e) {
        CHECK_THAT(e.what(), Catch::Contains("/model: model 'receptor switch' has events (first: 'pulse'); sweeps do not execute SBML events yet"));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("a dosed run exported to SBML reproduces ntsim's run", "[scenarios][sbml][export]") {
    // Protects the export of compounds and regions: PK species and reactions, doses as events,
    // region values and the pre-equilibrated baseline as initial values. Reference: ntsim's own
    // run of the same settings (two doses, region 'fast'); both integrate at rtol 1e-10, so
    // 1e-6 relative (plus 1e-9 nM) bounds the difference between two correct integrations of
    // a system with dose discontinuities located by root finding on one side.
    const Scenario scenario = load_scenario(data("sweep.json"));
    Scenario in_fast = scenario;
    in_fast.base.region = "fast";
    const SweepPlan plan = base_run(in_fast);
    const RunSettings settings = plan.run(0).settings;
    const SweepRunner runner(scenario);
    const models::Model dosed = dosed_model(runner, scenario, settings);
    REQUIRE(dosed.events.size() == 2);

    const std::string sbml = models::to_sbml(dosed);
    const models::Model imported = models::load_sbml_from_string(sbml, "dosed.xml");
    const models::Network network(imported);
    const solver::OdeSystem system = solver::compile(network);

    Progress progress;
    const auto ntsim_run = runner.run(plan, tight(), progress).front();
    REQUIRE(ntsim_run.status == RunStatus::ok);

    std::vector<double> inputs = system.default_inputs(), x0;
    system.initial_values(inputs, x0);
    const auto run = solver::simulate(system, inputs, x0, ntsim_run.times_s, tight().solver);
    REQUIRE_FALSE(run.failure);
    std::vector<models::ExprPtr> probes;
    for (const auto& id : scenario.observables) probes.push_back(models::symbol(id));
    solver::Probe probe(system, probes);
    solver::Workspace ws(system);
    ws.set_inputs(inputs);
    std::vector<double> row(probes.size());
    for (std::size_t k = 0; k < ntsim_run.times_s.size(); ++k) {
        probe.evaluate(ws, ntsim_run.times_s[k], run.trajectory.states.data() + k * system.size(), row.data());
        for (std::size_t j = 0; j < row.size(); ++j) {
            INFO(scenario.observables[j] << " at t = " << ntsim_run.times_s[k]);
            CHECK(row[j] == Approx(ntsim_run.values[k * row.size() + j]).epsilon(1e-6).margin(1e-9));
        }
    }
}
