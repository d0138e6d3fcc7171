// Expression trees -> instruction tapes, and the tape interpreter.
#include "solver/tape.hpp"

#include <bit>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace ntsim::solver {

using models::ExprPtr;
using models::Op;

void Tape::run(double* s) const {
    for (const Instruction& in : code_) {
        const double a = s[in.a];
        double& r = s[in.result];
        switch (in.op) {
            case TapeOp::add: r = a + s[in.b]; break;
            case TapeOp::sub: r = a - s[in.b]; break;
            case TapeOp::mul: r = a * s[in.b]; break;
            case TapeOp::div: r = a / s[in.b]; break;
            case TapeOp::neg: r = -a; break;
            case TapeOp::pow: r = std::pow(a, s[in.b]); break;
            case TapeOp::square: r = a * a; break;
            case TapeOp::reciprocal: r = 1.0 / a; break;
            case TapeOp::exp: r = std::exp(a); break;
            case TapeOp::log: r = std::log(a); break;
            case TapeOp::log10: r = std::log10(a); break;
            case TapeOp::sqrt: r = std::sqrt(a); break;
            case TapeOp::abs: r = std::fabs(a); break;
            case TapeOp::sin: r = std::sin(a); break;
            case TapeOp::cos: r = std::cos(a); break;
            case TapeOp::tan: r = std::tan(a); break;
            case TapeOp::asin: r = std::asin(a); break;
            case TapeOp::acos: r = std::acos(a); break;
            case TapeOp::atan: r = std::atan(a); break;
            case TapeOp::sinh: r = std::sinh(a); break;
            case TapeOp::cosh: r = std::cosh(a); break;
            case TapeOp::tanh: r = std::tanh(a); break;
            case TapeOp::asinh: r = std::asinh(a); break;
            case TapeOp::acosh: r = std::acosh(a); break;
            case TapeOp::atanh: r = std::atanh(a); break;
            case TapeOp::floor: r = std::floor(a); break;
            case TapeOp::ceil: r = std::ceil(a); break;
            case TapeOp::factorial: r = std::tgamma(a + 1.0); break;
            case TapeOp::min: r = std::fmin(a, s[in.b]); break;
            case TapeOp::max: r = std::fmax(a, s[in.b]); break;
            case TapeOp::lt: r = a < s[in.b]; break;
            case TapeOp::le: r = a <= s[in.b]; break;
            case TapeOp::gt: r = a > s[in.b]; break;
            case TapeOp::ge: r = a >= s[in.b]; break;
            case TapeOp::eq: r = a == s[in.b]; break;
            case TapeOp::ne: r = a != s[in.b]; break;
            case TapeOp::logical_and: r = (a != 0.0) && (s[in.b] != 0.0); break;
            case TapeOp::logical_or: r = (a != 0.0) || (s[in.b] != 0.0); break;
            case TapeOp::logical_not: r = a == 0.0; break;
            case TapeOp::select: r = a != 0.0 ? s[in.b] : s[in.c]; break;
        }
    }
}

void Tape::write_constants(double* slots) const {
    for (const auto& [slot, value] : constants_) slots[slot] = value;
}

TapeBuilder::TapeBuilder(Resolver resolve, Slot first_private_slot)
    : resolve_(std::move(resolve)), next_slot_(first_private_slot) {}

Slot TapeBuilder::constant(double value) {
    const auto bits = std::bit_cast<std::uint64_t>(value);
    const auto it = constant_slots_.find(bits);
    if (it != constant_slots_.end()) return it->second;
    const Slot s = next_slot_++;
    constant_slots_.emplace(bits, s);
    tape_.constants_.emplace_back(s, value);
    return s;
}

Slot TapeBuilder::emit_op(TapeOp op, Slot a, Slot b, Slot c) {
    const bool commutative = op == TapeOp::add || op == TapeOp::mul || op == TapeOp::min ||
                             op == TapeOp::max || op == TapeOp::eq || op == TapeOp::ne;
    if (commutative && b < a) std::swap(a, b);
    const auto key = std::make_tuple(op, a, b, c);
    const auto it = known_.find(key);
    if (it != known_.end()) return it->second;
    const Slot result = next_slot_++;
    tape_.code_.push_back({op, result, a, b, c});
    known_.emplace(key, result);
    return result;
}

