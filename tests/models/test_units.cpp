// Tests for models/units: unit parsing into dimension and factor to internal units (nM, s, L,
// nmol, g), readable dimensions for messages, and durations.
#include "models/units.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ntsim::models;
using Catch::Matchers::Contains;

namespace {

const Dimension conc = Dimension::concentration();
const Dimension time_ = Dimension::time();

struct UnitCase {
    const char* text;
    Dimension dimension;
    double to_internal;
};

}  // namespace

TEST_CASE("parse_unit: every symbol of the format has its dimension and factor to internal units", "[units]") {
    // Protects the symbol table. Expected factors: the symbol's SI prefix relative to the internal
    // unit of its dimension (nM, nmol, L, s, g), as listed in docs/model-format.md "Units".
    const std::vector<UnitCase> cases = {
        {"M", conc, 1e9}, {"mM", conc, 1e6}, {"uM", conc, 1e3}, {"µM", conc, 1e3}, {"nM", conc, 1.0},
        {"pM", conc, 1e-3}, {"fM", conc, 1e-6},
        {"mol", Dimension::amount(), 1e9}, {"mmol", Dimension::amount(), 1e6}, {"umol", Dimension::amount(), 1e3},
        {"nmol", Dimension::amount(), 1.0}, {"pmol", Dimension::amount(), 1e-3}, {"fmol", Dimension::amount(), 1e-6},
        {"L", Dimension::volume(), 1.0}, {"mL", Dimension::volume(), 1e-3}, {"uL", Dimension::volume(), 1e-6},
        {"nL", Dimension::volume(), 1e-9}, {"pL", Dimension::volume(), 1e-12}, {"fL", Dimension::volume(), 1e-15},
        {"s", time_, 1.0}, {"ms", time_, 1e-3}, {"min", time_, 60.0}, {"h", time_, 3600.0}, {"d", time_, 86400.0},
        {"kg", Dimension::mass(), 1e3}, {"g", Dimension::mass(), 1.0}, {"mg", Dimension::mass(), 1e-3},
        {"ug", Dimension::mass(), 1e-6}, {"µg", Dimension::mass(), 1e-6}, {"ng", Dimension::mass(), 1e-9},
        {"1", Dimension::none(), 1.0}, {"dimensionless", Dimension::none(), 1.0}, {"%", Dimension::none(), 0.01},
    };
    for (const auto& c : cases) {
        INFO("unit '" << c.text << "'");
        const Unit u = parse_unit(c.text);
        CHECK(u.dimension == c.dimension);
        CHECK(u.to_internal == Approx(c.to_internal).epsilon(1e-12));
    }
}

TEST_CASE("parse_unit: compound units combine dimensions and factors", "[units]") {
    // Protects products, quotients, powers and brackets. Expected values worked by hand, e.g.
    // 1/(uM*s) = 1/(1000 nM * 1 s) = 1e-3 per nM per s; nM/min = 1/60 nM/s; 1/uM^2/s = 1e-6.
    const std::vector<UnitCase> cases = {
        {"1/s", Dimension::none() / time_, 1.0},
        {"1/min", Dimension::none() / time_, 1.0 / 60},
        {"nM/s", conc / time_, 1.0},
        {"nM/min", conc / time_, 1.0 / 60},
        {"uM/h", conc / time_, 1000.0 / 3600},
        {"1/(nM*s)", Dimension::none() / conc / time_, 1.0},
        {"1/(uM*s)", Dimension::none() / conc / time_, 1e-3},
        {"uM^-1*s^-1", Dimension::none() / conc / time_, 1e-3},
        {"uM^-1 * s^-1", Dimension::none() / conc / time_, 1e-3},
        {"M^-1.s^-1", Dimension::none() / conc / time_, 1e-9},
        {"1/uM^2/s", Dimension::none() / conc.pow(2) / time_, 1e-6},
        {"(nM*s)^2", (conc * time_).pow(2), 1.0},
        {"nM^+2", conc.pow(2), 1.0},
        {"nmol/L", conc, 1.0},
        {"mol/L", conc, 1e9},
        {"mg/kg", Dimension::none(), 1e-6},
        {"L/kg", Dimension::volume() / Dimension::mass(), 1e-3},
        {"g/mol", Dimension::mass() / Dimension::amount(), 1e-9},
        {"  nM / s  ", conc / time_, 1.0},
    };
    for (const auto& c : cases) {
        INFO("unit '" << c.text << "'");
        const Unit u = parse_unit(c.text);
        CHECK(u.dimension == c.dimension);
        CHECK(u.to_internal == Approx(c.to_internal).epsilon(1e-12));
    }
}

