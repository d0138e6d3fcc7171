// Summary metrics of sampled time courses and the cross-run comparisons built on them; pure
// functions of their arguments, computed after a sweep's parallel loop.
#include "scenarios/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ntsim::scenarios {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

void check_same_length(std::span<const double> times_s, std::span<const double> values, const char* function) {
    if (times_s.size() != values.size()) {
        throw std::invalid_argument(std::string(function) + ": " + std::to_string(times_s.size()) + " times but " +
                                    std::to_string(values.size()) + " values");
    }
}

bool all_finite(std::span<const double> xs) {
    return std::all_of(xs.begin(), xs.end(), [](double x) { return std::isfinite(x); });
}

}  // namespace

TimeCourseMetrics time_course_metrics(std::span<const double> times_s, std::span<const double> values) {
    check_same_length(times_s, values, "time_course_metrics");
    if (values.empty()) throw std::invalid_argument("time_course_metrics: no samples");

    TimeCourseMetrics m;
    m.peak = m.trough = values.front();
    m.time_to_peak_s = times_s.front();
    for (std::size_t i = 1; i < values.size(); ++i) {
        const double dt = times_s[i] - times_s[i - 1];
        if (dt < 0.0) {
            throw std::invalid_argument("time_course_metrics: times must ascend; t[" + std::to_string(i) +
                                        "] = " + std::to_string(times_s[i]) + " s < t[" + std::to_string(i - 1) +
                                        "] = " + std::to_string(times_s[i - 1]) + " s");
        }
        m.auc += 0.5 * dt * (values[i - 1] + values[i]);
        // Strict comparison keeps the first time a plateau peak is reached.
        if (values[i] > m.peak) {
            m.peak = values[i];
            m.time_to_peak_s = times_s[i];
        }
        m.trough = std::min(m.trough, values[i]);
    }
    m.final_value = values.back();
    const double duration_s = times_s.back() - times_s.front();
    // A course sampled at a single instant has no duration to average over; its value is its mean.
    m.mean = duration_s > 0.0 ? m.auc / duration_s : values.front();
    return m;
}

std::optional<double> value_at(std::span<const double> times_s, std::span<const double> values, double t_s) {
    check_same_length(times_s, values, "value_at");
    if (times_s.empty() || !(t_s >= times_s.front() && t_s <= times_s.back())) return std::nullopt;
    // upper_bound puts t_s in [t[i-1], t[i]) with t[i] > t[i-1], so the division below is safe even
    // where a course repeats a time (a step change sampled on both sides).
    const auto upper = std::upper_bound(times_s.begin(), times_s.end(), t_s);
    if (upper == times_s.end()) return values.back();
    const auto i = static_cast<std::size_t>(upper - times_s.begin());
    const double w = (t_s - times_s[i - 1]) / (times_s[i] - times_s[i - 1]);
    return values[i - 1] + w * (values[i] - values[i - 1]);
}

double fold_change(double treated, double reference) {
    if (reference == 0.0 || !std::isfinite(treated) || !std::isfinite(reference)) return not_a_number;
    return treated / reference;
}

double divergence_index(double fold_change_a, double fold_change_b) {
    // Infinite fold changes are refused with the non-positive ones: their ratio is inf/inf or a log
    // of infinity, neither a divergence anyone can read.
    const auto usable = [](double f) { return f > 0.0 && std::isfinite(f); };
    if (!usable(fold_change_a) || !usable(fold_change_b)) return not_a_number;
    return std::log2(fold_change_a / fold_change_b);
}

std::optional<double> half_maximal_dose(std::span<const double> doses, std::span<const double> responses) {
    check_same_length(doses, responses, "half_maximal_dose");
    if (doses.size() < 2 || !all_finite(doses) || !all_finite(responses)) return std::nullopt;
    for (std::size_t i = 0; i < doses.size(); ++i) {
        if (doses[i] <= 0.0 || (i > 0 && doses[i] < doses[i - 1])) {
            throw std::invalid_argument("half_maximal_dose: doses must be > 0 and ascending; dose[" +
                                        std::to_string(i) + "] = " + std::to_string(doses[i]));
        }
    }
    const double first = responses.front();
    const double last = responses.back();
    if (first == last) return std::nullopt;
    const double half = 0.5 * (first + last);
    // Orient so the response rises (g < 0 at the lowest dose, g > 0 at the highest): rising EC50 and
    // falling IC50 curves then share one search for the first segment that reaches the half level.
    const double orientation = last > first ? 1.0 : -1.0;
    const auto g = [&](std::size_t i) { return orientation * (responses[i] - half); };
    std::size_t i = 0;
    while (g(i + 1) < 0.0) ++i;  // stops at the latest at the last dose, where g > 0
    const double fraction = -g(i) / (g(i + 1) - g(i));
    const double log_dose = std::log(doses[i]) + fraction * (std::log(doses[i + 1]) - std::log(doses[i]));
    return std::exp(log_dose);
}

}  // namespace ntsim::scenarios
