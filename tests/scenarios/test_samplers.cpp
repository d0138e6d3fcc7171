// Sweep samplers against their definitions: Latin hypercube strata, the Sobol sequence's published
// points and net structure, digital shifts, and the splitmix64 reference stream.
#include <catch2/catch.hpp>

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "scenarios/samplers.hpp"

using namespace ntsim::scenarios;

namespace {

using Point2 = std::pair<double, double>;

// Index of the stratum [k/count, (k+1)/count) holding x.
std::size_t stratum_of(double x, std::size_t count) {
    return static_cast<std::size_t>(std::floor(x * static_cast<double>(count)));
}

// Dimensions a and b (0-based) of sequence points first .. first + 2^m - 1, where sequence point n
// is row n - 1 of sobol() because the origin (point 0) is skipped; the origin is added back here
// when the block starts at 0, since it belongs to the first block's net.
std::vector<Point2> sobol_block(unsigned m, std::size_t first, std::size_t a, std::size_t b, std::uint64_t seed) {
    const std::size_t block = std::size_t{1} << m;
    const std::size_t dimensions = std::max(a, b) + 1;
    const auto points = sobol(first + block - 1, dimensions, seed);
    std::vector<Point2> out;
    for (std::size_t n = first; n < first + block; ++n) {
        if (n == 0) {
            out.emplace_back(0.0, 0.0);
        } else {
            out.emplace_back(points[(n - 1) * dimensions + a], points[(n - 1) * dimensions + b]);
        }
    }
    return out;
}

// The (t,m,2)-net property (Niederreiter, "Random Number Generation and Quasi-Monte Carlo Methods",
// 1992, Def. 4.1): every elementary interval [i/2^p,(i+1)/2^p) x [j/2^q,(j+1)/2^q) with
// p + q = m - t holds exactly 2^t of the 2^m points.
bool is_net(const std::vector<Point2>& points, unsigned m, unsigned t) {
    for (unsigned p = 0; p <= m - t; ++p) {
        const unsigned q = m - t - p;
        std::vector<std::size_t> in_box(std::size_t{1} << (m - t), 0);
        for (const auto& [x, y] : points) {
            const auto i = static_cast<std::size_t>(std::ldexp(x, static_cast<int>(p)));
            const auto j = static_cast<std::size_t>(std::ldexp(y, static_cast<int>(q)));
            ++in_box[(i << q) + j];
        }
        for (std::size_t c : in_box) {
            if (c != (std::size_t{1} << t)) return false;
        }
    }
    return true;
}

}  // namespace

TEST_CASE("splitmix64 reproduces the reference stream", "[scenarios][samplers]") {
    // Protects the seeding of every sampler. Expected: the first outputs of Vigna's splitmix64.c
    // (prng.di.unimi.it) from state 0.
    std::uint64_t state = 0;
    CHECK(splitmix64(state) == 0xE220A8397B1DCDAFULL);
    CHECK(splitmix64(state) == 0x6E789E6AA1B965F4ULL);
    CHECK(splitmix64(state) == 0x06C45D188009454FULL);
}

TEST_CASE("latin_hypercube puts exactly one point in every stratum of every dimension", "[scenarios][samplers]") {
    // Protects the defining Latin hypercube property; expected from the definition: with `count`
    // points each interval [k/count, (k+1)/count) of each axis holds one point.
    const std::size_t count = GENERATE(1, 2, 37, 1000);
    const std::size_t dimensions = 5;
    const auto points = latin_hypercube(count, dimensions, 2024);
    REQUIRE(points.size() == count * dimensions);
    for (std::size_t d = 0; d < dimensions; ++d) {
        std::vector<int> hits(count, 0);
        for (std::size_t k = 0; k < count; ++k) {
            const double x = points[k * dimensions + d];
            REQUIRE(x >= 0.0);
            REQUIRE(x < 1.0);
            ++hits[stratum_of(x, count)];
        }
        for (std::size_t s = 0; s < count; ++s) {
            INFO("dimension " << d << ", stratum " << s);
            CHECK(hits[s] == 1);
        }
    }
}

TEST_CASE("latin_hypercube is reproducible from its seed", "[scenarios][samplers]") {
    // Protects sweep reproducibility (STYLE 5): same seed, same points; another seed, other points.
    // Also checks that each dimension gets its own stratum order, or the design would lie on a line.
    const std::size_t count = 50, dimensions = 3;
    const auto a = latin_hypercube(count, dimensions, 7);
    CHECK(latin_hypercube(count, dimensions, 7) == a);
    CHECK(latin_hypercube(count, dimensions, 8) != a);

    std::vector<std::size_t> order_0, order_1;
    for (std::size_t k = 0; k < count; ++k) {
        order_0.push_back(stratum_of(a[k * dimensions], count));
        order_1.push_back(stratum_of(a[k * dimensions + 1], count));
    }
    CHECK(order_0 != order_1);
    CHECK(latin_hypercube(0, dimensions, 7).empty());
}

