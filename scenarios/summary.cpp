// Post-processing of a finished sweep, in run-index order so the numbers never depend on how
// runs were scheduled.
#include "scenarios/summary.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "scenarios/metrics.hpp"

namespace ntsim::scenarios {

namespace {

constexpr const char* vehicle = "vehicle";
constexpr std::size_t region_column = 0, compound_column = 1, dose_column = 2;

std::string key_without(const std::vector<std::string>& labels, std::size_t skipped) {
    std::string key;
    for (std::size_t c = 0; c < labels.size(); ++c)
        if (c != skipped) key += labels[c] + '\x1f';
    return key;
}

bool compare(double a, Comparison op, double b) {
    switch (op) {
        case Comparison::less: return a < b;
        case Comparison::less_equal: return a <= b;
        case Comparison::greater: return a > b;
        case Comparison::greater_equal: return a >= b;
    }
    return false;
}

class ExpectationEvaluator {
public:
    ExpectationEvaluator(const Scenario& s, const SweepPlan& p, const std::vector<RunOutcome>& o, const Summary& summary)
        : scenario_(s), plan_(p), outcomes_(o), summary_(summary) {}

    ExpectationResult evaluate(const Expectation& e) const {
        ExpectationResult r;
        r.expectation = &e;
        const auto observable = static_cast<std::size_t>(
            std::find(scenario_.observables.begin(), scenario_.observables.end(), e.observable) - scenario_.observables.begin());
        try {
            std::string where_text;
            r.measured = metric(e, e.where, observable, where_text);
            if (e.value) {
                r.compared_with = *e.value;
                r.detail = where_text;
            } else {
                auto other = e.where;
                for (const auto& [k, v] : e.than) other[k] = v;
                std::string than_text;
                r.compared_with = e.than_factor * metric(e, other, observable, than_text);
                r.detail = fmt::format("{} vs {}", where_text, than_text);
            }
            r.held = std::isfinite(r.measured) && std::isfinite(r.compared_with) && compare(r.measured, e.op, r.compared_with);
        } catch (const std::exception& error) {
            r.held = false;
            r.detail = error.what();
        }
        return r;
    }

private:
    bool matches(const Run& run, const std::map<std::string, std::string>& where) const {
        for (const auto& [key, label] : where) {
            const auto it = std::find(plan_.columns.begin(), plan_.columns.end(), key == "dose" ? "dose_mg_per_kg" : key);
            if (it == plan_.columns.end()) return false;
            const std::string& have = run.labels[static_cast<std::size_t>(it - plan_.columns.begin())];
            if (key == "dose" || (it - plan_.columns.begin()) >= 5) {
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

    std::vector<std::size_t> select(const std::map<std::string, std::string>& where) const {
        std::vector<std::size_t> runs;
        for (std::size_t index = 0; index < plan_.size(); ++index) {
            const Run run = plan_.run(index);
            if (!run.added_as_reference && matches(run, where)) runs.push_back(index);
        }
        return runs;
    }

    static std::string describe(const std::map<std::string, std::string>& where) {
        std::string text;
        for (const auto& [k, v] : where) text += (text.empty() ? "" : ", ") + k + "=" + v;
        return text;
    }

    double metric(const Expectation& e, const std::map<std::string, std::string>& where, std::size_t observable,
                  std::string& text) const {
        if (e.metric == "ec50") {
            for (const auto& h : summary_.half_maximal) {
                if (h.observable != observable || h.runs.empty() || !matches(plan_.run(h.runs.front()), where)) continue;
                text = fmt::format("{} (EC50 over {} doses)", describe(where), h.runs.size());
                return h.dose_mg_per_kg.value_or(NAN);
            }
            throw std::runtime_error(fmt::format("no dose-response matches {}", describe(where)));
        }
        const auto runs = select(where);
        if (runs.size() != 1)
            throw std::runtime_error(fmt::format("{} runs match {}; an expectation needs exactly one", runs.size(), describe(where)));
        const std::size_t run = runs.front();
        text = fmt::format("run {} ({})", run, describe(where));
        if (outcomes_[run].status != RunStatus::ok) throw std::runtime_error(fmt::format("run {} failed", run));
        const SummaryRow& row = summary_.rows[run * scenario_.observables.size() + observable];
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

    const Scenario& scenario_;
    const SweepPlan& plan_;
    const std::vector<RunOutcome>& outcomes_;
    const Summary& summary_;
};

}  // namespace

Summary summarise(const Scenario& scenario, const SweepPlan& plan, const std::vector<RunOutcome>& outcomes,
                  double noise_floor) {
    Summary summary;
    // A reference value below the integrator's absolute tolerance is numerical noise around zero
    // (e.g. a compound's concentration in a vehicle run): a ratio to it means nothing.
    auto fold_change = [noise_floor](double treated, double reference) {
        return std::fabs(reference) <= noise_floor ? NAN : scenarios::fold_change(treated, reference);
    };
    const std::size_t n_obs = scenario.observables.size();
    const std::size_t n_times = scenario.metric_times_s.size();
    for (std::size_t index = 0; index < plan.size(); ++index) {
        const Run run = plan.run(index);
        const RunOutcome& out = outcomes[run.index];
        const RunOutcome& ref = outcomes[run.vehicle.value_or(run.index)];
        for (std::size_t o = 0; o < n_obs; ++o) {
            SummaryRow row;
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
            summary.rows.push_back(std::move(row));
        }
    }

    // Regional divergence: treated runs that differ only in region, first region against second.
    std::vector<std::string> region_order;
    for (const auto& axis : scenario.axes)
        if (axis.kind == AxisKind::region) region_order = axis.labels;
    if (region_order.size() >= 2) {
        std::map<std::string, std::map<std::string, std::size_t>> by_key;
        for (std::size_t index = 0; index < plan.size(); ++index) {
            const Run run = plan.run(index);
            if (run.settings.compound != vehicle) by_key[key_without(run.labels, region_column)][run.settings.region] = run.index;
        }
        for (std::size_t index = 0; index < plan.size(); ++index) {
            const Run run = plan.run(index);
            if (run.settings.compound == vehicle || run.settings.region != region_order[0]) continue;
            const auto& regions = by_key[key_without(run.labels, region_column)];
            const auto other = regions.find(region_order[1]);
            if (other == regions.end()) continue;
            for (std::size_t o = 0; o < n_obs; ++o) {
                DivergenceRow d{run.index, other->second, o};
                d.auc_fold_change_a = summary.rows[run.index * n_obs + o].auc_fold_change;
                d.auc_fold_change_b = summary.rows[other->second * n_obs + o].auc_fold_change;
                d.index = divergence_index(d.auc_fold_change_a, d.auc_fold_change_b);
                summary.divergence.push_back(d);
            }
        }
    }

    // EC50/IC50 over the dose axis: treated runs that differ only in dose.
    const bool dose_axis = std::any_of(scenario.axes.begin(), scenario.axes.end(), [](const Axis& a) { return a.kind == AxisKind::dose; });
    if (dose_axis) {
        std::map<std::string, std::vector<std::size_t>> groups;
        std::vector<std::string> order;
        std::map<std::size_t, double> dose_of;
        for (std::size_t index = 0; index < plan.size(); ++index) {
            const Run run = plan.run(index);
            // A zero dose has no place on a log-dose axis (and no log); the vehicle covers it.
            if (run.settings.compound == vehicle || run.settings.dose_mg_per_kg <= 0) continue;
            const std::string key = key_without(run.labels, dose_column);
            if (!groups.count(key)) order.push_back(key);
            groups[key].push_back(run.index);
            dose_of[run.index] = run.settings.dose_mg_per_kg;
        }
        for (const auto& key : order) {
            auto runs = groups[key];
            std::stable_sort(runs.begin(), runs.end(), [&](std::size_t a, std::size_t b) {
                return dose_of.at(a) < dose_of.at(b);
            });
            if (runs.size() < 3) continue;
            for (std::size_t o = 0; o < n_obs; ++o) {
                std::vector<double> doses, responses;
                for (std::size_t r : runs) {
                    doses.push_back(dose_of.at(r));
                    responses.push_back(summary.rows[r * n_obs + o].auc_fold_change);
                }
                summary.half_maximal.push_back({runs, o, half_maximal_dose(doses, responses)});
            }
        }
    }

    const ExpectationEvaluator evaluator(scenario, plan, outcomes, summary);
    for (const auto& e : scenario.expectations) summary.expectations.push_back(evaluator.evaluate(e));
    return summary;
}

}  // namespace ntsim::scenarios
