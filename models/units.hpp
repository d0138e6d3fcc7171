// Physical units of model files: parsed from strings like "1/(nM*s)" into a dimension and a
// factor that converts a value to ntsim's internal system (nM, s, L, nmol, g).
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ntsim::models {

// Exponents of the base quantities; concentration is amount/volume.
struct Dimension {
    std::array<int, 4> exponents{};  // amount, volume, time, mass

    static Dimension amount() { return {{1, 0, 0, 0}}; }
    static Dimension volume() { return {{0, 1, 0, 0}}; }
    static Dimension time() { return {{0, 0, 1, 0}}; }
    static Dimension mass() { return {{0, 0, 0, 1}}; }
    static Dimension none() { return {}; }
    static Dimension concentration() { return {{1, -1, 0, 0}}; }

    Dimension operator*(const Dimension& other) const;
    Dimension operator/(const Dimension& other) const;
    Dimension pow(int power) const;
    bool operator==(const Dimension&) const = default;
};

// Readable form such as "1/(concentration*time)"; used in error messages.
std::string to_string(const Dimension& dimension);

struct Unit {
    Dimension dimension;
    double to_internal = 1.0;  // internal value = file value * to_internal
};

class UnitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses a unit expression (grammar in docs/model-format.md); throws UnitError naming the text.
Unit parse_unit(std::string_view text);

// A time such as "2h", "30 min", "1.5e4" (seconds when no unit is given), in seconds.
double parse_duration_s(std::string_view text);

}  // namespace ntsim::models
