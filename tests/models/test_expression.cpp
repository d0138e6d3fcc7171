// Tests for models/expression: parsing, error messages, folding, differentiation and printing.
#include "models/expression.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace ntsim::models;

namespace {

using Values = std::map<std::string, double>;

double eval(const ExprPtr& expression, const Values& values) {
    return evaluate(expression, [&](const std::string& name) { return values.at(name); });
}

double eval(const std::string& text, const Values& values = {}) {
    return eval(parse_expression(text), values);
}

// Numbers compare by value, with NaN equal to NaN and 0 distinct from -0, because to_string
// promises an exact round trip.
bool same_number(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
}

bool same_tree(const Expr& a, const Expr& b) {
    if (a.op != b.op || a.args.size() != b.args.size()) return false;
    if (a.op == Op::number) return same_number(a.value, b.value);
    if (a.op == Op::symbol) return a.name == b.name;
    for (std::size_t i = 0; i < a.args.size(); ++i) {
        if (!same_tree(*a.args[i], *b.args[i])) return false;
    }
    return true;
}

// The error parse_expression throws for `text`, or nothing if it parses.
std::optional<ExpressionError> parse_error(const std::string& text) {
    try {
        parse_expression(text);
    } catch (const ExpressionError& error) {
        return error;
    }
    return std::nullopt;
}

std::string repeat(const std::string& piece, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out += piece;
    return out;
}

// Central difference d(expression)/d(name) at `point`; step chosen so truncation (~h^2) and
// rounding (~eps/h) errors both stay near 1e-10 relative for the smooth test functions.
double central_difference(const ExprPtr& expression, const std::string& name, Values point) {
    const double x = point.at(name);
    const double h = 1e-5 * std::max(1.0, std::abs(x));
    point[name] = x + h;
    const double up = eval(expression, point);
    point[name] = x - h;
    const double down = eval(expression, point);
    return (up - down) / (2 * h);
}

}  // namespace

TEST_CASE("precedence and associativity follow the documented grammar", "[expression]") {
    // Protects operator binding (C precedence, '^' right-associative above unary minus); expected
    // values are computed by hand.
    const Values v{{"a", 2}, {"b", 3}, {"c", 5}, {"x", 3}};
    const std::vector<std::pair<std::string, double>> cases = {
        {"1+2*3", 7},          {"(1+2)*3", 9},         {"8-4-2", 2},
        {"8/4/2", 1},          {"2^3^2", 512},         {"(2^3)^2", 64},
        {"-2^2", -4},          {"(-2)^2", 4},          {"-x^2", -9},
        {"2^-1", 0.5},         {"-2^-2", -0.25},       {"2*3^2", 18},
        {"2^3*2", 16},         {"-2*3", -6},           {"1 - -1", 2},
        {"--2", 2},            {"-(-(-1))", -1},       {"a*b+c", 11},
        {"a+b*c", 17},         {"a-b+c", 4},           {"a/b*c", 2.0 / 3.0 * 5.0},
        {"1 + 1 < 3", 1},      {"1 < 2 == 1", 1},      {"3 > 2 > 1", 0},
        {"2 > 1 > 0", 1},      {"1 <= 1", 1},          {"1 >= 2", 0},
        {"1 != 1", 0},         {"1 == 1 != 0", 1},     {"1 || 0 && 0", 1},
        {"(1 || 0) && 0", 0},  {"!0 + 1", 2},          {"!(0 + 1)", 0},
        {"!a", 0},             {"a < b && b < c", 1},  {"a > b || c > b", 1},
        {"1e-3*1e3", 1},       {".5 + 2.5E+1", 25.5},  {"2.5e-1", 0.25},
        {" \t\n a \r\n", 2},   {"((a))", 2},           {"10-2^2*2", 2},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(eval(text, v) == Approx(expected).epsilon(1e-15));
    }
}

