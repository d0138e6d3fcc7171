// Expression trees -> instruction tapes, and the tape interpreter.
#include "solver/tape.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace ntsim::solver {

using models::ExprPtr;
using models::Op;

namespace {

// One batch of equal operations; `F` computes one instruction's result from the slot array.
template <typename F>
inline void run_batch(const Instruction* in, const Instruction* end, double* s, F f) {
    for (; in != end; ++in) s[in->result] = f(*in, s);
}

}  // namespace

void Tape::run(double* s) const {
    const Instruction* in = code_.data();
    for (const Batch& batch : batches_) {
        const Instruction* end = code_.data() + batch.end;
        using I = const Instruction&;
        switch (batch.op) {
            case TapeOp::add: run_batch(in, end, s, [](I i, const double* v) { return v[i.a] + v[i.b]; }); break;
            case TapeOp::sub: run_batch(in, end, s, [](I i, const double* v) { return v[i.a] - v[i.b]; }); break;
            case TapeOp::mul: run_batch(in, end, s, [](I i, const double* v) { return v[i.a] * v[i.b]; }); break;
            case TapeOp::div: run_batch(in, end, s, [](I i, const double* v) { return v[i.a] / v[i.b]; }); break;
            case TapeOp::neg: run_batch(in, end, s, [](I i, const double* v) { return -v[i.a]; }); break;
            case TapeOp::pow: run_batch(in, end, s, [](I i, const double* v) { return std::pow(v[i.a], v[i.b]); }); break;
            case TapeOp::square: run_batch(in, end, s, [](I i, const double* v) { return v[i.a] * v[i.a]; }); break;
            case TapeOp::reciprocal: run_batch(in, end, s, [](I i, const double* v) { return 1.0 / v[i.a]; }); break;
            case TapeOp::exp: run_batch(in, end, s, [](I i, const double* v) { return std::exp(v[i.a]); }); break;
            case TapeOp::log: run_batch(in, end, s, [](I i, const double* v) { return std::log(v[i.a]); }); break;
            case TapeOp::log10: run_batch(in, end, s, [](I i, const double* v) { return std::log10(v[i.a]); }); break;
            case TapeOp::sqrt: run_batch(in, end, s, [](I i, const double* v) { return std::sqrt(v[i.a]); }); break;
            case TapeOp::abs: run_batch(in, end, s, [](I i, const double* v) { return std::fabs(v[i.a]); }); break;
            case TapeOp::sin: run_batch(in, end, s, [](I i, const double* v) { return std::sin(v[i.a]); }); break;
            case TapeOp::cos: run_batch(in, end, s, [](I i, const double* v) { return std::cos(v[i.a]); }); break;
            case TapeOp::tan: run_batch(in, end, s, [](I i, const double* v) { return std::tan(v[i.a]); }); break;
            case TapeOp::asin: run_batch(in, end, s, [](I i, const double* v) { return std::asin(v[i.a]); }); break;
            case TapeOp::acos: run_batch(in, end, s, [](I i, const double* v) { return std::acos(v[i.a]); }); break;
            case TapeOp::atan: run_batch(in, end, s, [](I i, const double* v) { return std::atan(v[i.a]); }); break;
            case TapeOp::sinh: run_batch(in, end, s, [](I i, const double* v) { return std::sinh(v[i.a]); }); break;
            case TapeOp::cosh: run_batch(in, end, s, [](I i, const double* v) { return std::cosh(v[i.a]); }); break;
            case TapeOp::tanh: run_batch(in, end, s, [](I i, const double* v) { return std::tanh(v[i.a]); }); break;
            case TapeOp::asinh: run_batch(in, end, s, [](I i, const double* v) { return std::asinh(v[i.a]); }); break;
            case TapeOp::acosh: run_batch(in, end, s, [](I i, const double* v) { return std::acosh(v[i.a]); }); break;
            case TapeOp::atanh: run_batch(in, end, s, [](I i, const double* v) { return std::atanh(v[i.a]); }); break;
            case TapeOp::floor: run_batch(in, end, s, [](I i, const double* v) { return std::floor(v[i.a]); }); break;
            case TapeOp::ceil: run_batch(in, end, s, [](I i, const double* v) { return std::ceil(v[i.a]); }); break;
            case TapeOp::factorial: run_batch(in, end, s, [](I i, const double* v) { return std::tgamma(v[i.a] + 1.0); }); break;
            case TapeOp::min: run_batch(in, end, s, [](I i, const double* v) { return std::fmin(v[i.a], v[i.b]); }); break;
            case TapeOp::max: run_batch(in, end, s, [](I i, const double* v) { return std::fmax(v[i.a], v[i.b]); }); break;
            case TapeOp::lt: run_batch(in, end, s, [](I i, const double* v) { return double(v[i.a] < v[i.b]); }); break;
            case TapeOp::le: run_batch(in, end, s, [](I i, const double* v) { return double(v[i.a] <= v[i.b]); }); break;
            case TapeOp::gt: run_batch(in, end, s, [](I i, const double* v) { return double(v[i.a] > v[i.b]); }); break;
            case TapeOp::ge: run_batch(in, end, s, [](I i, const double* v) { return double(v[i.a] >= v[i.b]); }); break;
            case TapeOp::eq: run_batch(in, end, s, [](I i, const double* v) { return double(v[i.a] == v[i.b]); }); break;
            case TapeOp::ne: run_batch(in, end, s, [](I i, const double* v) { return double(v[i.a] != v[i.b]); }); break;
            case TapeOp::logical_and:
                run_batch(in, end, s, [](I i, const double* v) { return double(v[i.a] != 0.0 && v[i.b] != 0.0); });
                break;
            case TapeOp::logical_or:
                run_batch(in, end, s, [](I i, const double* v) { return double(v[i.a] != 0.0 || v[i.b] != 0.0); });
                break;
            case TapeOp::logical_not: run_batch(in, end, s, [](I i, const double* v) { return double(v[i.a] == 0.0); }); break;
            case TapeOp::select:
                run_batch(in, end, s, [](I i, const double* v) { return v[i.a] != 0.0 ? v[i.b] : v[i.c]; });
                break;
        }
        in = end;
    }
}

void Tape::schedule() {
    // An instruction's level is one more than the deepest instruction whose result it reads;
    // instructions of one level never read each other, so any order within a level is valid.
    std::vector<std::uint32_t> level_of_slot(end_slot_, 0);  // 0: not computed by this tape
    std::vector<std::uint32_t> level(code_.size());
    for (std::size_t k = 0; k < code_.size(); ++k) {
        const Instruction& in = code_[k];
        level[k] = 1 + std::max({level_of_slot[in.a], level_of_slot[in.b], level_of_slot[in.c]});
        level_of_slot[in.result] = level[k];
    }
    std::vector<std::size_t> order(code_.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return std::tie(level[x], code_[x].op) < std::tie(level[y], code_[y].op);
    });
    std::vector<Instruction> scheduled;
    scheduled.reserve(code_.size());
    batches_.clear();
    for (std::size_t k : order) {
        if (batches_.empty() || batches_.back().op != code_[k].op) batches_.push_back({code_[k].op, 0});
        scheduled.push_back(code_[k]);
        batches_.back().end = static_cast<std::uint32_t>(scheduled.size());
    }
    code_ = std::move(scheduled);
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
    tape_.schedule();
    Tape done = std::move(tape_);
    tape_ = Tape{};
    known_.clear();
    constant_slots_.clear();
    emitted_.clear();
    return done;
}

}  // namespace ntsim::solver
