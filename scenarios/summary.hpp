// From run outcomes to the numbers researchers read: per run and observable metrics (including
// fold change versus the matching vehicle run), regional divergence, EC50 over dose axes, and
// the scenario's expectations marked held or failed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenarios/runner.hpp"

namespace ntsim::scenarios {

struct SummaryRow {
    std::size_t run = 0;
    std::size_t observable = 0;              // index into scenario.observables
    double peak = NAN, time_to_peak_s = NAN, auc = NAN, final_value = NAN;
    double peak_fold_change = NAN, auc_fold_change = NAN, final_fold_change = NAN;
    std::vector<double> value_at;            // at scenario.metric_times_s (after the last dose)
    std::vector<double> fold_change_at;
};

struct DivergenceRow {
    std::size_t run_a = 0, run_b = 0;        // the same settings in two regions
    std::size_t observable = 0;
    double auc_fold_change_a = NAN, auc_fold_change_b = NAN, index = NAN;  // index: log2(a / b)
};

struct HalfMaximalRow {
    std::vector<std::size_t> runs;           // one per dose, ascending
    std::size_t observable = 0;
    std::optional<double> dose_mg_per_kg;    // EC50 (rising) or IC50 (falling) of the AUC fold change: it captures
                                             // responses in either direction, where the peak does not
};

struct ExpectationResult {
    const Expectation* expectation = nullptr;
    bool held = false;
    double measured = NAN;
    double compared_with = NAN;              // the threshold, or the other run's metric times factor
    std::string detail;                      // which runs were compared, or why it could not be evaluated
};

struct Summary {
    std::vector<SummaryRow> rows;            // run-major, then observable, in index order
    std::vector<DivergenceRow> divergence;
    std::vector<HalfMaximalRow> half_maximal;
    std::vector<ExpectationResult> expectations;
};

// `noise_floor`: references smaller than this in magnitude (the integrator's absolute tolerance)
// give NaN fold changes instead of huge meaningless ratios.
Summary summarise(const Scenario& scenario, const SweepPlan& plan, const std::vector<RunOutcome>& outcomes,
                  double noise_floor);

}  // namespace ntsim::scenarios
