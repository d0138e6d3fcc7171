// Time-course metrics and cross-run comparisons against hand-computed cases and closed-form
// Hill curves.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "scenarios/metrics.hpp"

using namespace ntsim::scenarios;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

// Hill dose-response from `bottom` at zero dose to `top` at saturation.
double hill(double dose, double bottom, double top, double half_dose, double coefficient) {
    const double x = std::pow(dose / half_dose, coefficient);
    return bottom + (top - bottom) * x / (1.0 + x);
}

}  // namespace

TEST_CASE("time_course_metrics of a triangle pulse", "[scenarios][metrics]") {
    // Protects the trapezoid AUC and the peak search. Expected by hand: a triangle of base 4 s and
    // height 2 has area 4, peaks at t = 2 s, and averages 4 / 4 s = 1.
    const std::vector<double> t = {0, 1, 2, 3, 4};
    const std::vector<double> v = {0, 1, 2, 1, 0};
    const auto m = time_course_metrics(t, v);
    CHECK(m.auc == 4.0);
    CHECK(m.peak == 2.0);
    CHECK(m.time_to_peak_s == 2.0);
    CHECK(m.trough == 0.0);
    CHECK(m.final_value == 0.0);
    CHECK(m.mean == 1.0);
}

TEST_CASE("time_course_metrics on uneven sampling with a plateau peak", "[scenarios][metrics]") {
    // Protects uneven time steps and "first time the peak is reached". Expected by hand: trapezoids
    // 0.5*(0+2)/2 + 1.5*(2+2)/2 + 3*(2-1)/2 = 0.5 + 3 + 1.5 = 5 over 5 s; the plateau starts at 0.5 s.
    const std::vector<double> t = {0, 0.5, 2, 5};
    const std::vector<double> v = {0, 2, 2, -1};
    const auto m = time_course_metrics(t, v);
    CHECK(m.auc == Approx(5.0).epsilon(1e-15));
    CHECK(m.peak == 2.0);
    CHECK(m.time_to_peak_s == 0.5);
    CHECK(m.trough == -1.0);
    CHECK(m.final_value == -1.0);
    CHECK(m.mean == Approx(1.0).epsilon(1e-15));
}

TEST_CASE("time_course_metrics of a single sample", "[scenarios][metrics]") {
    // Protects the degenerate course the header documents: no duration, so the mean is the value.
    const std::vector<double> t = {10};
    const std::vector<double> v = {3};
    const auto m = time_course_metrics(t, v);
    CHECK(m.auc == 0.0);
    CHECK(m.peak == 3.0);
    CHECK(m.time_to_peak_s == 10.0);
    CHECK(m.trough == 3.0);
    CHECK(m.final_value == 3.0);
    CHECK(m.mean == 3.0);
}

TEST_CASE("time_course_metrics rejects malformed courses", "[scenarios][metrics]") {
    // Protects the preconditions in the header: same length, at least one sample, ascending times.
    const std::vector<double> two = {0, 1};
    const std::vector<double> three = {0, 1, 2};
    const std::vector<double> none;
    const std::vector<double> descending = {0, 2, 1};
    CHECK_THROWS_AS(time_course_metrics(two, three), std::invalid_argument);
    CHECK_THROWS_AS(time_course_metrics(none, none), std::invalid_argument);
    CHECK_THROWS_WITH(time_course_metrics(descending, three), Catch::Contains("times must ascend; t[2]"));
}

TEST_CASE("value_at interpolates linearly inside the sampled range only", "[scenarios][metrics]") {
    // Protects reading a course at a requested time. Expected by hand: halfway between (0, 1) and
    // (10, 3) is 2, between (10, 3) and (20, -1) is 1; samples and both ends are returned exactly.
    const std::vector<double> t = {0, 10, 20};
    const std::vector<double> v = {1, 3, -1};
    CHECK(value_at(t, v, 5.0) == 2.0);
    CHECK(value_at(t, v, 15.0) == 1.0);
    CHECK(value_at(t, v, 10.0) == 3.0);
    CHECK(value_at(t, v, 0.0) == 1.0);
    CHECK(value_at(t, v, 20.0) == -1.0);
    CHECK_FALSE(value_at(t, v, -0.1).has_value());
    CHECK_FALSE(value_at(t, v, 20.5).has_value());
    CHECK_FALSE(value_at(t, v, nan_value).has_value());
    CHECK_FALSE(value_at(std::vector<double>{}, std::vector<double>{}, 0.0).has_value());
}

