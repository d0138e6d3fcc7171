// Compiled expressions: a flat list of three-address instructions over one array of slots
// (state, inputs, time, constants, temporaries). Evaluating a tape allocates nothing, which is
// what the right-hand side and the Jacobian need in CVODE's inner loop.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "models/expression.hpp"

namespace ntsim::solver {

using Slot = std::uint32_t;

enum class TapeOp : std::uint8_t {
    add, sub, mul, div, neg, pow, square, reciprocal,
    exp, log, log10, sqrt, abs, min, max,
    sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, floor, ceil, factorial,
    lt, le, gt, ge, eq, ne, logical_and, logical_or, logical_not,
    select,
};

struct Instruction {
    TapeOp op;
    Slot result, a, b, c;
};

class Tape {
public:
    // Runs every instruction; `slots` must hold every slot the tape names.
    void run(double* slots) const;

    // Literal numbers the tape reads; written once into a fresh slot array.
    void write_constants(double* slots) const;

    std::size_t size() const { return code_.size(); }
    Slot end_slot() const { return end_slot_; }

private:
    friend class TapeBuilder;

    // finish() orders the code by dependency level and, within a level, by operation, so equal
    // operations run back to back: run() then dispatches once per batch instead of once per
    // instruction, and the branch predictor sees long runs of the same case. Every instruction
    // still computes the same operation on the same operands, so results are bit-identical.
    struct Batch {
        TapeOp op;
        std::uint32_t end;  // one past the batch's last instruction in code_
    };
    void schedule();

    std::vector<Instruction> code_;
    std::vector<Batch> batches_;
    std::vector<std::pair<Slot, double>> constants_;
    Slot end_slot_ = 0;
};

// Emits expressions into one tape, sharing identical subexpressions (value numbering). Symbols
// resolve through `resolve`, which returns the slot of a state, input or time, or nothing.
class TapeBuilder {
public:
    using Resolver = std::function<std::optional<Slot>(const std::string&)>;

    // Private slots (constants, temporaries) start at `first_private_slot`.
    TapeBuilder(Resolver resolve, Slot first_private_slot);

    Slot emit(const models::ExprPtr& expression);
    Tape finish();

private:
    Slot emit_node(const models::ExprPtr& expression);
    Slot emit_op(TapeOp op, Slot a, Slot b = 0, Slot c = 0);
    Slot constant(double value);
    Slot emit_power(const models::ExprPtr& base, const models::ExprPtr& exponent);

    Resolver resolve_;
    Tape tape_;
    Slot next_slot_;
    std::map<std::tuple<TapeOp, Slot, Slot, Slot>, Slot> known_;
    std::map<std::uint64_t, Slot> constant_slots_;  // keyed by bit pattern: NaN must not alias
    // Nodes already emitted, by address; the ExprPtr keeps the node alive so an address is never
    // reused for another node while the builder lives. Shared subtrees (inlined assignment
    // rules) are then walked once instead of once per path to them.
    std::unordered_map<const models::Expr*, std::pair<models::ExprPtr, Slot>> emitted_;
};

}  // namespace ntsim::solver