TEST_CASE("unshifted sobol starts with the published points in 1 to 3 dimensions", "[scenarios][samplers]") {
    // Protects the Gray-code construction and the skipped origin. Expected values derived by hand
    // from Joe & Kuo, "Notes on generating Sobol sequences" (2008): point n is the XOR of the
    // direction numbers v_k for the set bits k of gray(n) = n ^ (n >> 1); dimension 1 has
    // v = 1/2, 1/4, 1/8; dimension 2 (s = 1, m = 1) v = 1/2, 3/4, 5/8; dimension 3 (s = 2, a = 1,
    // m = 1, 3) v = 1/2, 3/4, 3/8 (v_3 = v_1 ^ v_1/4 ^ v_2).
    const std::vector<std::vector<double>> expected = {
        {0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},    {0.25, 0.75, 0.75},    {0.375, 0.375, 0.625},
        {0.875, 0.875, 0.125}, {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375},
    };
    for (std::size_t dimensions = 1; dimensions <= 3; ++dimensions) {
        const auto points = sobol(expected.size(), dimensions, 0);
        REQUIRE(points.size() == expected.size() * dimensions);
        for (std::size_t k = 0; k < expected.size(); ++k) {
            for (std::size_t d = 0; d < dimensions; ++d) {
                INFO("dimensions " << dimensions << ", point " << k + 1 << ", coordinate " << d + 1);
                CHECK(points[k * dimensions + d] == expected[k][d]);
            }
        }
    }
}

TEST_CASE("unshifted sobol matches Boost.Random's copy of the Joe & Kuo table in all 21 dimensions",
          "[scenarios][samplers]") {
    // Protects every digit of the embedded direction numbers. Expected values come from an
    // independent implementation: boost::random::sobol_engine, whose table is also derived from
    // new-joe-kuo-6.21201 and which also starts after the origin; its 32-bit integers scale by 2^-32.
    const std::size_t count = 4096;
    const auto points = sobol(count, max_sobol_dimensions, 0);
    boost::random::sobol_engine<std::uint32_t, 32> reference(max_sobol_dimensions);
    std::size_t mismatches = 0;
    for (double x : points) {
        if (x != std::ldexp(static_cast<double>(reference()), -32)) ++mismatches;
    }
    CHECK(mismatches == 0);
}

TEST_CASE("unshifted sobol dimensions 1 and 2 form (0,m,2)-nets", "[scenarios][samplers]") {
    // Protects the space-filling guarantee sweeps rely on. Expected from theory: dimensions 1-2 of
    // Sobol's sequence are a (0,2)-sequence in base 2 (t = sum of polynomial degrees minus one = 0),
    // so each aligned block of 2^m points has exactly one point in every elementary interval of
    // volume 2^-m. The first block includes the skipped origin.
    for (unsigned m = 1; m <= 12; ++m) {
        INFO("m = " << m);
        CHECK(is_net(sobol_block(m, 0, 0, 1, 0), m, 0));
        CHECK(is_net(sobol_block(m, std::size_t{1} << m, 0, 1, 0), m, 0));
    }
}

TEST_CASE("unshifted sobol pairs beyond dimensions 1-2 meet Sobol's t bound", "[scenarios][samplers]") {
    // Protects the recurrence for higher-degree polynomials. Expected from theory (Sobol 1967;
    // Niederreiter 1992, Sec. 4.5): a pair of Sobol dimensions with primitive polynomials of degrees
    // e_a and e_b is a (t,2)-sequence with t = (e_a - 1) + (e_b - 1), van der Corput counting as
    // degree 1. Degrees from the Joe & Kuo table: d1 1, d2 1, d3 2, d4 3, d5 3. Only pair 1-2 has
    // t = 0; no pair with a higher-degree polynomial puts exactly one point in every box.
    struct Pair {
        std::size_t a, b;
        unsigned t;
    };
    for (const Pair pair : {Pair{0, 2, 1}, Pair{1, 2, 1}, Pair{3, 4, 4}}) {
        for (unsigned m = pair.t; m <= 12; ++m) {
            INFO("dimensions " << pair.a + 1 << " and " << pair.b + 1 << ", m = " << m);
            CHECK(is_net(sobol_block(m, 0, pair.a, pair.b, 0), m, pair.t));
        }
    }
}

TEST_CASE("digitally shifted sobol is reproducible and keeps the net property", "[scenarios][samplers]") {
    // Protects randomised QMC sweeps. Expected from the definition: seed 0 means no shift; a digital
    // shift XORs one fixed mask into every point of a dimension, which maps elementary intervals onto
    // elementary intervals, so an aligned block that was a (0,m,2)-net stays one (the first block is
    // not tested because its shifted origin is not emitted).
    const std::size_t count = 257, dimensions = 4;
    const auto shifted = sobol(count, dimensions, 7);
    CHECK(sobol(count, dimensions, 7) == shifted);
    CHECK(sobol(count, dimensions, 8) != shifted);
    CHECK(sobol(count, dimensions, 0) != shifted);
    for (double x : shifted) {
        REQUIRE(x >= 0.0);
        REQUIRE(x < 1.0);
    }
    for (unsigned m = 1; m <= 10; ++m) {
        INFO("m = " << m);
        CHECK(is_net(sobol_block(m, std::size_t{1} << m, 0, 1, 7), m, 0));
    }
}

TEST_CASE("sobol refuses more dimensions than the embedded table holds", "[scenarios][samplers]") {
    // Protects against silently reusing direction numbers. Expected: 21 dimensions is the table's
    // size (max_sobol_dimensions); 22 throws std::invalid_argument naming the count.
    CHECK(sobol(3, max_sobol_dimensions, 0).size() == 3 * max_sobol_dimensions);
    CHECK_THROWS_MATCHES(sobol(3, max_sobol_dimensions + 1, 0), std::invalid_argument,
                         Catch::Matchers::Message(
                             "sobol: 22 dimensions requested; the embedded Joe & Kuo table has at most 21"));
}