TEST_CASE("every function evaluates like the C++ library", "[expression]") {
    // Protects the function table and argument order; expected values come from <cmath>.
    const Values v{{"x", 2.5}, {"y", -1.5}, {"z", 0.25}};
    CHECK(eval("exp(x)", v) == std::exp(2.5));
    CHECK(eval("log(x)", v) == std::log(2.5));
    CHECK(eval("log10(x)", v) == std::log10(2.5));
    CHECK(eval("sqrt(x)", v) == std::sqrt(2.5));
    CHECK(eval("abs(y)", v) == 1.5);
    CHECK(eval("pow(x, y)", v) == std::pow(2.5, -1.5));
    CHECK(eval("x^y", v) == std::pow(2.5, -1.5));
    CHECK(eval("min(x, y)", v) == -1.5);
    CHECK(eval("min(x, z, y)", v) == -1.5);
    CHECK(eval("max(y, x)", v) == 2.5);
    CHECK(eval("max(y, z, x, 1)", v) == 2.5);
    CHECK(eval("log10(1000)") == Approx(3));
    CHECK(std::isnan(eval("sqrt(y)", v)));
    // All-number calls are folded at parse time, through the same arithmetic.
    CHECK(is_number(parse_expression("exp(0) + max(1, 4, 2) * sqrt(16)"), 17));
}

TEST_CASE("if and piecewise select the first true branch", "[expression]") {
    // Protects the mapping of if/piecewise onto Op::select, including the NaN when piecewise has
    // no otherwise and no condition holds; expected values are read off the definitions.
    const auto at = [](const std::string& text, double x) { return eval(text, {{"x", x}}); };
    CHECK(at("if(x > 1, 10, 20)", 2) == 10);
    CHECK(at("if(x > 1, 10, 20)", 0) == 20);
    CHECK(at("if(x > 0 && x < 1, x, -x)", 0.5) == 0.5);
    CHECK(at("if(x > 0 && x < 1, x, -x)", 3) == -3);
    const std::string steps = "piecewise(1, x < 0, 2, x < 1, 3)";
    CHECK(at(steps, -1) == 1);
    CHECK(at(steps, 0.5) == 2);
    CHECK(at(steps, 5) == 3);
    const std::string without_otherwise = "piecewise(1, x < 0, 2, x < 1)";
    CHECK(at(without_otherwise, -1) == 1);
    CHECK(std::isnan(at(without_otherwise, 5)));
    CHECK(at("piecewise(x, x >= 0)", 4) == 4);
    CHECK(std::isnan(at("piecewise(x, x >= 0)", -4)));
    CHECK(at("if(x, 1, 2)", 0) == 2);
    CHECK(at("if(x, 1, 2)", -0.5) == 1);
    // A constant condition picks its branch at parse time.
    CHECK(to_string(parse_expression("if(2 > 1, a, b)")) == "a");
    CHECK(to_string(parse_expression("piecewise(a, 0, b, 1, c)")) == "b");
}

