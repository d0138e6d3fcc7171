// Space-filling samples of the unit hypercube for parameter sweeps: Latin hypercube and Sobol.
// Deterministic for a given seed, drawn serially before any run starts.
#pragma once

#include <cstdint>
#include <vector>

namespace ntsim::scenarios {

// `count` points in [0,1)^dimensions, row-major (point k, dimension d at [k*dimensions + d]).
// One stratum per point in every dimension; strata are shuffled with a generator seeded by `seed`.
std::vector<double> latin_hypercube(std::size_t count, std::size_t dimensions, std::uint64_t seed);

// The first `count` points of the Sobol sequence (Joe & Kuo 2008 direction numbers), skipping the
// all-zero first point, with a digital shift derived from `seed` (seed 0: no shift).
// Supports up to max_sobol_dimensions dimensions; throws std::invalid_argument beyond.
std::vector<double> sobol(std::size_t count, std::size_t dimensions, std::uint64_t seed);
inline constexpr std::size_t max_sobol_dimensions = 21;

// splitmix64: the small, well-mixed generator used to seed everything from (seed, run index).
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace ntsim::scenarios
