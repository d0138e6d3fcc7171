// Latin hypercube and Sobol samples of the unit hypercube, drawn serially before a sweep starts so
// that every run's parameters depend only on (seed, run index), never on thread scheduling.
#include "scenarios/samplers.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace ntsim::scenarios {

namespace {

// Initial direction numbers of Joe & Kuo, "Constructing Sobol sequences with better two-dimensional
// projections", SIAM J. Sci. Comput. 30 (2008) 2635-2654, file new-joe-kuo-6.21201 from
// https://web.maths.unsw.edu.au/~fkuo/sobol/, rows d = 2..21 (d = 1 is van der Corput and needs none).
// `degree` is s, `interior_coefficients` is a (the polynomial's coefficients between its leading and
// constant terms, highest first), `initial` is m_1..m_s.
struct SobolPolynomial {
    unsigned degree;
    std::uint32_t interior_coefficients;
    std::array<std::uint32_t, 7> initial;
};

constexpr std::array<SobolPolynomial, max_sobol_dimensions - 1> joe_kuo_polynomials = {{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
}};

// Points are 32-bit binary fractions, as in Joe & Kuo's reference generator: resolution 2^-32 is far
// below any parameter tolerance, and the Gray-code step needs one direction number per index bit.
constexpr unsigned sobol_bits = 32;
constexpr double sobol_scale = 0x1p-32;
constexpr std::uint64_t max_sobol_points = (std::uint64_t{1} << sobol_bits) - 1;

using DirectionNumbers = std::array<std::uint32_t, sobol_bits>;

// v_k = m_k / 2^k stored as 32-bit fractions; beyond the initial m_k, Bratley & Fox's recurrence
// v_k = a_1 v_{k-1} ^ ... ^ a_{s-1} v_{k-s+1} ^ v_{k-s} ^ (v_{k-s} >> s), as in Joe & Kuo's code.
DirectionNumbers direction_numbers(std::size_t dimension_index) {
    DirectionNumbers v{};
    if (dimension_index == 0) {
        for (unsigned k = 0; k < sobol_bits; ++k) v[k] = std::uint32_t{1} << (sobol_bits - 1 - k);
        return v;
    }
    const SobolPolynomial& polynomial = joe_kuo_polynomials[dimension_index - 1];
    const unsigned s = polynomial.degree;
    for (unsigned k = 0; k < s; ++k) v[k] = polynomial.initial[k] << (sobol_bits - 1 - k);
    for (unsigned k = s; k < sobol_bits; ++k) {
        v[k] = v[k - s] ^ (v[k - s] >> s);
        for (unsigned l = 1; l < s; ++l) {
            if ((polynomial.interior_coefficients >> (s - 1 - l)) & 1U) v[k] ^= v[k - l];
        }
    }
    return v;
}

// Uniform integer in [0, bound) without modulo bias: draws below 2^64 mod bound are rejected so the
// accepted range is a whole number of copies of [0, bound).
std::uint64_t uniform_below(std::uint64_t bound, std::uint64_t& state) {
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        const std::uint64_t r = splitmix64(state);
        if (r >= threshold) return r % bound;
    }
}

// Uniform double in [0, 1) from the top 53 bits, the full precision of a double.
double unit_uniform(std::uint64_t& state) {
    return static_cast<double>(splitmix64(state) >> 11) * 0x1p-53;
}

// Rounding of (stratum + u) / count can carry u just below 1 onto the stratum's upper edge (and the
// last stratum onto 1.0); clamping keeps every point inside its own stratum and below 1.
double point_in_stratum(std::size_t stratum, double u, std::size_t count) {
    const double n = static_cast<double>(count);
    const double upper = (static_cast<double>(stratum) + 1.0) / n;
    return std::min((static_cast<double>(stratum) + u) / n, std::nextafter(upper, 0.0));
}

}  // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::vector<double> latin_hypercube(std::size_t count, std::size_t dimensions, std::uint64_t seed) {
    std::vector<double> points(count * dimensions);
    std::vector<std::size_t> strata(count);
    std::uint64_t state = seed;
    for (std::size_t d = 0; d < dimensions; ++d) {
        std::iota(strata.begin(), strata.end(), std::size_t{0});
        // Hand-written Fisher-Yates rather than std::shuffle, whose draw sequence differs between
        // standard libraries: the same seed must give the same sweep on every platform.
        for (std::size_t i = count; i > 1; --i) {
            std::swap(strata[i - 1], strata[uniform_below(i, state)]);
        }
        for (std::size_t k = 0; k < count; ++k) {
            points[k * dimensions + d] = point_in_stratum(strata[k], unit_uniform(state), count);
        }
    }
    return points;
}

std::vector<double> sobol(std::size_t count, std::size_t dimensions, std::uint64_t seed) {
    if (dimensions > max_sobol_dimensions) {
        throw std::invalid_argument("sobol: " + std::to_string(dimensions) +
                                    " dimensions requested; the embedded Joe & Kuo table has at most " +
                                    std::to_string(max_sobol_dimensions));
    }
    if (count > max_sobol_points) {
        throw std::invalid_argument("sobol: " + std::to_string(count) + " points requested; at most " +
                                    std::to_string(max_sobol_points) + " fit in 32-bit fractions");
    }
    std::vector<DirectionNumbers> directions(dimensions);
    std::vector<std::uint32_t> shift(dimensions, 0);
    std::uint64_t state = seed;
    for (std::size_t d = 0; d < dimensions; ++d) {
        directions[d] = direction_numbers(d);
        if (seed != 0) shift[d] = static_cast<std::uint32_t>(splitmix64(state) >> 32);
    }

    std::vector<double> points(count * dimensions);
    std::vector<std::uint32_t> x(dimensions, 0);  // point 0, the origin, is never emitted
    for (std::size_t n = 1; n <= count; ++n) {
        // Gray-code order (Antonov & Saleev): point n differs from point n-1 by the direction number
        // of the lowest zero bit of n-1, so each point costs one XOR per dimension.
        const auto bit = static_cast<unsigned>(std::countr_one(static_cast<std::uint64_t>(n - 1)));
        for (std::size_t d = 0; d < dimensions; ++d) {
            x[d] ^= directions[d][bit];
            points[(n - 1) * dimensions + d] = static_cast<double>(x[d] ^ shift[d]) * sobol_scale;
        }
    }
    return points;
}

}  // namespace ntsim::scenarios
