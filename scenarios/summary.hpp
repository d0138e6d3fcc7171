// From run outcomes to the numbers researchers read: per run and observable metrics (including
// fold change versus the matching vehicle run), regional divergence, EC50 over dose axes, and
// the scenario's expectations marked held or failed.
#pragma once

#include <map>
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

// The tables that compare runs with one another.
struct Comparisons {
    std::vector<DivergenceRow> divergence;
    std::vector<HalfMaximalRow> half_maximal;
    std::vector<ExpectationResult> expectations;
};

// Summarises a sweep one run at a time, in run order, so each run's rows can be written as they
// come. Between runs it keeps the AUC fold changes (only if a region or dose axis will compare
// them) and the runs that expectations select, not the rows.
class Summariser {
public:
    // `noise_floor`: references smaller than this in magnitude (the integrator's absolute tolerance)
    // give NaN fold changes instead of huge meaningless ratios.
    Summariser(const Scenario& scenario, const SweepPlan& plan, double noise_floor);

    // The rows of `run`, one per observable; `reference` is its vehicle run's outcome (its own if it has none).
    std::vector<SummaryRow> add(const Run& run, const RunOutcome& outcome, const RunOutcome& reference);

    // Divergence, EC50 and expectations, once every run has been added.
    Comparisons finish() const;

private:
    // The run an expectation's selector picks, noted as the runs go by: exactly one must match.
    struct Selection {
        std::map<std::string, std::string> where;
        std::size_t matches = 0;
        std::size_t run = 0;                 // the first match, with its status and its row of the expectation's observable
        RunStatus status = RunStatus::ok;
        SummaryRow row;
    };
    void note(Selection& selection, const Run& run, const RunOutcome& outcome, const SummaryRow& row) const;
    ExpectationResult evaluate(std::size_t expectation, const std::vector<HalfMaximalRow>& half_maximal) const;
    double metric(const Expectation& e, std::size_t observable, const Selection& selection,
                  const std::vector<HalfMaximalRow>& half_maximal, std::string& text) const;
    std::vector<DivergenceRow> divergence() const;
    std::vector<HalfMaximalRow> half_maximal() const;

    const Scenario& scenario_;
    const SweepPlan& plan_;
    double noise_floor_;
    std::optional<std::size_t> region_axis_, dose_axis_;  // the axes divergence and EC50 compare along
    std::vector<std::size_t> doses_ascending_;  // positions on the dose axis with a dose > 0, by dose
    std::size_t first_dosed_position_ = 0;      // the first of them in axis order
    std::vector<double> auc_fold_changes_;   // run-major, then observable
    std::vector<std::size_t> first_region_runs_;  // treated runs in the first region, each paired with the second
    std::vector<std::size_t> dose_response_runs_; // the first run (in run order) of each dose-response
    std::vector<std::size_t> observables_;   // of each expectation, by index
    std::vector<Selection> where_, than_;    // of each expectation
};

struct Summary {
    std::vector<SummaryRow> rows;            // run-major, then observable, in index order
    Comparisons comparisons;
};

// A whole sweep's summary in memory, for small sweeps and tests; `ntsim sweep` streams the same
// computation run by run (finish_sweep).
Summary summarise(const Scenario& scenario, const SweepPlan& plan, const std::vector<RunOutcome>& outcomes,
                  double noise_floor);

}  // namespace ntsim::scenarios
