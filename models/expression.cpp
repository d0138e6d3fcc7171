// Rate-law expressions: construction with constant folding, the infix parser, symbolic
// differentiation and printing. models/ parses rate laws with it; solver/ compiles the trees.
#include "models/expression.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <numbers>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "models/limits.hpp"

namespace ntsim::models {

namespace {

// Every walk over a tree (here, in the solver's tape compiler, and shared_ptr's destructor) is
// recursive, so nesting is capped to keep hostile input from overflowing a thread's stack.
// Real rate laws nest a handful of levels; a flat sum of 1000 terms is still accepted.
constexpr std::size_t max_nesting = limits::max_expression_depth;

// Characters of the text quoted on each side of the error column: enough to find the spot,
// without echoing a whole 100 kB expression into a message.
constexpr std::size_t quoted_context = 40;

constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();

// Binding strength, weakest first; the parser climbs it and the printer uses it to decide where
// parentheses are needed.
enum class Level { logical_or, logical_and, equality, relational, additive, multiplicative, unary,
                   power, atom };

Level stronger(Level level) { return static_cast<Level>(static_cast<int>(level) + 1); }

struct BinaryOperator {
    Op op;
    std::string_view text;
    Level level;
};

// Longer spellings come first so "<=" is not read as "<" followed by "=".
constexpr BinaryOperator binary_operators[] = {
    {Op::logical_or, "||", Level::logical_or},  {Op::logical_and, "&&", Level::logical_and},
    {Op::eq, "==", Level::equality},            {Op::ne, "!=", Level::equality},
    {Op::le, "<=", Level::relational},          {Op::ge, ">=", Level::relational},
    {Op::lt, "<", Level::relational},           {Op::gt, ">", Level::relational},
    {Op::add, "+", Level::additive},            {Op::sub, "-", Level::additive},
    {Op::mul, "*", Level::multiplicative},      {Op::div, "/", Level::multiplicative},
};

struct Function {
    std::string_view name;
    Op op;
    std::size_t min_args;
    std::size_t max_args;
};

// Sorted by name, because the list doubles as the "known:" hint of an unknown-function error.
constexpr Function functions[] = {
    {"abs", Op::abs, 1, 1},           {"acos", Op::acos, 1, 1},
    {"acosh", Op::acosh, 1, 1},       {"asin", Op::asin, 1, 1},
    {"asinh", Op::asinh, 1, 1},       {"atan", Op::atan, 1, 1},
    {"atanh", Op::atanh, 1, 1},       {"ceil", Op::ceil, 1, 1},
    {"cos", Op::cos, 1, 1},           {"cosh", Op::cosh, 1, 1},
    {"exp", Op::exp, 1, 1},           {"factorial", Op::factorial, 1, 1},
    {"floor", Op::floor, 1, 1},       {"if", Op::select, 3, 3},
    {"log", Op::log, 1, 1},           {"log10", Op::log10, 1, 1},
    {"max", Op::max, 2, unlimited},   {"min", Op::min, 2, unlimited},
    {"piecewise", Op::select, 2, unlimited}, {"pow", Op::pow, 2, 2},
    {"sin", Op::sin, 1, 1},           {"sinh", Op::sinh, 1, 1},
    {"sqrt", Op::sqrt, 1, 1},         {"tan", Op::tan, 1, 1},
    {"tanh", Op::tanh, 1, 1},
};

// Not an Op: rateOf(x) reads as a symbol named "rateOf(x)" (models::rate_of_name).
constexpr std::string_view rate_of_function = "rateOf";

const BinaryOperator* find_binary(Op op) {
    for (const BinaryOperator& candidate : binary_operators) {
        if (candidate.op == op) return &candidate;
    }
    return nullptr;
}

const Function* find_function(std::string_view name) {
    for (const Function& candidate : functions) {
        if (candidate.name == name) return &candidate;
    }
    return nullptr;
}

std::size_t arity(Op op) {
    switch (op) {
    case Op::number:
    case Op::symbol:
        return 0;
    case Op::neg: case Op::exp: case Op::log: case Op::log10: case Op::sqrt: case Op::abs:
    case Op::sin: case Op::cos: case Op::tan: case Op::asin: case Op::acos: case Op::atan:
    case Op::sinh: case Op::cosh: case Op::tanh: case Op::asinh: case Op::acosh: case Op::atanh:
    case Op::floor: case Op::ceil: case Op::factorial:
    case Op::logical_not:
        return 1;
    case Op::add: case Op::sub: case Op::mul: case Op::div: case Op::pow: case Op::min:
    case Op::max: case Op::lt: case Op::le: case Op::gt: case Op::ge: case Op::eq: case Op::ne:
    case Op::logical_and: case Op::logical_or:
        return 2;
    case Op::select:
        return 3;
    }
    throw std::invalid_argument("expression: unknown Op " + std::to_string(static_cast<int>(op)));
}

void check_arity(Op op, std::size_t count) {
    if (count != arity(op)) {
        throw std::invalid_argument("expression: Op " + std::to_string(static_cast<int>(op)) +
                                    " takes " + std::to_string(arity(op)) + " arguments, got " +
                                    std::to_string(count));
    }
}

// Identities that remove work without changing values at any point a rate law is meant to be
// evaluated. x*0 -> 0 and 0/x -> 0 ignore x = inf or NaN (and 0/0): they exist so that the
// derivative of a term with respect to a symbol it does not read collapses to a literal 0.
ExprPtr fold_identity(Op op, const std::vector<ExprPtr>& args) {
    switch (op) {
    case Op::add:
        if (is_number(args[0], 0)) return args[1];
        if (is_number(args[1], 0)) return args[0];
        break;
    case Op::sub:
        if (is_number(args[1], 0)) return args[0];
        if (is_number(args[0], 0)) return make(Op::neg, {args[1]});
        break;
    case Op::mul:
        if (is_number(args[0], 0) || is_number(args[1], 0)) return number(0);
        if (is_number(args[0], 1)) return args[1];
        if (is_number(args[1], 1)) return args[0];
        break;
    case Op::div:
        if (is_number(args[0], 0)) return number(0);
        if (is_number(args[1], 1)) return args[0];
        break;
    case Op::pow:
        if (is_number(args[1], 0)) return number(1);
        if (is_number(args[1], 1)) return args[0];
        break;
    case Op::neg:
        if (args[0]->op == Op::neg) return args[0]->args[0];
        break;
    case Op::select:
        if (args[0]->op == Op::number) return args[0]->value != 0 ? args[1] : args[2];
        if (args[1]->op == Op::number && args[2]->op == Op::number &&
            args[1]->value == args[2]->value) {
            return args[1];
        }
        break;
    default:
        break;
    }
    return nullptr;
}

}  // namespace

double detail::apply(Op op, std::span<const double> a) {
    check_arity(op, a.size());
    switch (op) {
    case Op::number:
    case Op::symbol:
        throw std::invalid_argument("expression: apply() needs an operator, not a leaf");
    case Op::add: return a[0] + a[1];
    case Op::sub: return a[0] - a[1];
    case Op::mul: return a[0] * a[1];
    case Op::div: return a[0] / a[1];
    case Op::pow: return std::pow(a[0], a[1]);
    case Op::neg: return -a[0];
    case Op::exp: return std::exp(a[0]);
    case Op::log: return std::log(a[0]);
    case Op::log10: return std::log10(a[0]);
    case Op::sqrt: return std::sqrt(a[0]);
    case Op::abs: return std::fabs(a[0]);
    case Op::sin: return std::sin(a[0]);
    case Op::cos: return std::cos(a[0]);
    case Op::tan: return std::tan(a[0]);
    case Op::asin: return std::asin(a[0]);
    case Op::acos: return std::acos(a[0]);
    case Op::atan: return std::atan(a[0]);
    case Op::sinh: return std::sinh(a[0]);
    case Op::cosh: return std::cosh(a[0]);
    case Op::tanh: return std::tanh(a[0]);
    case Op::asinh: return std::asinh(a[0]);
    case Op::acosh: return std::acosh(a[0]);
    case Op::atanh: return std::atanh(a[0]);
    case Op::floor: return std::floor(a[0]);
    case Op::ceil: return std::ceil(a[0]);
    case Op::factorial: return std::tgamma(a[0] + 1.0);
    // Same tie-breaking as differentiate(): min and max return the first argument on a tie.
    case Op::min: return a[1] < a[0] ? a[1] : a[0];
    case Op::max: return a[0] < a[1] ? a[1] : a[0];
    case Op::lt: return a[0] < a[1] ? 1.0 : 0.0;
    case Op::le: return a[0] <= a[1] ? 1.0 : 0.0;
    case Op::gt: return a[0] > a[1] ? 1.0 : 0.0;
    case Op::ge: return a[0] >= a[1] ? 1.0 : 0.0;
    case Op::eq: return a[0] == a[1] ? 1.0 : 0.0;
    case Op::ne: return a[0] != a[1] ? 1.0 : 0.0;
    case Op::logical_and: return a[0] != 0 && a[1] != 0 ? 1.0 : 0.0;
    case Op::logical_or: return a[0] != 0 || a[1] != 0 ? 1.0 : 0.0;
    case Op::logical_not: return a[0] == 0 ? 1.0 : 0.0;
    case Op::select: return a[0] != 0 ? a[1] : a[2];
    }
    return 0.0;  // not reached: check_arity() rejected unknown values of op
}

ExprPtr number(double value) {
    return std::make_shared<const Expr>(Expr{Op::number, value, {}, {}});
}

ExprPtr symbol(std::string name) {
    return std::make_shared<const Expr>(Expr{Op::symbol, 0.0, std::move(name), {}});
}

bool is_number(const ExprPtr& e, double v) {
    return e && e->op == Op::number && e->value == v;
}

ExprPtr make(Op op, std::vector<ExprPtr> args) {
    if (op == Op::number || op == Op::symbol) {
        throw std::invalid_argument("expression: make() builds operators; use number() or symbol()");
    }
    check_arity(op, args.size());
    if (std::any_of(args.begin(), args.end(), [](const ExprPtr& arg) { return !arg; })) {
        throw std::invalid_argument("expression: make() was given a null argument");
    }
    if (std::all_of(args.begin(), args.end(),
                    [](const ExprPtr& arg) { return arg->op == Op::number; })) {
        std::vector<double> values;
        for (const ExprPtr& arg : args) values.push_back(arg->value);
        return number(detail::apply(op, values));
    }
    if (ExprPtr folded = fold_identity(op, args)) return folded;
    return std::make_shared<const Expr>(Expr{op, 0.0, {}, std::move(args)});
}

// ---------------------------------------------------------------------------------------------
// Parsing

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    ExprPtr parse() {
        if (text_.size() > limits::max_expression_length)
            fail("expression of " + std::to_string(text_.size()) + " characters is longer than the limit of " +
                     std::to_string(limits::max_expression_length),
                 1);
        Parsed result = parse_binary(Level::logical_or);
        skip_space();
        if (!at_end()) fail_found("expected an operator or the end", column());
        return result.expr;
    }

private:
    // `depth` is the nesting of the built tree (leaves 0), tracked alongside so that a long
    // chain like a+a+...+a, which the parser reads in a loop, is still bounded.
    struct Parsed {
        ExprPtr expr;
        std::size_t depth = 0;
    };

