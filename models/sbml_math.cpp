// MathML -> expression AST for the SBML importer.
#include "models/sbml_math.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>

#include "models/limits.hpp"
#include "models/model.hpp"
#include "models/sbml_import.hpp"

namespace ntsim::models {

namespace {

// SBML fixes Avogadro's number at the 2006 CODATA value, which the test suite uses.
constexpr double avogadro = 6.02214179e23;
constexpr int max_depth = 500;

ExprPtr fold(Op op, std::vector<ExprPtr> args, ExprPtr empty) {
    if (args.empty()) return empty;
    ExprPtr result = args.front();
    for (std::size_t i = 1; i < args.size(); ++i) result = make(op, {result, args[i]});
    return result;
}

// eq(a, b, c) means a == b && b == c; likewise for the other relations.
ExprPtr chain(Op op, const std::vector<ExprPtr>& args) {
    if (args.size() < 2) return number(1.0);
    ExprPtr result = make(op, {args[0], args[1]});
    for (std::size_t i = 2; i < args.size(); ++i) result = make(Op::logical_and, {result, make(op, {args[i - 1], args[i]})});
    return result;
}

ExprPtr truth(const ExprPtr& e) { return make(Op::ne, {e, number(0.0)}); }
ExprPtr one_over(const ExprPtr& e) { return make(Op::div, {number(1.0), e}); }

}  // namespace

MathConverter::MathConverter(const ::Model& model) {
    for (unsigned i = 0; i < model.getNumFunctionDefinitions(); ++i) {
        const ::FunctionDefinition* f = model.getFunctionDefinition(i);
        functions_[f->getId()] = f;
    }
}

ExprPtr MathConverter::convert(const ::ASTNode& node, const std::string& where, const MathScope* scope) {
    depths_.clear();
    ExprPtr result = convert(node, where, scope, 0);
    depths_.clear();
    return result;
}

std::vector<std::pair<std::string, std::string>> MathConverter::take_unsupported() {
    return std::exchange(unsupported_, {});
}

std::vector<ExprPtr> MathConverter::children(const ::ASTNode& node, const std::string& where, const MathScope* scope, int depth) {
    std::vector<ExprPtr> out;
    for (unsigned i = 0; i < node.getNumChildren(); ++i) out.push_back(convert(*node.getChild(i), where, scope, depth + 1));
    return out;
}

ExprPtr MathConverter::convert(const ::ASTNode& node, const std::string& where, const MathScope* scope, int depth) {
    if (node.getNumChildren() > limits::max_expression_depth)
        throw std::invalid_argument(fmt::format("math with {} arguments to one operator, more than the limit of {}",
                                                node.getNumChildren(), limits::max_expression_depth));
    ExprPtr result = convert_node(node, where, scope, depth);
    if (const std::size_t levels = models::depth(result, depths_); levels > limits::max_expression_depth)
        throw std::invalid_argument(fmt::format("math nested {} levels deep, more than the limit of {}", levels,
                                                limits::max_expression_depth));
    return result;
}

ExprPtr MathConverter::convert_node(const ::ASTNode& node, const std::string& where, const MathScope* scope, int depth) {
    if (depth > max_depth) throw std::invalid_argument(fmt::format("math nested more than {} levels deep", max_depth));
    const auto unary = [&](Op op) {
        const auto a = children(node, where, scope, depth);
        if (a.size() != 1) throw std::invalid_argument(fmt::format("'{}' needs one argument", node.getName() ? node.getName() : "?"));
        return make(op, {a[0]});
    };
    const auto one = [&]() {
        const auto a = children(node, where, scope, depth);
        if (a.size() != 1) throw std::invalid_argument("function needs one argument");
        return a[0];
    };
    switch (node.getType()) {
        case AST_INTEGER: return number(static_cast<double>(node.getInteger()));
        case AST_REAL: case AST_REAL_E: case AST_RATIONAL: return number(node.getReal());
        case AST_NAME: {
            const std::string name = node.getName();
            if (scope) {
                const auto it = scope->names.find(name);
                if (it != scope->names.end()) return it->second;
            }
            return symbol(model_id_of_sbml_id(name));
        }
        case AST_NAME_TIME: return symbol("time");  // ntsim's name for the simulation time
        case AST_NAME_AVOGADRO: return number(avogadro);
        case AST_CONSTANT_E: return number(std::numbers::e);
        case AST_CONSTANT_PI: return number(std::numbers::pi);
        case AST_CONSTANT_TRUE: return number(1.0);
        case AST_CONSTANT_FALSE: return number(0.0);
        case AST_PLUS: return fold(Op::add, children(node, where, scope, depth), number(0.0));
        case AST_TIMES: return fold(Op::mul, children(node, where, scope, depth), number(1.0));
        case AST_MINUS: {
            const auto a = children(node, where, scope, depth);
            if (a.size() == 1) return make(Op::neg, {a[0]});
            if (a.size() == 2) return make(Op::sub, {a[0], a[1]});
            throw std::invalid_argument("minus needs one or two arguments");
        }
        case AST_DIVIDE: {
            const auto a = children(node, where, scope, depth);
            if (a.size() != 2) throw std::invalid_argument("divide needs two arguments");
            return make(Op::div, {a[0], a[1]});
        }
        case AST_POWER: case AST_FUNCTION_POWER: {
            const auto a = children(node, where, scope, depth);
            if (a.size() != 2) throw std::invalid_argument("power needs two arguments");
            return make(Op::pow, {a[0], a[1]});
        }
        case AST_FUNCTION_ROOT: {
            const auto a = children(node, where, scope, depth);
            if (a.size() == 1) return make(Op::sqrt, {a[0]});
            if (a.size() != 2) throw std::invalid_argument("root needs a degree and an argument");
            if (is_number(a[0], 2.0)) return make(Op::sqrt, {a[1]});
            return make(Op::pow, {a[1], one_over(a[0])});
        }
        case AST_FUNCTION_LOG: {
            const auto a = children(node, where, scope, depth);
            if (a.size() == 1) return make(Op::log10, {a[0]});
            if (a.size() != 2) throw std::invalid_argument("log needs a base and an argument");
            if (is_number(a[0], 10.0)) return make(Op::log10, {a[1]});
            return make(Op::div, {make(Op::log, {a[1]}), make(Op::log, {a[0]})});
        }
        case AST_FUNCTION_LN: return unary(Op::log);
        case AST_FUNCTION_EXP: return unary(Op::exp);
        case AST_FUNCTION_ABS: return unary(Op::abs);
        case AST_FUNCTION_FLOOR: return unary(Op::floor);
        case AST_FUNCTION_CEILING: return unary(Op::ceil);
        case AST_FUNCTION_FACTORIAL: return unary(Op::factorial);
        case AST_FUNCTION_SIN: return unary(Op::sin);
        case AST_FUNCTION_COS: return unary(Op::cos);
        case AST_FUNCTION_TAN: return unary(Op::tan);
        case AST_FUNCTION_SEC: return one_over(make(Op::cos, {one()}));
        case AST_FUNCTION_CSC: return one_over(make(Op::sin, {one()}));
        case AST_FUNCTION_COT: return one_over(make(Op::tan, {one()}));
        case AST_FUNCTION_SINH: return unary(Op::sinh);
        case AST_FUNCTION_COSH: return unary(Op::cosh);
        case AST_FUNCTION_TANH: return unary(Op::tanh);
        case AST_FUNCTION_SECH: return one_over(make(Op::cosh, {one()}));
        case AST_FUNCTION_CSCH: return one_over(make(Op::sinh, {one()}));
        case AST_FUNCTION_COTH: return one_over(make(Op::tanh, {one()}));
        case AST_FUNCTION_ARCSIN: return unary(Op::asin);
        case AST_FUNCTION_ARCCOS: return unary(Op::acos);
        case AST_FUNCTION_ARCTAN: return unary(Op::atan);
        case AST_FUNCTION_ARCSEC: return make(Op::acos, {one_over(one())});
        case AST_FUNCTION_ARCCSC: return make(Op::asin, {one_over(one())});
        case AST_FUNCTION_ARCCOT: return make(Op::atan, {one_over(one())});
        case AST_FUNCTION_ARCSINH: return unary(Op::asinh);
        case AST_FUNCTION_ARCCOSH: return unary(Op::acosh);
        case AST_FUNCTION_ARCTANH: return unary(Op::atanh);
        case AST_FUNCTION_ARCSECH: return make(Op::acosh, {one_over(one())});
        case AST_FUNCTION_ARCCSCH: return make(Op::asinh, {one_over(one())});
        case AST_FUNCTION_ARCCOTH: return make(Op::atanh, {one_over(one())});
        case AST_FUNCTION_MAX: return fold(Op::max, children(node, where, scope, depth), number(-std::numeric_limits<double>::infinity()));
        case AST_FUNCTION_MIN: return fold(Op::min, children(node, where, scope, depth), number(std::numeric_limits<double>::infinity()));
        case AST_FUNCTION_QUOTIENT: case AST_FUNCTION_REM: {
            const auto a = children(node, where, scope, depth);
            if (a.size() != 2) throw std::invalid_argument("quotient and rem need two arguments");
            // Integer part of a/b, rounded toward zero; rem is what is left.
            const ExprPtr ratio = make(Op::div, {a[0], a[1]});
            const ExprPtr quotient = make(Op::select, {make(Op::ge, {ratio, number(0.0)}), make(Op::floor, {ratio}), make(Op::ceil, {ratio})});
            if (node.getType() == AST_FUNCTION_QUOTIENT) return quotient;
            return make(Op::sub, {a[0], make(Op::mul, {a[1], quotient})});
        }
        case AST_FUNCTION_PIECEWISE: {
            const auto a = children(node, where, scope, depth);
            const bool has_otherwise = a.size() % 2 == 1;
            // Without an otherwise, SBML leaves the value undefined: NaN makes a gap visible.
            ExprPtr result = has_otherwise ? a.back() : number(std::numeric_limits<double>::quiet_NaN());
            for (std::size_t pair = a.size() / 2; pair-- > 0;) result = make(Op::select, {a[2 * pair + 1], a[2 * pair], result});
            return result;
        }
        case AST_LOGICAL_AND: {
            auto a = children(node, where, scope, depth);
            for (auto& x : a) x = truth(x);
            return fold(Op::logical_and, a, number(1.0));
        }
        case AST_LOGICAL_OR: {
            auto a = children(node, where, scope, depth);
            for (auto& x : a) x = truth(x);
            return fold(Op::logical_or, a, number(0.0));
        }
        case AST_LOGICAL_XOR: {
            auto a = children(node, where, scope, depth);
            for (auto& x : a) x = truth(x);
            return fold(Op::ne, a, number(0.0));
        }
        case AST_LOGICAL_NOT: return unary(Op::logical_not);
        case AST_LOGICAL_IMPLIES: {
            const auto a = children(node, where, scope, depth);
            if (a.size() != 2) throw std::invalid_argument("implies needs two arguments");
            return make(Op::logical_or, {make(Op::logical_not, {a[0]}), truth(a[1])});
        }
        case AST_RELATIONAL_EQ: return chain(Op::eq, children(node, where, scope, depth));
        case AST_RELATIONAL_NEQ: {
            const auto a = children(node, where, scope, depth);
            if (a.size() != 2) throw std::invalid_argument("neq needs two arguments");
            return make(Op::ne, {a[0], a[1]});
        }
        case AST_RELATIONAL_GT: return chain(Op::gt, children(node, where, scope, depth));
        case AST_RELATIONAL_GEQ: return chain(Op::ge, children(node, where, scope, depth));
        case AST_RELATIONAL_LT: return chain(Op::lt, children(node, where, scope, depth));
        case AST_RELATIONAL_LEQ: return chain(Op::le, children(node, where, scope, depth));
        case AST_FUNCTION: return call(node, where, scope, depth);
        case AST_FUNCTION_DELAY:
            record_unsupported(where, "the delay csymbol (a delay differential equation)");
            return number(0.0);
        case AST_FUNCTION_RATE_OF: {
            if (node.getNumChildren() != 1 || node.getChild(0)->getType() != AST_NAME)
                throw std::invalid_argument("rateOf takes one identifier");
            const std::string target = node.getChild(0)->getName();
            if (scope && scope->names.count(target)) {
                // A function argument standing for an id is the rate of that id; a local
                // parameter or a number never changes.
                const ExprPtr& bound = scope->names.at(target);
                if (bound->op == Op::symbol && !local_parameters_.count(bound->name)) return symbol(rate_of_name(bound->name));
                if (bound->op == Op::symbol || bound->op == Op::number) return number(0.0);
                throw std::invalid_argument(fmt::format("rateOf of function argument '{}', which is an expression", target));
            }
            return symbol(rate_of_name(model_id_of_sbml_id(target)));
        }
        default:
            break;
    }
    record_unsupported(where, fmt::format("MathML element '{}'", node.getName() ? node.getName() : std::to_string(node.getType())));
    return number(0.0);
}

// A function definition call: the body with its arguments substituted (inlined).
ExprPtr MathConverter::call(const ::ASTNode& node, const std::string& where, const MathScope* scope, int depth) {
    const std::string name = node.getName() ? node.getName() : "";
    const auto it = functions_.find(name);
    if (it == functions_.end()) throw std::invalid_argument(fmt::format("unknown function '{}'", name));
    const ::FunctionDefinition& f = *it->second;
    const auto args = children(node, where, scope, depth);
    if (args.size() != f.getNumArguments())
        throw std::invalid_argument(fmt::format("function '{}' takes {} arguments, given {}", name, f.getNumArguments(), args.size()));
    if (!f.getBody()) throw std::invalid_argument(fmt::format("function '{}' has no body", name));
    MathScope inner;  // a function body sees only its arguments (and global ids)
    for (unsigned i = 0; i < f.getNumArguments(); ++i) inner.names[f.getArgument(i)->getName()] = args[i];
    return convert(*f.getBody(), where + fmt::format(" (in function '{}')", name), &inner, depth + 1);
}

}  // namespace ntsim::models
