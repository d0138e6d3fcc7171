// Template definitions for models/expression.hpp (substitute, evaluate); include that header,
// not this one.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <utility>

namespace ntsim::models {

namespace detail {

// The most arguments any Op takes (select: condition, then, else).
inline constexpr std::size_t max_arity = 3;

// Applies `op` to already evaluated arguments; shared by evaluate() and make()'s constant folding
// so both give the same numbers. Throws std::invalid_argument on a wrong argument count.
double apply(Op op, std::span<const double> args);

template <class F>
ExprPtr substitute_in(const ExprPtr& expression, F& replacement) {
    if (expression->op == Op::symbol) {
        ExprPtr replaced = replacement(expression->name);
        return replaced ? replaced : expression;
    }
    std::vector<ExprPtr> args;
    args.reserve(expression->args.size());
    bool changed = false;
    for (const ExprPtr& arg : expression->args) {
        args.push_back(substitute_in(arg, replacement));
        changed = changed || args.back() != arg;
    }
    // Untouched subtrees stay shared, so substituting into a large model copies only what changed.
    return changed ? make(expression->op, std::move(args)) : expression;
}

template <class F>
double evaluate_node(const Expr& expression, F& value_of) {
    switch (expression.op) {
    case Op::number:
        return expression.value;
    case Op::symbol:
        return value_of(expression.name);
    default:
        break;
    }
    if (expression.args.size() > max_arity) {
        throw std::invalid_argument("evaluate: node with too many arguments");
    }
    std::array<double, max_arity> values{};
    for (std::size_t i = 0; i < expression.args.size(); ++i) {
        values[i] = evaluate_node(*expression.args[i], value_of);
    }
    return apply(expression.op, std::span<const double>(values.data(), expression.args.size()));
}

}  // namespace detail

template <class F>
ExprPtr substitute(const ExprPtr& expression, F&& replacement) {
    return detail::substitute_in(expression, replacement);
}

template <class F>
double evaluate(const ExprPtr& expression, F&& value_of) {
    return detail::evaluate_node(*expression, value_of);
}

}  // namespace ntsim::models