TEST_CASE("parse_unit: a/b/c and a/b*c read left to right", "[units]") {
    // Protects operator associativity: the grammar in docs/model-format.md is ordinary arithmetic,
    // so nM/s*min is (nM/s)*min = nM (factor 60) and not nM/(s*min).
    const Unit u = parse_unit("nM/s*min");
    CHECK(u.dimension == conc);
    CHECK(u.to_internal == Approx(60.0));
    const Unit v = parse_unit("nM/s/s");
    CHECK(v.dimension == conc / time_.pow(2));
}

TEST_CASE("parse_unit: unknown symbols are errors naming the symbol and the known ones", "[units][errors]") {
    // Protects the typo message; a number other than 1 is not a unit either (docs: "Put any
    // dimensional constant in a parameter").
    CHECK_THROWS_MATCHES(parse_unit("nMol"), UnitError,
                         Catch::Message("unknown unit symbol 'nMol'; known: M, mM, uM, nM, pM, mol, nmol, L, mL, uL, pL, "
                                        "s, ms, min, h, d, g, mg, ug, ng, kg, 1, dimensionless, % in unit 'nMol'"));
    CHECK_THROWS_WITH(parse_unit("1/(nM*sec)"), Contains("unknown unit symbol 'sec'") && Contains("in unit '1/(nM*sec)'"));
    CHECK_THROWS_WITH(parse_unit("2 nM"), Contains("unknown unit symbol '2'"));
    CHECK_THROWS_WITH(parse_unit("m"), Contains("unknown unit symbol 'm'"));
    CHECK_THROWS_WITH(parse_unit("pg"), Contains("unknown unit symbol 'pg'"));  // not in the documented list
}

TEST_CASE("parse_unit: syntax errors say what was expected and quote the unit", "[units][errors]") {
    // Protects every failure branch of the unit grammar; expected texts are the parser's messages.
    CHECK_THROWS_MATCHES(parse_unit(""), UnitError, Catch::Message("empty unit in unit ''"));
    CHECK_THROWS_MATCHES(parse_unit("   "), UnitError, Catch::Message("empty unit in unit '   '"));
    CHECK_THROWS_MATCHES(parse_unit("nM/"), UnitError, Catch::Message("expected a unit symbol in unit 'nM/'"));
    CHECK_THROWS_MATCHES(parse_unit("(nM*s"), UnitError, Catch::Message("expected ')' in unit '(nM*s'"));
    CHECK_THROWS_MATCHES(parse_unit("nM)"), UnitError, Catch::Message("unexpected ')' in unit 'nM)'"));
    CHECK_THROWS_MATCHES(parse_unit("nM s"), UnitError, Catch::Message("unexpected 's' in unit 'nM s'"));
    CHECK_THROWS_WITH(parse_unit("nM^"), Contains("expected a small integer power after '^'"));
    CHECK_THROWS_WITH(parse_unit("nM^x"), Contains("expected a small integer power after '^'"));
    CHECK_THROWS_WITH(parse_unit("nM^-"), Contains("expected a small integer power after '^'"));
    CHECK_THROWS_WITH(parse_unit("nM^12345"), Contains("expected a small integer power after '^'"));
    CHECK_THROWS_WITH(parse_unit("nM^2^2"), Contains("unexpected '^'"));
    CHECK_THROWS_WITH(parse_unit("*nM"), Contains("expected a unit symbol"));
}