TEST_CASE("malformed text gives an ExpressionError naming column and text", "[expression]") {
    // Protects the error contract of docs/model-format.md (expression, column, what was expected);
    // columns are counted by hand, 1-based, the end of the text being size() + 1.
    struct Case {
        std::string text;
        std::size_t column;
        std::string says;
    };
    const std::vector<Case> cases = {
        {"k1*(A+B", 8, "expected ')'"},
        {"a+", 3, "expected a number, a name or '('"},
        {"a*/b", 3, "found '/'"},
        {"", 1, "found the end"},
        {"   ", 4, "found the end"},
        {"1..2", 3, "expected a digit after '.'"},
        {"1.", 3, "expected a digit after '.'"},
        {"1e", 3, "exponent"},
        {"2.5e+", 6, "exponent"},
        {"1e400", 1, "number out of range"},
        {"a b", 3, "expected an operator or the end, found 'b'"},
        {"(a b)", 4, "expected an operator or ')'"},
        {")", 1, "found ')'"},
        {"a = b", 3, "'=='"},
        {"a & b", 3, "'&&'"},
        {"a | b", 3, "'||'"},
        {"a # b", 3, "found '#'"},
        {"\xC2\xB5M", 1, "byte 0xC2"},
        {"foo(x)", 1, "unknown function 'foo' (known: abs, acos, acosh, asin, asinh, atan, atanh, ceil, "
                      "cos, cosh, exp, factorial, floor, if, log, log10, max, min, piecewise, pow, sin, "
                      "sinh, sqrt, tan, tanh)"},
        {"2*bar()", 3, "unknown function 'bar'"},
        {"log(a, b)", 1, "'log' takes 1 argument but was given 2"},
        {"exp()", 1, "'exp' takes 1 argument but was given 0"},
        {"pow(a)", 1, "'pow' takes 2 arguments but was given 1"},
        {"1 + if(a, b)", 5, "'if' takes 3 arguments but was given 2"},
        {"min(a)", 1, "'min' takes at least 2 arguments but was given 1"},
        {"piecewise(a)", 1, "'piecewise' takes at least 2 arguments"},
        {"exp(a", 6, "expected ')'"},
        {"exp(a b)", 7, "expected an operator or ',' or ')'"},
        {"min(a,)", 7, "expected a number, a name or '('"},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        const auto error = parse_error(c.text);
        REQUIRE(error);
        CHECK(error->column() == c.column);
        const std::string message = error->what();
        CHECK_THAT(message, Catch::Matchers::Contains(c.says));
        CHECK_THAT(message, Catch::Matchers::EndsWith(" at column " + std::to_string(c.column) +
                                                      " in '" + c.text + "'"));
    }
}

TEST_CASE("hostile nesting is an error, not a stack overflow", "[expression]") {
    // Protects the 1000-level nesting limit that keeps every recursive tree walk bounded; the
    // inputs are the shapes that recurse: parentheses, unary operators, '^', calls, long chains.
    // Ten times the depth limit, yet within the length limit, so the depth check must refuse them.
    const std::size_t huge = 10000;
    const std::vector<std::string> hostile = {
        repeat("(", huge),
        repeat("(", huge) + "x" + repeat(")", huge),
        repeat("-", huge) + "x",
        repeat("!", huge) + "x",
        repeat("x^", huge) + "x",
        repeat("exp(", huge) + "x" + repeat(")", huge),
        "x" + repeat("+x", huge),
        "min(x" + repeat(",x", huge) + ")",
        "piecewise(" + repeat("x,x,", huge) + "x)",
    };
    for (const std::string& text : hostile) {
        INFO(text.substr(0, 20));
        const auto error = parse_error(text);
        REQUIRE(error);
        CHECK_THAT(error->what(), Catch::Matchers::StartsWith("expression nested too deeply"));
    }
    CHECK(parse_error(repeat(")", huge))->column() == 1);
    CHECK_THAT(parse_error("x" + repeat("+x", 100000))->what(),
               Catch::Matchers::StartsWith("expression of 200001 characters is longer than the limit of 100000 at column 1"));

    // Exactly at the limit still parses.
    CHECK(eval(repeat("(", 1000) + "2" + repeat(")", 1000)) == 2);
    CHECK(eval(repeat("-", 1000) + "2") == 2);
    CHECK(eval("1" + repeat("+1", 1000)) == 1001);
    CHECK(parse_error(repeat("(", 1001) + "2" + repeat(")", 1001)));
    CHECK(parse_error("1" + repeat("+a", 1001)));
}

TEST_CASE("random token soup parses or throws ExpressionError", "[expression]") {
    // Protects "never crash on any input" beyond the hand-written cases (run under ASan/UBSan);
    // whatever parses must also print and parse back to the same tree.
    const std::vector<std::string> tokens = {
        "a", "b", "1", "0", ".", "e", "+", "-", "*", "/", "^", "(", ")", "<", ">", "=", "!",
        "&", "|", ",", " ", "exp", "min", "piecewise", "if", "2.5", "1e3", "&&", "||", "=="};
    std::mt19937 engine(20240611);
    std::uniform_int_distribution<std::size_t> pick(0, tokens.size() - 1);
    std::uniform_int_distribution<std::size_t> length(1, 16);
    std::size_t parsed = 0;
    for (int trial = 0; trial < 20000; ++trial) {
        std::string text;
        for (std::size_t n = length(engine); n > 0; --n) text += tokens[pick(engine)];
        INFO(text);
        try {
            const ExprPtr e = parse_expression(text);
            ++parsed;
            REQUIRE(same_tree(*parse_expression(to_string(e)), *e));
        } catch (const ExpressionError& error) {
            REQUIRE(error.column() >= 1);
            REQUIRE(error.column() <= text.size() + 1);
        }
    }
    CHECK(parsed > 100);  // the soup must exercise the success path too
}

