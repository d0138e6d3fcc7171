// Post-processing of a finished sweep, in run-index order so the numbers never depend on how
// runs were scheduled.
#include "scenarios/summary.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "scenarios/metrics.hpp"

namespace ntsim::scenarios {

namespace {

constexpr const char* vehicle = "vehicle";

bool compare(double a, Comparison op, double b) {
    switch (op) {
        case Comparison::less: return a < b;
        case Comparison::less_equal: return a <= b;
        case Comparison::greater: return a > b;
        case Comparison::greater_equal: return a >= b;
    }
    return false;
}

bool matches(const std::vector<std::string>& columns, const Run& run, const std::map<std::string, std::string>& where) {
    for (const auto& [key, label] : where) {
        const auto it = std::find(columns.begin(), columns.end(), key == "dose" ? "dose_mg_per_kg" : key);
        if (it == columns.end()) return false;
        const std::string& have = run.labels[static_cast<std::size_t>(it - columns.begin())];
        if (key == "dose" || (it - columns.begin()) >= 5) {
            // Numeric columns compare as numbers: "0.5" matches "0.500".
            char* end = nullptr;
            const double want = std::strtod(label.c_str(), &end);
            if (end == label.c_str() || std::fabs(std::strtod(have.c_str(), nullptr) - want) > 1e-9 * std::max(1.0, std::fabs(want)))
                return false;
        } else if (have != label) {
            return false;
        }
    }
    return true;
}

std::string describe(const std::map<std::string, std::string>& where) {
    std::string text;
    for (const auto& [k, v] : where) text += (text.empty() ? "" : ", ") + k + "=" + v;
    return text;
}

}  // namespace

Summariser::Summariser(const Scenario& scenario, const SweepPlan& plan, double noise_floor)
    : scenario_(scenario), plan_(plan), noise_floor_(noise_floor) {
    for (std::size_t a = 0; a < scenario.axes.size(); ++a) {
        const Axis& axis = scenario.axes[a];
        if (axis.kind == AxisKind::region && axis.labels.size() >= 2) region_axis_ = a;
        if (axis.kind == AxisKind::dose) {
            dose_axis_ = a;
            // A zero dose has no place on a log-dose axis (and no log); the vehicle covers it.
            for (std::size_t k = 0; k < axis.numbers.size(); ++k)
                if (axis.numbers[k] > 0) doses_ascending_.push_back(k);
            if (!doses_ascending_.empty()) first_dosed_position_ = doses_ascending_.front();
            std::stable_sort(doses_ascending_.begin(), doses_ascending_.end(),
                             [&](std::size_t x, std::size_t y) { return axis.numbers[x] < axis.numbers[y]; });
        }
    }
    if (region_axis_ || dose_axis_) auc_fold_changes_.assign(plan.size() * scenario.observables.size(), NAN);
    for (const auto& e : scenario.expectations) {
        observables_.push_back(static_cast<std::size_t>(
            std::find(scenario.observables.begin(), scenario.observables.end(), e.observable) - scenario.observables.begin()));
        where_.emplace_back().where = e.where;
        than_.emplace_back().where = e.where;
        for (const auto& [k, v] : e.than) than_.back().where[k] = v;
    }
}

std::vector<SummaryRow> Summariser::add(const Run& run, const RunOutcome& out, const RunOutcome& ref) {
    // A reference value below the integrator's absolute tolerance is numerical noise around zero
    // (e.g. a compound's concentration in a vehicle run): a ratio to it means nothing.
    auto fold_change = [this](double treated, double reference) {
        return std::fabs(reference) <= noise_floor_ ? NAN : scenarios::fold_change(treated, reference);
    };
    const std::size_t n_obs = scenario_.observables.size();
    const std::size_t n_times = scenario_.metric_times_s.size();
    std::vector<SummaryRow> rows(n_obs);
    for (std::size_t o = 0; o < n_obs; ++o) {
        SummaryRow& row = rows[o];
        row.run = run.index;
        row.observable = o;
        row.value_at.assign(n_times, NAN);
        row.fold_change_at.assign(n_times, NAN);
        if (out.status == RunStatus::ok && o < out.metrics.size()) {
            const ObservableMetrics& m = out.metrics[o];
            row.peak = m.peak;
            row.time_to_peak_s = m.time_to_peak_s;
            row.auc = m.auc;
            row.final_value = m.final_value;
            row.value_at = m.value_at;
            if (ref.status == RunStatus::ok && o < ref.metrics.size()) {
                const ObservableMetrics& rm = ref.metrics[o];
                row.peak_fold_change = fold_change(m.peak, rm.peak);
                row.auc_fold_change = fold_change(m.auc, rm.auc);
                row.final_fold_change = fold_change(m.final_value, rm.final_value);
                for (std::size_t t = 0; t < n_times; ++t) row.fold_change_at[t] = fold_change(m.value_at[t], rm.value_at[t]);
            }
        }
    }

    if (!auc_fold_changes_.empty())
        for (std::size_t o = 0; o < n_obs; ++o) auc_fold_changes_[run.index * n_obs + o] = rows[o].auc_fold_change;
    if (run.settings.compound != vehicle) {
        if (region_axis_ && plan_.position(run.index, *region_axis_) == 0) first_region_runs_.push_back(run.index);
        if (dose_axis_ && run.settings.dose_mg_per_kg > 0 && plan_.position(run.index, *dose_axis_) == first_dosed_position_)
            dose_response_runs_.push_back(run.index);
    }
    if (!run.added_as_reference) {
        for (std::size_t i = 0; i < scenario_.expectations.size(); ++i) {
            const Expectation& e = scenario_.expectations[i];
            if (e.metric == "ec50") continue;  // compared by dose-response, not by run
            note(where_[i], run, out, rows[observables_[i]]);
            if (!e.value) note(than_[i], run, out, rows[observables_[i]]);
        }
    }
    return rows;
}

void Summariser::note(Selection& selection, const Run& run, const RunOutcome& outcome, const SummaryRow& row) const {
    if (!matches(plan_.columns, run, selection.where) || selection.matches++ > 0) return;
    selection.run = run.index;
    selection.status = outcome.status;
    selection.row = row;
}

Comparisons Summariser::finish() const {
    Comparisons comparisons{divergence(), half_maximal(), {}};
    for (std::size_t i = 0; i < scenario_.expectations.size(); ++i)
        comparisons.expectations.push_back(evaluate(i, comparisons.half_maximal));
    return comparisons;
}

// Regional divergence: treated runs that differ only in region, first region against second.
std::vector<DivergenceRow> Summariser::divergence() const {
    std::vector<DivergenceRow> rows;
    const std::size_t n_obs = scenario_.observables.size();
    for (std::size_t a : first_region_runs_) {
        const std::size_t b = plan_.sibling(a, *region_axis_, 1).value();
        for (std::size_t o = 0; o < n_obs; ++o) {
            DivergenceRow d{a, b, o};
            d.auc_fold_change_a = auc_fold_changes_[a * n_obs + o];
            d.auc_fold_change_b = auc_fold_changes_[b * n_obs + o];
            d.index = divergence_index(d.auc_fold_change_a, d.auc_fold_change_b);
            rows.push_back(d);
        }
    }
    return rows;
}

// EC50/IC50 over the dose axis: treated runs that differ only in dose.
std::vector<HalfMaximalRow> Summariser::half_maximal() const {
    std::vector<HalfMaximalRow> rows;
    if (doses_ascending_.size() < 3) return rows;
    const std::size_t n_obs = scenario_.observables.size();
    const auto& doses_on_axis = scenario_.axes[*dose_axis_].numbers;
    for (std::size_t first : dose_response_runs_) {
        std::vector<std::size_t> runs;
        std::vector<double> doses;
        for (std::size_t k : doses_ascending_) {
            runs.push_back(plan_.sibling(first, *dose_axis_, k).value());
            doses.push_back(doses_on_axis[k]);
        }
        for (std::size_t o = 0; o < n_obs; ++o) {
            std::vector<double> responses;
            for (std::size_t r : runs) responses.push_back(auc_fold_changes_[r * n_obs + o]);
            rows.push_back({runs, o, half_maximal_dose(doses, responses)});
        }
    }
    return rows;
}

ExpectationResult Summariser::evaluate(std::size_t expectation, const std::vector<HalfMaximalRow>& half_maximal) const {
    const Expectation& e = scenario_.expectations[expectation];
    const std::size_t observable = observables_[expectation];
    ExpectationResult r;
    r.expectation = &e;
    try {
        std::string where_text;
        r.measured = metric(e, observable, where_[expectation], half_maximal, where_text);
        if (e.value) {
            r.compared_with = *e.value;
            r.detail = where_text;
        } else {
            std::string than_text;
            r.compared_with = e.than_factor * metric(e, observable, than_[expectation], half_maximal, than_text);
            r.detail = fmt::format("{} vs {}", where_text, than_text);
        }
        r.held = std::isfinite(r.measured) && std::isfinite(r.compared_with) && compare(r.measured, e.op, r.compared_with);
    } catch (const std::exception& error) {
        r.held = false;
        r.detail = error.what();
    }
    return r;
}

double Summariser::metric(const Expectation& e, std::size_t observable, const Selection& selection,
                          const std::vector<HalfMaximalRow>& half_maximal, std::string& text) const {
    const auto& where = selection.where;
    if (e.metric == "ec50") {
        for (const auto& h : half_maximal) {
            if (h.observable != observable || h.runs.empty() || !matches(plan_.columns, plan_.run(h.runs.front()), where)) continue;
            text = fmt::format("{} (EC50 over {} doses)", describe(where), h.runs.size());
            return h.dose_mg_per_kg.value_or(NAN);
        }
        throw std::runtime_error(fmt::format("no dose-response matches {}", describe(where)));
    }
    if (selection.matches != 1)
        throw std::runtime_error(fmt::format("{} runs match {}; an expectation needs exactly one", selection.matches, describe(where)));
    text = fmt::format("run {} ({})", selection.run, describe(where));
    if (selection.status != RunStatus::ok) throw std::runtime_error(fmt::format("run {} failed", selection.run));
    const SummaryRow& row = selection.row;
    auto at_index = [&]() -> std::size_t {
        const auto it = std::find(scenario_.metric_times_s.begin(), scenario_.metric_times_s.end(), *e.at_s);
        if (it == scenario_.metric_times_s.end())
            throw std::runtime_error(fmt::format("{} s is not among the scenario's outputs 'at' times", *e.at_s));
        return static_cast<std::size_t>(it - scenario_.metric_times_s.begin());
    };
    if (e.metric == "value") return row.value_at[at_index()];
    if (e.metric == "fold_change") return row.fold_change_at[at_index()];
    if (e.metric == "peak") return row.peak;
    if (e.metric == "peak_fold_change") return row.peak_fold_change;
    if (e.metric == "time_to_peak") return row.time_to_peak_s;
    if (e.metric == "auc") return row.auc;
    if (e.metric == "auc_fold_change") return row.auc_fold_change;
    if (e.metric == "final") return row.final_value;
    throw std::runtime_error("unknown metric " + e.metric);
}

Summary summarise(const Scenario& scenario, const SweepPlan& plan, const std::vector<RunOutcome>& outcomes,
                  double noise_floor) {
    Summariser summariser(scenario, plan, noise_floor);
    Summary summary;
    for (std::size_t index = 0; index < plan.size(); ++index) {
        const Run run = plan.run(index);
        for (auto& row : summariser.add(run, outcomes[index], outcomes[run.vehicle.value_or(index)])) summary.rows.push_back(std::move(row));
    }
    summary.comparisons = summariser.finish();
    return summary;
}

}  // namespace ntsim::scenarios
