// Rate-law expressions: parsed from text into an immutable AST, simplified, and differentiated
// symbolically so the solver can build an analytic Jacobian. Names stay strings here; the solver
// resolves them to indices once, when it compiles the model.
#pragma once

#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ntsim::models {

enum class Op {
    number,   // value
    symbol,   // name (species, parameter, compartment, observable or "time")
    add, sub, mul, div, pow, neg,
    exp, log, log10, sqrt, abs,
    sin, cos, tan, asin, acos, atan,        // trigonometric (radians); SBML MathML needs them
    sinh, cosh, tanh, asinh, acosh, atanh,
    floor, ceil, factorial,                 // piecewise constant: derivative 0 where defined
    min, max,                 // binary; n-ary calls are folded left to right by the parser
    lt, le, gt, ge, eq, ne,   // 1.0 for true, 0.0 for false
    logical_and, logical_or, logical_not,
    select,                   // args: condition, value if true (!= 0), value if false
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
    Op op;
    double value = 0.0;          // for Op::number
    std::string name;            // for Op::symbol
    std::vector<ExprPtr> args;
};

// Thrown for text that is not a valid expression; what() reads like
// "expected ')' at column 8 in 'k1*(A+B'"; column() is 1-based and counts bytes, so the end of
// the text is column size() + 1.
class ExpressionError : public std::runtime_error {
public:
    ExpressionError(const std::string& message, std::size_t column)
        : std::runtime_error(message), column_(column) {}
    std::size_t column() const { return column_; }
private:
    std::size_t column_;
};

// Parses infix text (syntax in docs/model-format.md). `if(c,a,b)` and `piecewise(...)` become
// nested Op::select nodes (a piecewise without `otherwise` yields NaN where no condition holds);
// `pow(a,b)` and `a^b` become Op::pow (right-associative `^`). Nodes are built with make(), so
// constants are folded. Nesting deeper than 1000 levels (parentheses, operators, or a chain of
// over 1000 binary operators, since a+b+c is (a+b)+c) is an ExpressionError, which bounds the
// recursion of every later walk over the tree; so is a text over 100,000 characters (see
// models/limits.hpp). Messages quote at most 80 characters around the error column.
ExprPtr parse_expression(std::string_view text);

ExprPtr number(double value);
ExprPtr symbol(std::string name);
// Builds an operator node, folding all-number arguments to a number and trivial identities
// (x+0, x*1, x*0, 0/x, x^1, x^0, --x, select on a constant condition) away. Throws
// std::invalid_argument for Op::number / Op::symbol, a wrong argument count or a null argument.
ExprPtr make(Op op, std::vector<ExprPtr> args);

// d(expression)/d(name). Derivatives of min/max/abs/select are taken piecewise (the branch that
// is active at the evaluation point); comparisons have derivative 0.
ExprPtr differentiate(const ExprPtr& expression, std::string_view name);

// Replaces every symbol for which `replacement(const std::string& name)` returns a non-null
// ExprPtr; rebuilt nodes are folded again by make().
template <class F> ExprPtr substitute(const ExprPtr& expression, F&& replacement);

// Nesting of the tree (a leaf is 0), counted without recursion so it is safe on a tree of any
// depth. Nodes in `memo` are not walked again and stay alive through it, so checking a tree as it
// grows, node by node, costs each node once.
using DepthMemo = std::unordered_map<const Expr*, std::pair<ExprPtr, std::size_t>>;
std::size_t depth(const ExprPtr& expression, DepthMemo& memo);

// The distinct symbol names the expression reads.
std::set<std::string> symbols(const ExprPtr& expression);

// Readable infix text that parse_expression reads back to an equal tree (for trees built by
// make/parse with identifier names); numbers round-trip exactly, and inf, -inf and NaN print as
// 1/0, -1/0 and 0/0.
std::string to_string(const ExprPtr& expression);

// Evaluates with `value_of(const std::string& name) -> double` for symbols; for tests and
// one-off uses, not for hot loops.
template <class F> double evaluate(const ExprPtr& expression, F&& value_of);

// True if `e` is an Op::number equal to `v` (so 0 matches -0, and NaN matches nothing).
bool is_number(const ExprPtr& e, double v);

}  // namespace ntsim::models

#include "models/expression_impl.hpp"