TEST_CASE("make folds numbers and trivial identities", "[expression]") {
    // Protects the folding rules listed in expression.hpp; expected trees are the rules' right
    // hand sides.
    const ExprPtr x = symbol("x");
    const ExprPtr y = symbol("y");
    CHECK(make(Op::add, {x, number(0)}) == x);
    CHECK(make(Op::add, {number(0), x}) == x);
    CHECK(make(Op::sub, {x, number(0)}) == x);
    CHECK(to_string(make(Op::sub, {number(0), x})) == "-x");
    CHECK(make(Op::mul, {x, number(1)}) == x);
    CHECK(make(Op::mul, {number(1), x}) == x);
    CHECK(is_number(make(Op::mul, {x, number(0)}), 0));
    CHECK(is_number(make(Op::mul, {number(0), x}), 0));
    CHECK(make(Op::div, {x, number(1)}) == x);
    CHECK(is_number(make(Op::div, {number(0), x}), 0));
    CHECK(make(Op::pow, {x, number(1)}) == x);
    CHECK(is_number(make(Op::pow, {x, number(0)}), 1));
    CHECK(make(Op::neg, {make(Op::neg, {x})}) == x);
    CHECK(is_number(make(Op::neg, {number(2)}), -2));
    CHECK(is_number(make(Op::add, {number(2), number(3)}), 5));
    CHECK(is_number(make(Op::max, {number(2), number(3)}), 3));
    CHECK(is_number(make(Op::div, {number(1), number(0)}), std::numeric_limits<double>::infinity()));
    CHECK(make(Op::select, {number(1), x, y}) == x);
    CHECK(make(Op::select, {number(0), x, y}) == y);
    CHECK(is_number(make(Op::select, {x, number(4), number(4)}), 4));
    CHECK(to_string(make(Op::mul, {x, y})) == "x*y");
    CHECK(is_number(parse_expression("2*3 + 1"), 7));
    CHECK(to_string(parse_expression("0*k + 1*A - 0")) == "A");

    CHECK_THROWS_AS(make(Op::add, {x}), std::invalid_argument);
    CHECK_THROWS_AS(make(Op::neg, {x, y}), std::invalid_argument);
    CHECK_THROWS_AS(make(Op::number, {}), std::invalid_argument);
    CHECK_THROWS_AS(make(Op::exp, {nullptr}), std::invalid_argument);
}

TEST_CASE("derivatives match central finite differences for every operator", "[expression]") {
    // Protects the chain rule of every Op; the reference is a central difference of the evaluated
    // expression (relative error < 1e-6), at points away from kinks so both sides agree.
    const std::vector<std::string> expressions = {
        "x + y", "x - y", "x*y", "x/y", "-x*y", "x^3", "x^2.5", "x^-2", "x^y", "y^x", "2^x",
        "x^x", "pow(x, y)", "exp(x*y)", "log(x*y)", "log10(x + y)", "sqrt(x*y)", "abs(x - y)",
        "abs(x)*y", "min(x, y)", "max(x, y)", "min(x^2, y, 2)", "max(x, y, 1.5)",
        "if(x > y, x^2, y*x)", "piecewise(x*y, x < 1, x^2, x < 2, y)",
        "x < y", "x <= y", "x > y", "x >= y", "x == y", "x != y", "x && y", "x || y", "!x",
        "x*(x < y) + y", "V*x/(Km + x)", "V*x^n/(K^n + x^n)", "k1*x*y - k2*x^2/(1 + y)",
        "exp(-x^2/y)*log10(sqrt(x^2 + y^2))",
    };
    const std::vector<std::pair<double, double>> points = {
        {0.7, 1.3}, {1.9, 0.4}, {2.5, 3.1}, {-1.2, 0.8}};
    for (const std::string& text : expressions) {
        const ExprPtr e = parse_expression(text);
        std::size_t checked = 0;
        for (const auto& [x, y] : points) {
            const Values point{{"x", x}, {"y", y}, {"V", 2}, {"Km", 0.5}, {"K", 1.1}, {"n", 2.2},
                               {"k1", 0.3}, {"k2", 0.6}};
            if (!std::isfinite(eval(e, point))) continue;  // e.g. log of a negative number
            for (const std::string name : {"x", "y", "Km", "n"}) {
                const double analytic = eval(differentiate(e, name), point);
                const double numeric = central_difference(e, name, point);
                INFO(text << " d/d" << name << " at x=" << x << " y=" << y << ": "
                          << to_string(differentiate(e, name)));
                CHECK(analytic == Approx(numeric).epsilon(1e-6).margin(1e-9));
                ++checked;
            }
        }
        INFO(text);
        CHECK(checked > 0);
    }
}