    // Counts the parser's own recursion, which parentheses deepen without adding tree nodes.
    class NestingGuard {
    public:
        explicit NestingGuard(Parser& parser) : parser_(parser) {
            if (parser_.nesting_ > max_nesting) parser_.fail_too_deep();
            ++parser_.nesting_;
        }
        ~NestingGuard() { --parser_.nesting_; }
        NestingGuard(const NestingGuard&) = delete;
        NestingGuard& operator=(const NestingGuard&) = delete;
    private:
        Parser& parser_;
    };

    // Precedence climbing: one frame per operand instead of one per precedence level, which
    // keeps the stack spent per nesting level small.
    Parsed parse_binary(Level weakest) {
        Parsed left = parse_unary();
        for (;;) {
            skip_space();
            const BinaryOperator* binary = peek_binary();
            if (!binary || binary->level < weakest) return left;
            const std::size_t operator_column = column();
            pos_ += binary->text.size();
            // Left-associative: an operator of the same level ends the right operand.
            Parsed right = parse_binary(stronger(binary->level));
            left = node(binary->op, {std::move(left), std::move(right)}, operator_column);
        }
    }

    // Unary minus binds looser than '^' as in mathematics: -x^2 is -(x^2).
    Parsed parse_unary() {
        NestingGuard guard(*this);
        skip_space();
        const std::size_t operator_column = column();
        if (accept("-")) return node(Op::neg, {parse_unary()}, operator_column);
        if (accept("!")) return node(Op::logical_not, {parse_unary()}, operator_column);
        return parse_power();
    }

