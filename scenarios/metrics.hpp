// Summary metrics of one sampled time course, and the comparisons between runs that researchers
// read: fold change versus vehicle, regional divergence, EC50 of a dose-response.
#pragma once

#include <optional>
#include <span>
#include <vector>

namespace ntsim::scenarios {

struct TimeCourseMetrics {
    double peak = 0.0;            // largest value
    double time_to_peak_s = 0.0;  // first time the peak is reached
    double trough = 0.0;          // smallest value
    double auc = 0.0;             // trapezoidal integral over the sampled times, value*s
    double final_value = 0.0;
    double mean = 0.0;            // auc / duration (the first value if there is one sample)
};

// Metrics of `values` sampled at `times_s` (ascending, same length, at least one sample).
TimeCourseMetrics time_course_metrics(std::span<const double> times_s, std::span<const double> values);

// Linear interpolation of the sampled course at `t_s`; nullopt outside the sampled range.
std::optional<double> value_at(std::span<const double> times_s, std::span<const double> values, double t_s);

// treated / reference; NaN when the reference is zero or either is not finite.
double fold_change(double treated, double reference);

// Regional divergence: log2(fold change in region A / fold change in region B). Positive when the
// compound moves region A up relative to region B; NaN if either fold change is not positive.
double divergence_index(double fold_change_a, double fold_change_b);

// EC50 of a dose-response: the dose at which the response crosses halfway between its value at
// the lowest and at the highest dose, interpolated linearly in log(dose). Doses must be > 0 and
// ascending. nullopt when the response never crosses halfway (flat) or the data are not finite.
// Works for falling responses too (IC50).
std::optional<double> half_maximal_dose(std::span<const double> doses, std::span<const double> responses);

}  // namespace ntsim::scenarios