TEST_CASE("value_at at a repeated time reads the value after the step", "[scenarios][metrics]") {
    // Protects courses that record a dose step as two samples at one time: no division by the zero
    // interval, and the later sample wins so the step is seen as taken.
    const std::vector<double> t = {0, 5, 5, 10};
    const std::vector<double> v = {0, 0, 4, 4};
    CHECK(value_at(t, v, 2.5) == 0.0);
    CHECK(value_at(t, v, 5.0) == 4.0);
    CHECK(value_at(t, v, 7.5) == 4.0);
}

TEST_CASE("fold_change is NaN for a zero or non-finite input", "[scenarios][metrics]") {
    // Protects the edge cases the header documents; ordinary values are plain division.
    CHECK(fold_change(3.0, 2.0) == 1.5);
    CHECK(fold_change(0.0, 2.0) == 0.0);
    CHECK(std::isnan(fold_change(1.0, 0.0)));
    CHECK(std::isnan(fold_change(1.0, -0.0)));
    CHECK(std::isnan(fold_change(nan_value, 1.0)));
    CHECK(std::isnan(fold_change(1.0, nan_value)));
    CHECK(std::isnan(fold_change(infinity, 1.0)));
    CHECK(std::isnan(fold_change(1.0, infinity)));
}

TEST_CASE("divergence_index sign follows the region that moves up", "[scenarios][metrics]") {
    // Protects the sign convention. Expected by hand: region A doubled (6/3) while region B halved
    // (1/2) gives log2(2 / 0.5) = +2; swapping the regions gives -2; equal changes give 0.
    const double a = fold_change(6.0, 3.0);
    const double b = fold_change(1.0, 2.0);
    CHECK(divergence_index(a, b) == 2.0);
    CHECK(divergence_index(b, a) == -2.0);
    CHECK(divergence_index(1.7, 1.7) == 0.0);
    CHECK(std::isnan(divergence_index(0.0, 1.0)));
    CHECK(std::isnan(divergence_index(1.0, -2.0)));
    CHECK(std::isnan(divergence_index(nan_value, 1.0)));
    CHECK(std::isnan(divergence_index(1.0, fold_change(1.0, 0.0))));
    CHECK(std::isnan(divergence_index(infinity, 1.0)));
}

TEST_CASE("half_maximal_dose interpolates in log dose", "[scenarios][metrics]") {
    // Protects the interpolation rule on a hand case. Expected: half of 0 and 10 is 5, reached a
    // sixth of the way from (10, 4) to (100, 10) in log dose, i.e. at 10^(1 + 1/6).
    const std::vector<double> doses = {1, 10, 100};
    const std::vector<double> responses = {0, 4, 10};
    const auto ec50 = half_maximal_dose(doses, responses);
    REQUIRE(ec50.has_value());
    CHECK(*ec50 == Approx(std::pow(10.0, 7.0 / 6.0)).epsilon(1e-14));
}

TEST_CASE("half_maximal_dose takes the first crossing of a non-monotone response", "[scenarios][metrics]") {
    // Protects which crossing is reported when a response overshoots. Expected by hand: half of 0
    // and 10 is 5, first reached 5/8 of the way from dose 1 to dose 10 (log), i.e. at 10^(5/8).
    const std::vector<double> doses = {1, 10, 100, 1000};
    const std::vector<double> responses = {0, 8, 3, 10};
    const auto ec50 = half_maximal_dose(doses, responses);
    REQUIRE(ec50.has_value());
    CHECK(*ec50 == Approx(std::pow(10.0, 5.0 / 8.0)).epsilon(1e-14));
}