    // '^' is right-associative (2^3^2 is 2^9) and its exponent may carry a sign (x^-2).
    Parsed parse_power() {
        Parsed base = parse_primary();
        skip_space();
        const std::size_t operator_column = column();
        if (!accept("^")) return base;
        Parsed exponent = parse_unary();
        return node(Op::pow, {std::move(base), std::move(exponent)}, operator_column);
    }

    Parsed parse_primary() {
        skip_space();
        const std::size_t start = column();
        if (!at_end()) {
            const char c = text_[pos_];
            if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) {
                return parse_number();
            }
            if (is_name_start(c)) {
                std::string name = read_name();
                skip_space();
                if (!at_end() && text_[pos_] == '(') return parse_call(name, start);
                return {symbol(std::move(name))};
            }
            if (accept("(")) {
                Parsed inner = parse_binary(Level::logical_or);
                expect_close("expected an operator or ')'");
                return inner;
            }
        }
        fail_found("expected a number, a name or '('", start);
    }

    // Digits with an optional fraction and exponent: 1, 2.5, .5, 1e-3, 2.5E+4. A '.' must be
    // followed by a digit, which makes "1..2" and "1." errors rather than guesses.
    Parsed parse_number() {
        const std::size_t start = pos_;
        skip_digits();
        if (!at_end() && text_[pos_] == '.') {
            ++pos_;
            if (at_end() || !is_digit(text_[pos_])) fail("expected a digit after '.'", column());
            skip_digits();
        }
        if (!at_end() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (!at_end() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (at_end() || !is_digit(text_[pos_])) {
                fail("expected a digit in the exponent of a number", column());
            }
            skip_digits();
        }
        double value = 0.0;
        const auto [end, error] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
        if (error != std::errc() || end != text_.data() + pos_) {
            fail("number out of range", start + 1);
        }
        return {number(value)};
    }

    Parsed parse_call(const std::string& name, std::size_t name_column) {
        if (name == rate_of_function) return parse_rate_of();
        const Function* function = find_function(name);
        if (!function) fail_unknown_function(name, name_column);
        return build_call(*function, parse_arguments(), name_column);
    }

    // rateOf(x), SBML's time derivative of x: a symbol with the reserved name the compiler
    // resolves (see models/model.hpp), so the argument must be a bare id.
    Parsed parse_rate_of() {
        accept("(");
        skip_space();
        const std::size_t start = column();
        if (at_end() || !is_name_start(text_[pos_])) fail_found("rateOf takes one id, such as rateOf(S1); expected a name", start);
        const std::string id = read_name();
        skip_space();
        expect_close("expected ')' after the id in rateOf");
        return {symbol(std::string(rate_of_function) + "(" + id + ")")};
    }

    // The parenthesized, comma-separated list after a function name.
    std::vector<Parsed> parse_arguments() {
        accept("(");
        std::vector<Parsed> args;
        if (accept(")")) return args;
        do {
            args.push_back(parse_binary(Level::logical_or));
        } while (accept(","));
        expect_close("expected an operator or ',' or ')'");
        return args;
    }

    Parsed build_call(const Function& function, std::vector<Parsed> args, std::size_t name_column) {
        check_argument_count(function, args.size(), name_column);
        if (function.name == "piecewise") return build_piecewise(std::move(args), name_column);
        if (function.max_args == unlimited) {
            // min(a, b, c) is min(min(a, b), c): Op::min and Op::max are binary.
            Parsed result = std::move(args.front());
            for (std::size_t i = 1; i < args.size(); ++i) {
                result = node(function.op, {std::move(result), std::move(args[i])}, name_column);
            }
            return result;
        }
        return node(function.op, std::move(args), name_column);
    }

    // piecewise(v1, c1, v2, c2, ..., otherwise) is select(c1, v1, select(c2, v2, ... otherwise)).
    // Without an otherwise, a point where no condition holds yields NaN rather than a quiet 0,
    // so a gap in the conditions shows up as a failed integration instead of a plausible curve.
    Parsed build_piecewise(std::vector<Parsed> args, std::size_t name_column) {
        const bool has_otherwise = args.size() % 2 == 1;
        Parsed result = has_otherwise ? std::move(args.back())
                                      : Parsed{number(std::numeric_limits<double>::quiet_NaN())};
        for (std::size_t pair = args.size() / 2; pair-- > 0;) {
            result = node(Op::select,
                          {std::move(args[2 * pair + 1]), std::move(args[2 * pair]),
                           std::move(result)},
                          name_column);
        }
        return result;
    }

    void check_argument_count(const Function& function, std::size_t count,
                              std::size_t name_column) const {
        if (count >= function.min_args && count <= function.max_args) return;
        std::string expected;
        if (function.max_args == unlimited) {
            expected = "at least " + std::to_string(function.min_args);
        } else {
            expected = std::to_string(function.min_args);
        }
        const bool plural = function.min_args != 1 || function.max_args == unlimited;
        fail("'" + std::string(function.name) + "' takes " + expected +
                 (plural ? " arguments" : " argument") + " but was given " + std::to_string(count),
             name_column);
    }

    Parsed node(Op op, std::vector<Parsed> parts, std::size_t operator_column) const {
        std::size_t depth = 0;
        std::vector<ExprPtr> args;
        args.reserve(parts.size());
        for (Parsed& part : parts) {
            depth = std::max(depth, part.depth);
            args.push_back(std::move(part.expr));
        }
        if (depth + 1 > max_nesting) fail_too_deep(operator_column);
        return {make(op, std::move(args)), depth + 1};
    }

    void expect_close(std::string_view expected) {
        if (accept(")")) return;
        if (at_end()) fail("expected ')'", column());
        fail_found(expected, column());
    }

    // Describes the character at the current position for an error message.
    std::string found() const {
        if (at_end()) return "the end";
        const char c = text_[pos_];
        if (c == '=') return "'=' (equality is '==')";
        if (c == '&') return "'&' (logical and is '&&')";
        if (c == '|') return "'|' (logical or is '||')";
        if (c > ' ' && c <= '~') return std::string("'") + c + "'";
        constexpr char hex[] = "0123456789ABCDEF";
        const auto byte = static_cast<unsigned char>(c);
        return std::string("byte 0x") + hex[byte / 16] + hex[byte % 16];
    }

    // Messages are assembled in these functions rather than at the call sites, which keeps the
    // string temporaries out of the recursive parsing frames.
    [[noreturn]] void fail(std::string_view problem, std::size_t at) const {
        throw ExpressionError(std::string(problem) + " at column " + std::to_string(at) + " in '" + quoted(at) + "'", at);
    }

    // The text around 1-based column `at`, elided with "..." when long.
    std::string quoted(std::size_t at) const {
        if (text_.size() <= 2 * quoted_context) return std::string(text_);
        const std::size_t centre = std::min(at - 1, text_.size());
        const std::size_t begin = centre > quoted_context ? centre - quoted_context : 0;
        const std::size_t end = std::min(text_.size(), centre + quoted_context);
        return (begin > 0 ? "..." : "") + std::string(text_.substr(begin, end - begin)) + (end < text_.size() ? "..." : "");
    }

    [[noreturn]] void fail_found(std::string_view expected, std::size_t at) const {
        fail(std::string(expected) + ", found " + found(), at);
    }

    [[noreturn]] void fail_unknown_function(const std::string& name, std::size_t at) const {
        std::string known;
        for (const Function& function : functions) {
            if (!known.empty()) known += ", ";
            known += function.name;
        }
        fail("unknown function '" + name + "' (known: " + known + ")", at);
    }

    [[noreturn]] void fail_too_deep(std::size_t at) const {
        fail("expression nested too deeply (limit " + std::to_string(max_nesting) + " levels)", at);
    }
    [[noreturn]] void fail_too_deep() const { fail_too_deep(column()); }

    const BinaryOperator* peek_binary() const {
        for (const BinaryOperator& candidate : binary_operators) {
            if (text_.substr(pos_).starts_with(candidate.text)) return &candidate;
        }
        return nullptr;
    }

    bool accept(std::string_view token) {
        skip_space();
        if (text_.substr(pos_).starts_with(token)) {
            pos_ += token.size();
            return true;
        }
        return false;
    }

    std::string read_name() {
        const std::size_t start = pos_;
        while (!at_end() && is_name_char(text_[pos_])) ++pos_;
        return std::string(text_.substr(start, pos_ - start));
    }

    void skip_digits() {
        while (!at_end() && is_digit(text_[pos_])) ++pos_;
    }

    void skip_space() {
        while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                             text_[pos_] == '\r')) {
            ++pos_;
        }
    }

    bool at_end() const { return pos_ >= text_.size(); }
    std::size_t column() const { return pos_ + 1; }

    std::string_view text_;
    std::size_t pos_ = 0;  // byte offset of the next unread character
    std::size_t nesting_ = 0;
};

}  // namespace

