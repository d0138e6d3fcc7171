// Unit parsing: a tiny recursive-descent reader over products, quotients, powers and brackets.
#include "models/units.hpp"

#include <cctype>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace ntsim::models {

Dimension Dimension::operator*(const Dimension& other) const {
    Dimension d;
    for (std::size_t i = 0; i < exponents.size(); ++i) d.exponents[i] = exponents[i] + other.exponents[i];
    return d;
}

Dimension Dimension::operator/(const Dimension& other) const { return *this * other.pow(-1); }

Dimension Dimension::pow(int power) const {
    Dimension d;
    for (std::size_t i = 0; i < exponents.size(); ++i) d.exponents[i] = exponents[i] * power;
    return d;
}

std::string to_string(const Dimension& dimension) {
    // Show concentration as one quantity: it is how modellers think of rate constants.
    auto e = dimension.exponents;
    const int concentration = (e[0] > 0 && e[1] < 0) ? std::min(e[0], -e[1])
                            : (e[0] < 0 && e[1] > 0) ? -std::min(-e[0], e[1]) : 0;
    e[0] -= concentration;
    e[1] += concentration;
    const std::array<std::pair<const char*, int>, 5> parts{{{"concentration", concentration},
                                                            {"amount", e[0]}, {"volume", e[1]},
                                                            {"time", e[2]}, {"mass", e[3]}}};
    std::string numerator, denominator;
    for (const auto& [name, power] : parts) {
        if (power == 0) continue;
        std::string& side = power > 0 ? numerator : denominator;
        if (!side.empty()) side += "*";
        side += name;
        if (std::abs(power) != 1) side += fmt::format("^{}", std::abs(power));
    }
    if (numerator.empty() && denominator.empty()) return "dimensionless";
    if (denominator.empty()) return numerator;
    // Brackets: "1/concentration*time" would read as time/concentration, here as in the unit grammar.
    if (denominator.find('*') != std::string::npos) denominator = "(" + denominator + ")";
    return fmt::format("{}/{}", numerator.empty() ? "1" : numerator, denominator);
}

namespace {

const std::map<std::string, Unit, std::less<>>& unit_symbols() {
    static const std::map<std::string, Unit, std::less<>> table = [] {
        std::map<std::string, Unit, std::less<>> t;
        // Internal: nmol, L, s, g.
        const std::pair<const char*, double> prefixes[] = {
            {"", 1.0}, {"m", 1e-3}, {"u", 1e-6}, {"µ", 1e-6}, {"μ", 1e-6},
            {"n", 1e-9}, {"p", 1e-12}, {"f", 1e-15}};
        for (const auto& [prefix, scale] : prefixes) {
            const std::string p = prefix;
            t[p + "M"] = {Dimension::concentration(), scale * 1e9};
            t[p + "mol"] = {Dimension::amount(), scale * 1e9};
            t[p + "L"] = {Dimension::volume(), scale};
            t[p + "l"] = {Dimension::volume(), scale};
            if (p != "f" && p != "p") t[p + "g"] = {Dimension::mass(), scale};
        }
        t["kg"] = {Dimension::mass(), 1e3};
        t["s"] = {Dimension::time(), 1.0};
        t["ms"] = {Dimension::time(), 1e-3};
        t["min"] = {Dimension::time(), 60.0};
        t["h"] = {Dimension::time(), 3600.0};
        t["d"] = {Dimension::time(), 86400.0};
        t["1"] = {Dimension::none(), 1.0};
        t["dimensionless"] = {Dimension::none(), 1.0};
        t["%"] = {Dimension::none(), 0.01};
        return t;
    }();
    return table;
}

class UnitParser {
public:
    explicit UnitParser(std::string_view text) : text_(text) {}

    Unit parse() {
        skip_space();
        if (pos_ == text_.size()) fail("empty unit");
        Unit u = product();
        if (pos_ != text_.size()) fail(fmt::format("unexpected '{}'", text_[pos_]));
        return u;
    }

private:
    Unit product() {
        Unit u = power();
        for (;;) {
            skip_space();
            if (pos_ < text_.size() && (text_[pos_] == '*' || text_[pos_] == '.')) {
                ++pos_;
                const Unit rhs = power();
                u = {u.dimension * rhs.dimension, u.to_internal * rhs.to_internal};
            } else if (pos_ < text_.size() && text_[pos_] == '/') {
                ++pos_;
                const Unit rhs = power();
                u = {u.dimension / rhs.dimension, u.to_internal / rhs.to_internal};
            } else {
                return u;
            }
        }
    }

    Unit power() {
        Unit u = factor();
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '^') {
            ++pos_;
            skip_space();
            const std::size_t start = pos_;
            if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) ++pos_;
            while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
            const std::string digits(text_.substr(start, pos_ - start));
            if (digits.empty() || digits == "-" || digits == "+" || digits.size() > 3)
                fail("expected a small integer power after '^'");
            const int p = std::stoi(digits);
            u = {u.dimension.pow(p), std::pow(u.to_internal, p)};
        }
        return u;
    }

    Unit factor() {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '(') {
            if (++depth_ > max_depth) fail("brackets nested too deeply");
            ++pos_;
            Unit u = product();
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != ')') fail("expected ')'");
            ++pos_;
            --depth_;
            return u;
        }
        const std::size_t start = pos_;
        while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_])) &&
               text_[pos_] != '*' && text_[pos_] != '/' && text_[pos_] != '^' &&
               text_[pos_] != '(' && text_[pos_] != ')' && text_[pos_] != '.')
            ++pos_;
        const std::string_view name = text_.substr(start, pos_ - start);
        if (name.empty()) fail("expected a unit symbol");
        const auto& table = unit_symbols();
        const auto it = table.find(name);
        if (it == table.end())
            fail(fmt::format("unknown unit symbol '{}'; known: M, mM, uM, nM, pM, mol, nmol, L, mL, "
                             "uL, pL, s, ms, min, h, d, g, mg, ug, ng, kg, 1, dimensionless, %", name));
        return it->second;
    }

    void skip_space() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw UnitError(fmt::format("{} in unit '{}'", what, text_));
    }

    static constexpr int max_depth = 32;
    std::string_view text_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

}  // namespace

Unit parse_unit(std::string_view text) { return UnitParser(text).parse(); }

double parse_duration_s(std::string_view text) {
    const std::string owned(text);
    std::size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(owned, &used);
    } catch (const std::exception&) {
        throw UnitError(fmt::format("expected a time such as 2h, 30min or 90s, got '{}'", text));
    }
    const std::string rest = owned.substr(used);
    double seconds = value;
    if (rest.find_first_not_of(' ') != std::string::npos) {
        const Unit unit = parse_unit(rest);
        if (!(unit.dimension == Dimension::time()))
            throw UnitError(fmt::format("'{}' is not a time (it is {})", text, to_string(unit.dimension)));
        seconds = value * unit.to_internal;
    }
    // stod also reads "inf" and "nan", and 1e308h overflows; none is a time a run can end at.
    if (!std::isfinite(seconds)) throw UnitError(fmt::format("expected a finite time such as 2h, 30min or 90s, got '{}'", text));
    return seconds;
}

}  // namespace ntsim::models