TEST_CASE("parse_unit: deep brackets are an error, not a stack overflow", "[units][errors]") {
    // Protects the nesting limit (32 levels in units.cpp); 31 levels still parse.
    const auto nested = [](int depth) { return std::string(depth, '(') + "nM" + std::string(depth, ')'); };
    CHECK(parse_unit(nested(31)).dimension == conc);
    CHECK_THROWS_WITH(parse_unit(nested(33)), Contains("brackets nested too deeply"));
    CHECK_THROWS_WITH(parse_unit(nested(100000)), Contains("brackets nested too deeply"));
}

TEST_CASE("to_string(Dimension): readable, and a compound denominator is bracketed", "[units]") {
    // Protects the dimension text of error messages. "1/concentration*time" would read as
    // time/concentration, so a denominator of several factors gets brackets.
    CHECK(to_string(Dimension::none()) == "dimensionless");
    CHECK(to_string(conc) == "concentration");
    CHECK(to_string(Dimension::volume()) == "volume");
    CHECK(to_string(conc / time_) == "concentration/time");
    CHECK(to_string(Dimension::none() / time_) == "1/time");
    CHECK(to_string(Dimension::none() / conc / time_) == "1/(concentration*time)");
    CHECK(to_string(Dimension::none() / conc.pow(2) / time_) == "1/(concentration^2*time)");
    CHECK(to_string(Dimension::mass() / Dimension::amount()) == "mass/amount");
    CHECK(to_string(Dimension::volume() / Dimension::mass()) == "volume/mass");
    CHECK(to_string(conc * Dimension::volume()) == "amount");
}

TEST_CASE("parse_duration_s: numbers with an optional time unit, in seconds", "[units]") {
    // Protects the --t-end style durations; expected values are the unit factors (1 h = 3600 s).
    CHECK(parse_duration_s("2h") == 7200.0);
    CHECK(parse_duration_s("30 min") == 1800.0);
    CHECK(parse_duration_s("90s") == 90.0);
    CHECK(parse_duration_s("250ms") == Approx(0.25));
    CHECK(parse_duration_s("1d") == 86400.0);
    CHECK(parse_duration_s("1.5e4") == 15000.0);   // no unit: seconds
    CHECK(parse_duration_s("600") == 600.0);
    CHECK(parse_duration_s("2 h ") == 7200.0);
    CHECK(parse_duration_s("0.5h") == 1800.0);
}

TEST_CASE("parse_duration_s: text that is not a finite time is a UnitError", "[units][errors]") {
    // Protects the error branches: no number, a unit of another dimension, an unknown unit, and
    // the non-finite values std::stod accepts ("inf", "nan") or that overflow on conversion.
    CHECK_THROWS_MATCHES(parse_duration_s(""), UnitError, Catch::Message("expected a time such as 2h, 30min or 90s, got ''"));
    CHECK_THROWS_MATCHES(parse_duration_s("h"), UnitError, Catch::Message("expected a time such as 2h, 30min or 90s, got 'h'"));
    CHECK_THROWS_MATCHES(parse_duration_s("2 nM"), UnitError, Catch::Message("'2 nM' is not a time (it is concentration)"));
    CHECK_THROWS_WITH(parse_duration_s("2 hours"), Contains("unknown unit symbol 'hours'"));
    CHECK_THROWS_WITH(parse_duration_s("inf"), Contains("expected a finite time") && Contains("'inf'"));
    CHECK_THROWS_WITH(parse_duration_s("nan h"), Contains("expected a finite time"));
    CHECK_THROWS_WITH(parse_duration_s("1e308h"), Contains("expected a finite time"));
    CHECK_THROWS_WITH(parse_duration_s("1e999"), Contains("expected a time such as"));
}