TEST_CASE("half_maximal_dose recovers the EC50 of a sampled Hill curve", "[scenarios][metrics]") {
    // Protects EC50 estimation on the curve shape sweeps produce. A Hill curve with coefficient 1 is
    // the logistic f(u) = 1/(1 + e^-(u - u50)) in u = ln(dose). The grid (4 doses per decade,
    // 1e-3..1e2 uM, EC50 0.37 uM between grid points) does not reach the plateaus, so the half level
    // L sits slightly off 0.5; the exact crossing of L is dose* = EC50 * L/(1 - L). Linear
    // interpolation over a step h in u errs in value by at most h^2/8 * max|f''| = h^2/8 / (6 sqrt 3);
    // dividing by the smallest slope f(1 - f) on the bracketing segment, where f is within h/4 of L
    // (since f' <= 1/4), bounds the error in ln(dose): about 0.017, i.e. 1.7 % in dose.
    const double ec50_uM = 0.37, bottom = 10.0, top = 110.0;
    const double h = std::log(10.0) / 4.0;
    std::vector<double> doses, responses;
    for (int k = 0; k <= 20; ++k) {
        doses.push_back(std::pow(10.0, -3.0 + k / 4.0));
        responses.push_back(hill(doses.back(), bottom, top, ec50_uM, 1.0));
    }
    const double level = (0.5 * (responses.front() + responses.back()) - bottom) / (top - bottom);
    const double exact_dose = ec50_uM * level / (1.0 - level);
    const double f_edge = std::abs(level - 0.5) + h / 4.0;
    const double log_dose_error_bound = h * h / 8.0 / (6.0 * std::sqrt(3.0)) / (0.25 - f_edge * f_edge);

    const auto estimate = half_maximal_dose(doses, responses);
    REQUIRE(estimate.has_value());
    CHECK(std::abs(std::log(*estimate / exact_dose)) <= log_dose_error_bound);
    CHECK(log_dose_error_bound < 0.018);
}

TEST_CASE("half_maximal_dose finds the IC50 of a falling Hill curve", "[scenarios][metrics]") {
    // Protects falling responses (IC50). Expected exactly: on a log grid symmetric about the IC50
    // the end responses of a Hill curve sum to bottom + top, so the half level is the response at
    // the IC50 itself, which is the middle grid point; interpolation adds only rounding.
    const double ic50_uM = 2.5, bottom = 20.0, top = 100.0;
    std::vector<double> doses, responses;
    for (int k = -6; k <= 6; ++k) {
        doses.push_back(ic50_uM * std::pow(10.0, k / 3.0));
        responses.push_back(hill(doses.back(), top, bottom, ic50_uM, 2.0));
    }
    const auto ic50 = half_maximal_dose(doses, responses);
    REQUIRE(ic50.has_value());
    CHECK(*ic50 == Approx(ic50_uM).epsilon(1e-12));
}

TEST_CASE("half_maximal_dose is empty without a crossing or with bad data", "[scenarios][metrics]") {
    // Protects the nullopt cases the header documents (flat response, non-finite data) and the
    // input errors (mismatched lengths, doses not > 0 and ascending).
    const std::vector<double> doses = {0.1, 1, 10};
    CHECK_FALSE(half_maximal_dose(doses, std::vector<double>{5, 5, 5}).has_value());
    CHECK_FALSE(half_maximal_dose(doses, std::vector<double>{5, 9, 5}).has_value());
    CHECK_FALSE(half_maximal_dose(doses, std::vector<double>{0, nan_value, 10}).has_value());
    CHECK_FALSE(half_maximal_dose(std::vector<double>{1}, std::vector<double>{3}).has_value());
    CHECK_THROWS_AS(half_maximal_dose(doses, std::vector<double>{0, 10}), std::invalid_argument);
    CHECK_THROWS_WITH(half_maximal_dose(std::vector<double>{0, 1, 10}, std::vector<double>{0, 5, 10}),
                      Catch::Contains("doses must be > 0 and ascending; dose[0]"));
    CHECK_THROWS_AS(half_maximal_dose(std::vector<double>{1, 10, 5}, std::vector<double>{0, 5, 10}),
                    std::invalid_argument);
}