TEST_CASE("derivatives fold to simple trees", "[expression]") {
    // Protects the readability and size of Jacobian entries: expected strings are the
    // hand-simplified derivatives, and a symbol the expression does not read gives a literal 0.
    const auto d = [](const std::string& text, const std::string& name) {
        return to_string(differentiate(parse_expression(text), name));
    };
    CHECK(d("k*A*B", "A") == "k*B");
    CHECK(d("k*A*B", "k") == "A*B");
    CHECK(d("kf*A - kr*B", "B") == "-kr");
    CHECK(d("x^3", "x") == "3*x^2");
    CHECK(d("x^n", "x") == "n*x^(n - 1)");  // no log(x): x may be a zero concentration
    CHECK(d("2^x", "x") == "2^x*0.6931471805599453");  // log(2) folded
    CHECK(d("y^x", "x") == "y^x*log(y)");
    CHECK(d("exp(2*x)", "x") == "exp(2*x)*2");
    CHECK(d("log(A)", "A") == "1/A");
    CHECK(d("Vmax*S/(Km + S)", "Vmax") == "S/(Km + S)");
    CHECK(d("abs(x)", "x") == "if(x >= 0, 1, -1)");
    CHECK(d("min(a, b)", "b") == "if(a <= b, 0, 1)");
    CHECK(d("x < 1", "x") == "0");

    for (const std::string text : {"k*A*B", "x^y", "y^x", "exp(x)/log(y)", "abs(x - y)",
                                   "min(x, y)", "max(x, y)", "if(x > 1, x, y)", "sqrt(x)",
                                   "log10(x)", "piecewise(x, x < 1, y)", "-x", "x - y",
                                   "x && !y"}) {
        INFO(text);
        CHECK(is_number(differentiate(parse_expression(text), "absent"), 0));
    }
}

TEST_CASE("symbols lists the distinct names read", "[expression]") {
    // Protects the names the solver resolves to indices; expected sets are read off the text.
    using Names = std::set<std::string>;
    CHECK(symbols(parse_expression("k1*A + k1*B - time")) == Names{"A", "B", "k1", "time"});
    CHECK(symbols(parse_expression("exp(x) + min(y, 2)")) == Names{"x", "y"});
    CHECK(symbols(parse_expression("2*3")).empty());
}

TEST_CASE("substitute replaces symbols and refolds", "[expression]") {
    // Protects substitution used for observables inside rate laws; expected values by hand.
    const ExprPtr e = parse_expression("k*A + B");
    const ExprPtr replaced = substitute(e, [](const std::string& name) -> ExprPtr {
        return name == "A" ? parse_expression("C + 1") : nullptr;
    });
    CHECK(to_string(replaced) == "k*(C + 1) + B");
    CHECK(eval(replaced, {{"k", 2}, {"C", 3}, {"B", 1}}) == 9);
    CHECK(substitute(e, [](const std::string&) -> ExprPtr { return nullptr; }) == e);
    const ExprPtr zeroed = substitute(e, [](const std::string& name) -> ExprPtr {
        return name == "k" ? number(0) : nullptr;
    });
    CHECK(to_string(zeroed) == "B");
}