ExprPtr parse_expression(std::string_view text) {
    return Parser(text).parse();
}

// ---------------------------------------------------------------------------------------------
// Differentiation

namespace {

// d(expression) from the derivatives `d` of its arguments. Kept out of differentiate() and not
// inlined, so the frame that recursion stacks up once per nesting level stays small.
[[gnu::noinline]] ExprPtr chain_rule(const ExprPtr& expression, const std::vector<ExprPtr>& d,
                                     std::string_view name) {
    const std::vector<ExprPtr>& a = expression->args;
    switch (expression->op) {
    case Op::number:
    case Op::symbol:
        break;
    case Op::add:
        return make(Op::add, {d[0], d[1]});
    case Op::sub:
        return make(Op::sub, {d[0], d[1]});
    case Op::neg:
        return make(Op::neg, {d[0]});
    case Op::mul:
        return make(Op::add, {make(Op::mul, {d[0], a[1]}), make(Op::mul, {a[0], d[1]})});
    case Op::div:
        // da/b - a*db/b^2 rather than one fraction, so a constant numerator or denominator
        // folds to a single term.
        return make(Op::sub, {make(Op::div, {d[0], a[1]}),
                              make(Op::div, {make(Op::mul, {a[0], d[1]}),
                                             make(Op::pow, {a[1], number(2)})})});
    case Op::pow:
        if (!symbols(a[1]).contains(std::string(name))) {
            // b*a^(b-1)*da: exact for any base, whereas the general form below takes log(a),
            // which is NaN at a concentration of 0.
            const ExprPtr lowered = make(Op::pow, {a[0], make(Op::sub, {a[1], number(1)})});
            return make(Op::mul, {make(Op::mul, {a[1], lowered}), d[0]});
        }
        // a^b * (db*log(a) + b*da/a)
        return make(Op::mul, {expression,
                              make(Op::add, {make(Op::mul, {d[1], make(Op::log, {a[0]})}),
                                             make(Op::div, {make(Op::mul, {a[1], d[0]}), a[0]})})});
    case Op::exp:
        return make(Op::mul, {expression, d[0]});
    case Op::log:
        return make(Op::div, {d[0], a[0]});
    case Op::log10:
        return make(Op::div, {d[0], make(Op::mul, {a[0], number(std::numbers::ln10)})});
    case Op::sqrt:
        return make(Op::div, {d[0], make(Op::mul, {number(2), expression})});
    case Op::abs:
        return make(Op::select, {make(Op::ge, {a[0], number(0)}), d[0], make(Op::neg, {d[0]})});
    case Op::sin:
        return make(Op::mul, {make(Op::cos, {a[0]}), d[0]});
    case Op::cos:
        return make(Op::neg, {make(Op::mul, {make(Op::sin, {a[0]}), d[0]})});
    case Op::tan:
        return make(Op::div, {d[0], make(Op::pow, {make(Op::cos, {a[0]}), number(2)})});
    case Op::asin:
        return make(Op::div, {d[0], make(Op::sqrt, {make(Op::sub, {number(1), make(Op::pow, {a[0], number(2)})})})});
    case Op::acos:
        return make(Op::neg, {make(Op::div, {d[0], make(Op::sqrt, {make(Op::sub, {number(1), make(Op::pow, {a[0], number(2)})})})})});
    case Op::atan:
        return make(Op::div, {d[0], make(Op::add, {number(1), make(Op::pow, {a[0], number(2)})})});
    case Op::sinh:
        return make(Op::mul, {make(Op::cosh, {a[0]}), d[0]});
    case Op::cosh:
        return make(Op::mul, {make(Op::sinh, {a[0]}), d[0]});
    case Op::tanh:
        return make(Op::mul, {make(Op::sub, {number(1), make(Op::pow, {expression, number(2)})}), d[0]});
    case Op::asinh:
        return make(Op::div, {d[0], make(Op::sqrt, {make(Op::add, {make(Op::pow, {a[0], number(2)}), number(1)})})});
    case Op::acosh:
        return make(Op::div, {d[0], make(Op::sqrt, {make(Op::sub, {make(Op::pow, {a[0], number(2)}), number(1)})})});
    case Op::atanh:
        return make(Op::div, {d[0], make(Op::sub, {number(1), make(Op::pow, {a[0], number(2)})})});
    case Op::floor: case Op::ceil: case Op::factorial:
        return number(0);
    case Op::min:
        return make(Op::select, {make(Op::le, {a[0], a[1]}), d[0], d[1]});
    case Op::max:
        return make(Op::select, {make(Op::ge, {a[0], a[1]}), d[0], d[1]});
    case Op::select:
        return make(Op::select, {a[0], d[1], d[2]});
    case Op::lt: case Op::le: case Op::gt: case Op::ge: case Op::eq: case Op::ne:
    case Op::logical_and: case Op::logical_or: case Op::logical_not:
        return number(0);
    }
    throw std::invalid_argument("differentiate: unexpected Op " +
                                std::to_string(static_cast<int>(expression->op)));
}

}  // namespace