Slot TapeBuilder::emit_power(const ExprPtr& base, const ExprPtr& exponent) {
    const Slot b = emit(base);
    if (exponent->op == Op::number) {
        // Integer and half powers are common in mass-action and Hill laws; std::pow is far slower.
        const double n = exponent->value;
        if (n == 2.0) return emit_op(TapeOp::square, b);
        if (n == 3.0) return emit_op(TapeOp::mul, emit_op(TapeOp::square, b), b);
        if (n == 4.0) return emit_op(TapeOp::square, emit_op(TapeOp::square, b));
        if (n == 0.5) return emit_op(TapeOp::sqrt, b);
        if (n == -1.0) return emit_op(TapeOp::reciprocal, b);
        if (n == -2.0) return emit_op(TapeOp::reciprocal, emit_op(TapeOp::square, b));
    }
    return emit_op(TapeOp::pow, b, emit(exponent));
}

Slot TapeBuilder::emit(const ExprPtr& e) {
    if (e->op == Op::number || e->op == Op::symbol || e->args.empty()) return emit_node(e);
    if (const auto it = emitted_.find(e.get()); it != emitted_.end()) return it->second.second;
    const Slot slot = emit_node(e);
    emitted_.emplace(e.get(), std::make_pair(e, slot));
    return slot;
}

Slot TapeBuilder::emit_node(const ExprPtr& e) {
    auto unary = [&](TapeOp op) { return emit_op(op, emit(e->args.at(0))); };
    auto binary = [&](TapeOp op) { return emit_op(op, emit(e->args.at(0)), emit(e->args.at(1))); };
    switch (e->op) {
        case Op::number: return constant(e->value);
        case Op::symbol: {
            const auto slot = resolve_(e->name);
            if (!slot) throw std::logic_error(fmt::format("tape: unresolved name '{}'", e->name));
            return *slot;
        }
        case Op::add: return binary(TapeOp::add);
        case Op::sub: return binary(TapeOp::sub);
        case Op::mul: return binary(TapeOp::mul);
        case Op::div:
            if (models::is_number(e->args.at(0), 1.0)) return emit_op(TapeOp::reciprocal, emit(e->args[1]));
            return binary(TapeOp::div);
        case Op::pow: return emit_power(e->args.at(0), e->args.at(1));
        case Op::neg: return unary(TapeOp::neg);
        case Op::exp: return unary(TapeOp::exp);
        case Op::log: return unary(TapeOp::log);
        case Op::log10: return unary(TapeOp::log10);
        case Op::sqrt: return unary(TapeOp::sqrt);
        case Op::abs: return unary(TapeOp::abs);
        case Op::sin: return unary(TapeOp::sin);
        case Op::cos: return unary(TapeOp::cos);
        case Op::tan: return unary(TapeOp::tan);
        case Op::asin: return unary(TapeOp::asin);
        case Op::acos: return unary(TapeOp::acos);
        case Op::atan: return unary(TapeOp::atan);
        case Op::sinh: return unary(TapeOp::sinh);
        case Op::cosh: return unary(TapeOp::cosh);
        case Op::tanh: return unary(TapeOp::tanh);
        case Op::asinh: return unary(TapeOp::asinh);
        case Op::acosh: return unary(TapeOp::acosh);
        case Op::atanh: return unary(TapeOp::atanh);
        case Op::floor: return unary(TapeOp::floor);
        case Op::ceil: return unary(TapeOp::ceil);
        case Op::factorial: return unary(TapeOp::factorial);
        case Op::min: return binary(TapeOp::min);
        case Op::max: return binary(TapeOp::max);
        case Op::lt: return binary(TapeOp::lt);
        case Op::le: return binary(TapeOp::le);
        case Op::gt: return binary(TapeOp::gt);
        case Op::ge: return binary(TapeOp::ge);
        case Op::eq: return binary(TapeOp::eq);
        case Op::ne: return binary(TapeOp::ne);
        case Op::logical_and: return binary(TapeOp::logical_and);
        case Op::logical_or: return binary(TapeOp::logical_or);
        case Op::logical_not: return unary(TapeOp::logical_not);
        case Op::select:
            return emit_op(TapeOp::select, emit(e->args.at(0)), emit(e->args.at(1)), emit(e->args.at(2)));
    }
    throw std::logic_error("tape: unknown expression node");
}

Tape TapeBuilder::finish() {
    tape_.end_slot_ = next_slot_;
    Tape done = std::move(tape_);
    tape_ = Tape{};
    known_.clear();
    constant_slots_.clear();
    emitted_.clear();
    return done;
}

}  // namespace ntsim::solver