TEST_CASE("to_string prints minimal parentheses that parse back", "[expression]") {
    // Protects printing by the grammar's own precedence; expected strings are written by hand.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a - (b - c)", "a - (b - c)"},   {"(a - b) - c", "a - b - c"},
        {"a/(b*c)", "a/(b*c)"},           {"(a/b)*c", "a/b*c"},
        {"(a^b)^c", "(a^b)^c"},           {"a^(b^c)", "a^b^c"},
        {"-(a + b)", "-(a + b)"},         {"-(a*b)", "-(a*b)"},
        {"-a^2", "-a^2"},                 {"(-a)^2", "(-a)^2"},
        {"2^-x", "2^-x"},                 {"a*(-2)", "a*-2"},
        {"(-2)^a", "(-2)^a"},             {"!(a < b)", "!(a < b)"},
        {"a < b == c", "a < b == c"},     {"a < (b == c)", "a < (b == c)"},
        {"a || b && c", "a || b && c"},   {"(a || b) && c", "(a || b) && c"},
        {"pow(a, b + 1)", "a^(b + 1)"},   {"0.1*a", "0.1*a"},
        {"1e-300 + a", "1e-300 + a"},     {"1/0*a", "1/0*a"},
        {"a*(1/0)", "a*(1/0)"},           {"if(a, -1/0, 0/0)", "if(a, -1/0, 0/0)"},
        {"min(a, b, c)", "min(min(a, b), c)"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(to_string(parse_expression(text)) == expected);
    }
}

TEST_CASE("to_string round-trips random trees exactly", "[expression]") {
    // Protects parse(to_string(e)) == e for any tree make() builds, including awkward numbers
    // (negative, subnormal, huge, -0, inf, NaN); the reference is the original tree itself.
    const std::vector<Op> ops = {
        Op::add, Op::sub, Op::mul, Op::div, Op::pow, Op::neg, Op::exp, Op::log, Op::log10,
        Op::sqrt, Op::abs, Op::min, Op::max, Op::lt, Op::le, Op::gt, Op::ge, Op::eq, Op::ne,
        Op::logical_and, Op::logical_or, Op::logical_not, Op::select};
    const std::vector<double> numbers = {
        2, 0.1, -3.5, 1.0 / 3, 1e-300, 5e-324, 1.7976931348623157e308, -0.0, 6.02214076e23,
        std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::quiet_NaN()};
    const std::vector<std::string> names = {"a", "b", "k_1", "time"};
    std::mt19937 engine(7);
    const auto pick = [&](std::size_t size) {
        return std::uniform_int_distribution<std::size_t>(0, size - 1)(engine);
    };
    std::function<ExprPtr(int)> random_tree = [&](int depth) -> ExprPtr {
        if (depth == 0 || pick(4) == 0) {
            return pick(2) == 0 ? number(numbers[pick(numbers.size())])
                                : symbol(names[pick(names.size())]);
        }
        const Op op = ops[pick(ops.size())];
        const std::size_t arity = op == Op::select ? 3
                                  : (op == Op::neg || op == Op::exp || op == Op::log ||
                                     op == Op::log10 || op == Op::sqrt || op == Op::abs ||
                                     op == Op::logical_not) ? 1 : 2;
        std::vector<ExprPtr> args;
        for (std::size_t i = 0; i < arity; ++i) args.push_back(random_tree(depth - 1));
        return make(op, std::move(args));
    };
    const Values point{{"a", 0.75}, {"b", -1.25}, {"k_1", 2}, {"time", 3}};
    for (int trial = 0; trial < 2000; ++trial) {
        const ExprPtr e = random_tree(6);
        const std::string text = to_string(e);
        INFO(text);
        const ExprPtr back = parse_expression(text);
        REQUIRE(same_tree(*back, *e));
        CHECK(to_string(back) == text);
        CHECK(same_number(eval(back, point), eval(e, point)));
    }
}