namespace {

// Subtrees shared by pointer (an assignment rule inlined in many places) are differentiated
// once; without the memo a chain of rules that each read the previous one twice would cost
// 2^depth visits.
using DerivativeMemo = std::unordered_map<const Expr*, ExprPtr>;

ExprPtr differentiate_memo(const ExprPtr& expression, std::string_view name, DerivativeMemo& memo) {
    switch (expression->op) {
    case Op::number:
        return number(0);
    case Op::symbol:
        return number(expression->name == name ? 1 : 0);
    default:
        break;
    }
    if (const auto it = memo.find(expression.get()); it != memo.end()) return it->second;
    std::vector<ExprPtr> d;
    d.reserve(expression->args.size());
    for (const ExprPtr& arg : expression->args) d.push_back(differentiate_memo(arg, name, memo));
    ExprPtr result = chain_rule(expression, d, name);
    memo.emplace(expression.get(), result);
    return result;
}

}  // namespace

ExprPtr differentiate(const ExprPtr& expression, std::string_view name) {
    // The memo holds raw pointers into `expression`, which stays alive for the whole call.
    DerivativeMemo memo;
    return differentiate_memo(expression, name, memo);
}

// ---------------------------------------------------------------------------------------------
// Inspection and printing

namespace {

void collect_symbols(const Expr& expression, std::set<std::string>& names) {
    if (expression.op == Op::symbol) names.insert(expression.name);
    for (const ExprPtr& arg : expression.args) collect_symbols(*arg, names);
}

// Non-finite numbers print as the quotients that parse back to them, since a bare "inf" would
// read as a symbol.
std::string format_number(double value) {
    if (std::isnan(value)) return "0/0";
    if (std::isinf(value)) return value > 0 ? "1/0" : "-1/0";
    // to_chars without a precision writes the shortest text that reads back to the same double.
    char buffer[32];
    const auto [end, error] = std::to_chars(std::begin(buffer), std::end(buffer), value);
    return std::string(buffer, end);
}

Level level_of(const Expr& expression) {
    switch (expression.op) {
    case Op::number:
        if (!std::isfinite(expression.value)) return Level::multiplicative;
        return std::signbit(expression.value) ? Level::unary : Level::atom;
    case Op::pow:
        return Level::power;
    case Op::neg:
    case Op::logical_not:
        return Level::unary;
    default:
        if (const BinaryOperator* binary = find_binary(expression.op)) return binary->level;
        return Level::atom;
    }
}

void write(const Expr& expression, std::string& out);

// Parenthesizes `operand` when it binds looser than `weakest` allows.
void write_operand(const Expr& operand, Level weakest, std::string& out) {
    const bool parenthesize = level_of(operand) < weakest;
    if (parenthesize) out += '(';
    write(operand, out);
    if (parenthesize) out += ')';
}

void write(const Expr& expression, std::string& out) {
    const std::vector<ExprPtr>& a = expression.args;
    switch (expression.op) {
    case Op::number:
        out += format_number(expression.value);
        return;
    case Op::symbol:
        out += expression.name;
        return;
    case Op::pow:
        // The base of '^' is a primary and its exponent a unary expression (see the parser).
        write_operand(*a[0], Level::atom, out);
        out += '^';
        write_operand(*a[1], Level::unary, out);
        return;
    case Op::neg:
    case Op::logical_not:
        out += expression.op == Op::neg ? '-' : '!';
        write_operand(*a[0], Level::unary, out);
        return;
    default:
        break;
    }
    if (const BinaryOperator* binary = find_binary(expression.op)) {
        // Left-associative: the right operand needs parentheses already at equal strength.
        const bool spaced = binary->level < Level::multiplicative;
        write_operand(*a[0], binary->level, out);
        if (spaced) out += ' ';
        out += binary->text;
        if (spaced) out += ' ';
        write_operand(*a[1], stronger(binary->level), out);
        return;
    }
    const auto function = std::find_if(std::begin(functions), std::end(functions),
                                       [&](const Function& f) { return f.op == expression.op; });
    out += function->name;
    out += '(';
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (i > 0) out += ", ";
        write(*a[i], out);
    }
    out += ')';
}

}  // namespace

std::size_t depth(const ExprPtr& expression, DepthMemo& memo) {
    // Post-order with an explicit stack: a node is finished once all its arguments are.
    std::vector<const ExprPtr*> pending{&expression};
    while (!pending.empty()) {
        const ExprPtr& node = *pending.back();
        if (memo.contains(node.get())) {
            pending.pop_back();
            continue;
        }
        std::size_t deepest = 0;
        bool ready = true;
        for (const ExprPtr& arg : node->args) {
            const auto it = memo.find(arg.get());
            if (it == memo.end()) {
                pending.push_back(&arg);
                ready = false;
            } else {
                deepest = std::max(deepest, it->second.second + 1);
            }
        }
        if (!ready) continue;
        memo.emplace(node.get(), std::make_pair(node, deepest));
        pending.pop_back();
    }
    return memo.at(expression.get()).second;
}

std::set<std::string> symbols(const ExprPtr& expression) {
    std::set<std::string> names;
    collect_symbols(*expression, names);
    return names;
}

std::string to_string(const ExprPtr& expression) {
    std::string out;
    write(*expression, out);
    return out;
}

}  // namespace ntsim::models
