// Scenarios end to end: PK against analytic solutions, exact dose steps, determinism across
// thread counts, failing runs that keep the others, expectations, and located errors.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>

#include "scenarios/scenarios.hpp"

namespace fs = std::filesystem;
using namespace ntsim;
using namespace ntsim::scenarios;

namespace {

std::string data(const std::string& name) { return std::string(NTSIM_SOURCE_DIR) + "/tests/scenarios/data/" + name; }

// A scenario file's sweep, run in memory. Not copied: the plan refers to the scenario.
struct Ran {
    explicit Ran(const std::string& file, RunnerOptions options = {}) : scenario(load_scenario(data(file))), plan(expand(scenario)) {
        Progress progress;
        outcomes = SweepRunner(scenario).run(plan, options, progress);
    }
    Ran(const Ran&) = delete;
    Ran& operator=(const Ran&) = delete;

    const Scenario scenario;
    const SweepPlan plan;
    std::vector<RunOutcome> outcomes;
};

// The values of one observable of one run, by sample.
std::vector<double> series(const Ran& r, std::size_t run, const std::string& observable) {
    const auto& out = r.outcomes[run];
    const std::size_t n = r.scenario.observables.size();
    const auto o = static_cast<std::size_t>(
        std::find(r.scenario.observables.begin(), r.scenario.observables.end(), observable) - r.scenario.observables.begin());
    std::vector<double> v;
    for (std::size_t k = 0; k < out.times_s.size(); ++k) v.push_back(out.values[k * n + o]);
    return v;
}

std::size_t treated_run(const Ran& r) {
    for (std::size_t index = 0; index < r.plan.size(); ++index)
        if (r.plan.run(index).settings.compound != "vehicle") return index;
    FAIL("no treated run");
    return 0;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

RunnerOptions tight() {
    RunnerOptions o;
    o.solver.rtol = 1e-10;
    o.solver.atol = 1e-10;
    return o;
}

}  // namespace

TEST_CASE("an i.v. bolus follows the two-compartment analytic solution", "[scenarios][pk]") {
    // Reference: dP/dt = -(kel+kin)P + kout B, dB/dt = kin P - kout B (equal volumes), P(0) = D,
    // solved by the eigen-decomposition of the 2x2 matrix. D = 3 mg/kg / 300 g/mol / 1 L/kg = 10 uM.
    const Ran r("pk_iv.json", tight());
    const std::size_t run = treated_run(r);
    REQUIRE(r.outcomes[run].status == RunStatus::ok);
    const double d = 1e4, kel = 2e-4, kin = 5e-4, kout = 5e-4;
    const double a = -(kel + kin), b = kout, c = kin, e = -kout;
    const double tr = a + e, det = a * e - b * c, disc = std::sqrt(tr * tr / 4 - det);
    const double l1 = tr / 2 + disc, l2 = tr / 2 - disc;
    // P = c1 e^{l1 t} + c2 e^{l2 t} with c1 + c2 = D and l1 c1 + l2 c2 = a D.
    const double c1 = (a * d - l2 * d) / (l1 - l2), c2 = d - c1;
    const auto plasma = series(r, run, "drug_plasma_nM"), brain = series(r, run, "drug_brain_nM");
    const auto& times = r.outcomes[run].times_s;
    REQUIRE(times.size() == 37);
    for (std::size_t k = 0; k < times.size(); ++k) {
        const double t = times[k];
        const double p = c1 * std::exp(l1 * t) + c2 * std::exp(l2 * t);
        const double bb = (c1 * (l1 - a) / b) * std::exp(l1 * t) + (c2 * (l2 - a) / b) * std::exp(l2 * t);
        CHECK(plasma[k] == Approx(p).epsilon(1e-7));
        CHECK(brain[k] == Approx(bb).epsilon(1e-7).margin(1e-7));
    }
}

TEST_CASE("a dose changes the dosed species by exactly the dose", "[scenarios][pk]") {
    // Reference: the bolus 3 mg/kg / 300 g/mol / 1 L/kg = 1e-5 mol/L = 10000 nM, added to a
    // pre-dose plasma concentration of zero, is the sample at the dose time.
    const Ran r("pk_iv.json");
    const std::size_t run = treated_run(r);
    const SweepRunner runner(r.scenario);
    std::vector<double> inputs, x0;
    const RunSettings settings = r.plan.run(run).settings;
    runner.run_inputs(settings, inputs, x0);
    const auto [state, step] = runner.dose_step(settings, inputs);
    CHECK(runner.system().state_ids()[state] == "drug_plasma");
    CHECK(step == Approx(1e4).epsilon(1e-14));
    CHECK(std::fabs(series(r, run, "drug_plasma_nM").front() - 1e4) < 1e-9);
}

TEST_CASE("an oral dose follows the Bateman function", "[scenarios][pk]") {
    // Reference: one-compartment absorption and elimination (brain uptake set to 0 by the run's
    // parameter override), C(t) = F D ka/(ka - kel) (e^{-kel t} - e^{-ka t}), with F = 0.5 and
    // D = 0.3 mg/kg / 300 g/mol / 1 L/kg = 1000 nM.
    const Ran r("pk_oral.json", tight());
    const std::size_t run = treated_run(r);
    REQUIRE(r.outcomes[run].status == RunStatus::ok);
    const double fd = 0.5 * 1000, ka = 1e-3, kel = 2e-4;
    const auto plasma = series(r, run, "drug_plasma_nM");
    const auto& times = r.outcomes[run].times_s;
    for (std::size_t k = 0; k < times.size(); ++k) {
        const double t = times[k];
        CHECK(plasma[k] == Approx(fd * ka / (ka - kel) * (std::exp(-kel * t) - std::exp(-ka * t))).epsilon(1e-7).margin(1e-8));
    }
}

// Runs a scenario the way `ntsim sweep` does: through a run store, finished into tables.
void sweep_into(const std::string& file, const fs::path& dir, RunnerOptions options, const Shard& shard = {}) {
    const Scenario scenario = load_scenario(data(file));
    const SweepPlan plan = expand(scenario);
    prepare_output_directory(dir);
    claim_output_directory(dir, identify(scenario, plan, shard, options), false);
    write_plan(dir, plan);
    RunStore store(dir);
    const SweepRunner runner(scenario);
    Progress progress;
    runner.run(plan, runs_to_do(plan, shard, store), options, progress, [&](std::vector<RunOutcome>&& done) { store.append(done); });
    if (shard.count == 1) finish_sweep(dir, scenario, plan, store, {"test", options.threads, options}, true, {});
}

const std::vector<std::string> result_files{"runs.csv", "trajectories.csv", "summary.csv", "divergence.csv", "expectations.csv"};

TEST_CASE("the same sweep writes byte-identical files on 1 and 4 threads", "[scenarios][determinism]") {
    // Protects "results are written by run index": outputs must not depend on scheduling. Small
    // chunks make the 4-thread run interleave many chunk boundaries.
    const fs::path root = fs::temp_directory_path() / ("ntsim_test_determinism_" + std::to_string(::getpid()));
    fs::remove_all(root);
    for (unsigned threads : {1u, 4u}) {
        RunnerOptions options;
        options.threads = threads;
        options.chunk_runs = threads == 1 ? 0 : 3;
        sweep_into("toy_sweep.json", root / std::to_string(threads), options);
    }
    for (const auto& file : result_files) {
        INFO(file);
        const std::string one = slurp(root / "1" / file), four = slurp(root / "4" / file);
        CHECK_FALSE(one.empty());
        CHECK(one == four);
    }
    fs::remove_all(root);
}

TEST_CASE("runs reach the sink in run order, and a failing sink ends the sweep with its error", "[scenarios][runner]") {
    // Protects the hand-off from the pipeline to the calling thread: runs are taken grouped by
    // baseline within a batch, yet each batch must arrive sorted and the batches in order; a sink
    // that throws (a full disk) must stop the workers, not leave them waiting, and reach the caller.
    const Scenario scenario = load_scenario(data("toy_sweep.json"));
    const SweepPlan plan = expand(scenario);
    REQUIRE(plan.size() >= 4);
    const SweepRunner runner(scenario);
    std::vector<std::size_t> all(plan.size());
    std::iota(all.begin(), all.end(), std::size_t{0});
    RunnerOptions options;
    options.threads = 2;
    Progress progress;
    std::vector<std::size_t> delivered;
    // Batches of 3 cross the regions' boundary; one batch of 8 is taken as 0, 4, 1, 5... (two regions).
    for (std::size_t batch : {3, 8}) {
        options.chunk_runs = batch;
        delivered.clear();
        runner.run(plan, all, options, progress, [&](std::vector<RunOutcome>&& finished) {
            CHECK(finished.size() <= batch);
            for (const auto& o : finished) delivered.push_back(o.run);
        });
        CHECK(delivered == all);
    }

    options.chunk_runs = 1;
    delivered.clear();
    CHECK_THROWS_WITH(runner.run(plan, all, options, progress,
                                 [&](std::vector<RunOutcome>&& finished) {
                                     for (const auto& o : finished) delivered.push_back(o.run);
                                     if (delivered.size() == 2) throw std::runtime_error("disk full");
                                 }),
                      "disk full");
    CHECK(delivered == std::vector<std::size_t>{0, 1});
}

TEST_CASE("shards merged give the same files as one process", "[scenarios][shards]") {
    // Protects --shard K/N and ntsim merge: three shards of the toy sweep, merged, must equal the
    // single-process results byte for byte; a missing, foreign or unfinished shard is refused by
    // name before anything is written.
    const fs::path root = fs::temp_directory_path() / ("ntsim_test_shards_" + std::to_string(::getpid()));
    fs::remove_all(root);
    RunnerOptions options;
    sweep_into("toy_sweep.json", root / "whole", options);
    for (std::size_t k = 0; k < 3; ++k) sweep_into("toy_sweep.json", root / fmt::format("shard{}", k), options, {k, 3});
    merge_shards({root / "shard0", root / "shard1", root / "shard2"}, root / "merged");
    {
        const Scenario scenario = load_scenario(data("toy_sweep.json"));
        const SweepPlan plan = expand(scenario);
        write_plan(root / "merged", plan);
        const RunStore store(root / "merged");
        finish_sweep(root / "merged", scenario, plan, store, {"test", 0, options}, true, {});
    }
    for (const auto& file : result_files) {
        INFO(file);
        CHECK(slurp(root / "whole" / file) == slurp(root / "merged" / file));
    }
    CHECK_THROWS_WITH(merge_shards({root / "shard0", root / "shard2"}, root / "bad"),
                      Catch::Contains("incomplete set of shards: missing 1/3"));
    sweep_into("fragile_sweep.json", root / "foreign", options, {1, 3});
    CHECK_THROWS_WITH(merge_shards({root / "shard0", root / "foreign", root / "shard2"}, root / "bad"),
                      Catch::Contains("is a shard of a different sweep") && Catch::Contains("foreign"));
    {
        // Shard 1/3 owns runs 1, 4 and 7 of 8; it stopped after run 1.
        const Scenario scenario = load_scenario(data("toy_sweep.json"));
        const SweepPlan plan = expand(scenario);
        prepare_output_directory(root / "unfinished");
        claim_output_directory(root / "unfinished", identify(scenario, plan, {1, 3}, options), false);
        RunStore store(root / "unfinished");
        Progress progress;
        SweepRunner(scenario).run(plan, {1}, options, progress, [&](std::vector<RunOutcome>&& done) { store.append(done); });
    }
    CHECK_THROWS_WITH(merge_shards({root / "shard0", root / "unfinished", root / "shard2"}, root / "bad"),
                      Catch::Contains(fmt::format("unfinished shards: shard 1/3 in '{}' lacks 2 of its 3 runs (4, 7)",
                                                  (root / "unfinished").string())));
    CHECK_FALSE(fs::exists(root / "bad" / "sweep.json"));
    fs::remove_all(root);
}

TEST_CASE("a resumed sweep skips finished runs and refuses changed inputs", "[scenarios][resume]") {
    // Protects --resume: a store holding some runs is completed without redoing them; the result
    // equals an uninterrupted sweep; a different solver tolerance is named as the change.
    const fs::path root = fs::temp_directory_path() / ("ntsim_test_resume_" + std::to_string(::getpid()));
    fs::remove_all(root);
    RunnerOptions options;
    sweep_into("toy_sweep.json", root / "whole", options);

    const Scenario scenario = load_scenario(data("toy_sweep.json"));
    const SweepPlan plan = expand(scenario);
    const fs::path dir = root / "resumed";
    prepare_output_directory(dir);
    claim_output_directory(dir, identify(scenario, plan, {}, options), false);
    write_plan(dir, plan);
    const SweepRunner runner(scenario);
    Progress progress;
    {
        RunStore store(dir);
        runner.run(plan, {0, 3, 5}, options, progress, [&](std::vector<RunOutcome>&& done) { store.append(done); });
    }
    claim_output_directory(dir, identify(scenario, plan, {}, options), true);
    RunStore store(dir);
    CHECK(store.count() == 3);
    const auto todo = runs_to_do(plan, {}, store);
    CHECK(todo == std::vector<std::size_t>{1, 2, 4, 6, 7});
    runner.run(plan, todo, options, progress, [&](std::vector<RunOutcome>&& done) { store.append(done); });
    finish_sweep(dir, scenario, plan, store, {"test", 0, options}, true, {});
    for (const auto& file : result_files) {
        INFO(file);
        CHECK(slurp(root / "whole" / file) == slurp(dir / file));
    }
    RunnerOptions looser = options;
    looser.solver.rtol = 1e-4;
    CHECK_THROWS_WITH(claim_output_directory(dir, identify(scenario, plan, {}, looser), true), Catch::Contains("rtol"));
    fs::remove_all(root);
}

TEST_CASE("a sweep with a failing run keeps every other result", "[scenarios][failure]") {
    // Reference: at steady state A* = supply/k_out = 10 nM and B* = scale/((A* - c)^2 k_b):
    // c = 5 -> 4 nM, c = 20 -> 1 nM; c = 10 divides by zero and must fail alone, naming the reaction.
    const Ran r("fragile_sweep.json");
    REQUIRE(r.outcomes.size() == 3);
    CHECK(r.outcomes[0].status == RunStatus::ok);
    CHECK(r.outcomes[1].status == RunStatus::non_finite);
    CHECK(r.outcomes[2].status == RunStatus::ok);
    CHECK_THAT(r.outcomes[1].message, Catch::Contains("reaction 'make_B'") && Catch::Contains("(expression: scale/(A - c)^2)"));
    CHECK(series(r, 0, "B_level").back() == Approx(4.0).epsilon(1e-6));
    CHECK(series(r, 2, "B_level").back() == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("the toy sweep's expectations hold and fold changes use the matching vehicle", "[scenarios][expectations]") {
    // Protects vehicle matching (same region and schedule) and the expectation evaluator.
    const Ran r("toy_sweep.json");
    REQUIRE(r.plan.size() == 8);
    for (std::size_t index = 0; index < r.plan.size(); ++index) {
        const Run run = r.plan.run(index);
        if (run.settings.compound == "vehicle") continue;
        REQUIRE(run.vehicle);
        const RunSettings v = r.plan.run(*run.vehicle).settings;
        CHECK(v.compound == "vehicle");
        CHECK(v.region == run.settings.region);
        CHECK(v.schedule == run.settings.schedule);
    }
    const auto summary = summarise(r.scenario, r.plan, r.outcomes, 1e-9);
    REQUIRE(summary.comparisons.expectations.size() == 2);
    for (const auto& e : summary.comparisons.expectations) {
        INFO(e.expectation->id << ": " << e.detail);
        CHECK(e.held);
    }
    // Vehicle runs compare with themselves: every fold change is exactly 1 where defined.
    for (const auto& row : summary.rows)
        if (r.plan.run(row.run).settings.compound == "vehicle" && std::isfinite(row.auc_fold_change)) CHECK(row.auc_fold_change == 1.0);
}

TEST_CASE("sample axes are reproducible from their seed", "[scenarios][samplers]") {
    // Protects "random samples are drawn serially up front from a seed": loading twice gives the
    // same points; 8 points x 2 replicates, all inside their ranges.
    const Scenario a = load_scenario(data("sampled.json")), b = load_scenario(data("sampled.json"));
    REQUIRE(a.axes.size() == 1);
    CHECK(a.axes[0].numbers == b.axes[0].numbers);
    CHECK(a.axes[0].size() == 16);
    for (std::size_t k = 0; k < a.axes[0].size(); ++k) {
        CHECK(a.axes[0].numbers[2 * k] >= 0.001);
        CHECK(a.axes[0].numbers[2 * k] <= 0.1);
        CHECK(a.axes[0].numbers[2 * k + 1] >= 0.0005);
        CHECK(a.axes[0].numbers[2 * k + 1] <= 0.002);
    }
    // The two replicates are different designs.
    CHECK(std::vector<double>(a.axes[0].numbers.begin(), a.axes[0].numbers.begin() + 16) !=
          std::vector<double>(a.axes[0].numbers.begin() + 16, a.axes[0].numbers.end()));
    const auto plan = expand(a);
    CHECK(plan.size() == 16);
}

TEST_CASE("repeated dosing stops at every dose time", "[scenarios][dosing]") {
    // Reference: 4 i.v. doses 12 h apart, each adding 10000 nM to plasma. The sample at a dose
    // time is the post-dose state, so it exceeds the sample 10 min earlier by the dose minus at
    // most 10 min of decay of a small residue: between 9000 and 10000 nM.
    Scenario s = load_scenario(data("pk_iv.json"));
    s.base.schedule = "repeated";
    const auto plan = expand(s);
    const SweepRunner runner(s);
    Progress progress;
    const auto outcomes = runner.run(plan, tight(), progress);
    const std::size_t run = plan.run(0).settings.compound == "vehicle" ? 1 : 0;
    const auto& out = outcomes[run];
    REQUIRE(out.status == RunStatus::ok);
    CHECK(out.last_dose_s == 3 * 43200.0);
    const std::size_t n = s.observables.size();
    for (double dose_time : {43200.0, 86400.0, 129600.0}) {
        const auto it = std::find(out.times_s.begin(), out.times_s.end(), dose_time);
        REQUIRE(it != out.times_s.end());
        const auto k = static_cast<std::size_t>(it - out.times_s.begin());
        const double after = out.values[k * n + 0], before_10min = out.values[(k - 1) * n + 0];
        CHECK(after - before_10min > 9000.0);
        CHECK(after - before_10min < 1e4);
    }
}

TEST_CASE("bad scenario files name the file, the entry and the problem", "[scenarios][errors]") {
    // Each file under tests/scenarios/data/bad/ holds one fault named after it.
    const std::vector<std::tuple<std::string, std::string, std::string>> cases{
        {"unknown_compound.json", "/run/compound", "unknown compound 'noopept'"},
        {"unknown_axis_parameter.json", "/axes/0/id", "unknown parameter 'k_missing'"},
        {"empty_axis.json", "/axes/0", "at least one value"},
        {"negative_dose.json", "/run/dose", "a dose must be >= 0"},
        {"schedule_ends_before_start.json", "/schedules/chronic/until", "ends (86400 s) before it starts"},
        {"unknown_region.json", "/run/region", "unknown region 'hypothalamus'"},
        {"dose_without_per_kg.json", "/run/dose", "mass per body mass"},
        {"unknown_route.json", "/run/route", "no route 'intranasal'"},
        {"unknown_observable_in_expectation.json", "/expectations/0/observable", "'nope'"},
        {"unknown_key.json", "/extra", "allowed keys"},
        {"unknown_target.json", "/compound/effects/0/target", "unknown target parameter 'AMPA_gain'"},
    };
    for (const auto& [file, pointer, words] : cases) {
        INFO(file);
        try {
            const Scenario s = load_scenario(data("bad/" + file));
            expand(s);
            FAIL("no error for " << file);
        } catch (const ScenarioError& e) {
            const std::string what = e.what();
            CHECK_THAT(what, Catch::Contains(pointer + ": "));
            CHECK_THAT(what, Catch::Contains(words));
            CHECK_THAT(what, Catch::Contains(".json"));
        }
    }
}

TEST_CASE("a pathological run ends with time_limit while the sweep goes on, and runs.csv says why", "[scenarios][failure]") {
    // w = 1000 rad/s forcing over a day needs about 1e8 steps; with max_run_seconds = 0.3 that run
    // must stop with time_limit while the slow-forcing runs on either side finish normally. The
    // whole sweep must take a small multiple of the limit, not minutes.
    const fs::path dir = fs::temp_directory_path() / ("ntsim_test_time_limit_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    RunnerOptions options;
    options.threads = 1;
    options.solver.max_run_seconds = 0.3;
    options.solver.max_steps = 100'000'000;
    options.solver.max_run_steps = 1'000'000'000;
    const auto start = std::chrono::steady_clock::now();
    sweep_into("forced_sweep.json", dir, options);
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 5.0);
    const std::string runs = slurp(dir / "runs.csv");
    CHECK_THAT(runs, Catch::StartsWith("run,region,compound,dose_mg_per_kg,route,schedule,w,vehicle_run,added_as_reference,status,message\n"));
    CHECK_THAT(runs, Catch::Contains("\n0,plain,vehicle,0,,none,0.001,,no,ok,\n"));
    CHECK_THAT(runs, Catch::Contains("\n1,plain,vehicle,0,,none,1000,,no,time_limit,integration failed at t = "));
    CHECK_THAT(runs, Catch::Contains("(time_limit): the run used up its wall-clock limit of 0.3 s"));
    CHECK_THAT(runs, Catch::Contains("\n2,plain,vehicle,0,,none,0.002,,no,ok,\n"));
    CHECK_THAT(slurp(dir / "summary.csv"), Catch::Contains(",time_limit,A_level,"));
    fs::remove_all(dir);
}

TEST_CASE("runs.csv lists every run as pending before the sweep runs", "[scenarios][failure]") {
    // The plan is written before any run; statuses replace "pending" when the sweep finishes.
    const fs::path dir = fs::temp_directory_path() / ("ntsim_test_pending_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const Scenario scenario = load_scenario(data("fragile_sweep.json"));
    write_plan(dir, expand(scenario));
    const std::string runs = slurp(dir / "runs.csv");
    CHECK_THAT(runs, Catch::Contains("\n0,plain,vehicle,0,,none,5,,no,pending,\n"));
    CHECK_THAT(runs, Catch::Contains("\n2,plain,vehicle,0,,none,20,,no,pending,\n"));
    fs::remove_all(dir);
}

TEST_CASE("runs handed out across processes are grouped by baseline, and slices end between groups", "[scenarios][mpi]") {
    // Protects MPI sweeps from pre-equilibrating a baseline on every rank that gets one of its
    // runs: mpi_sweep.json has 2 regions x 3 k_act baselines, each shared by 9 runs (vehicle and 8
    // doses) that lie apart in run order. Expected: a permutation of the runs, in groups of 9 runs
    // with one region and k_act each, in the order of their first runs.
    const Scenario scenario = load_scenario(data("mpi_sweep.json"));
    const SweepPlan plan = expand(scenario);
    std::vector<std::size_t> todo(plan.size());
    std::iota(todo.begin(), todo.end(), 0);
    todo.erase(todo.begin() + 5);  // a resumed sweep: one run already done
    const BaselineGroups order = group_by_baseline(plan, todo);
    REQUIRE(order.runs.size() == todo.size());
    REQUIRE(order.starts_group.size() == todo.size());
    std::vector<std::size_t> sorted = order.runs;
    std::sort(sorted.begin(), sorted.end());
    CHECK(sorted == todo);

    std::vector<std::size_t> group_starts;
    for (std::size_t k = 0; k < order.runs.size(); ++k)
        if (order.starts_group[k]) group_starts.push_back(k);
    CHECK(group_starts == std::vector<std::size_t>{0, 9, 18, 26, 35, 44});  // k_act varies fastest: run 5 is in the third
    for (std::size_t g = 0; g < group_starts.size(); ++g) {
        const std::size_t end = g + 1 < group_starts.size() ? group_starts[g + 1] : order.runs.size();
        const RunSettings first = plan.run(order.runs[group_starts[g]]).settings;
        for (std::size_t k = group_starts[g]; k < end; ++k) {
            const RunSettings s = plan.run(order.runs[k]).settings;
            CHECK(s.region == first.region);
            CHECK(s.parameters == first.parameters);
            if (k > group_starts[g]) CHECK(order.runs[k] > order.runs[k - 1]);
        }
        if (g > 0) CHECK(order.runs[group_starts[g]] > order.runs[group_starts[g - 1]]);
    }

    // Slices: extended to the next boundary within `most`, else cut back to the last one, else
    // (a group larger than `most`) cut where asked.
    CHECK(order.slice_end(0, 6, 12) == 9);    // extended over the rest of the first group
    CHECK(order.slice_end(0, 9, 9) == 9);     // already at a boundary
    CHECK(order.slice_end(9, 12, 12) == 18);  // cut back to the boundary before
    CHECK(order.slice_end(9, 4, 6) == 13);    // no boundary within reach: as asked
    CHECK(order.slice_end(44, 6, 12) == 53);  // the last group ends at the end of the runs
}
