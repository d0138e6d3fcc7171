// Evaluating a compiled OdeSystem: right-hand side, Jacobian, observables, roots, events and
// initial values, all by running tapes over one slot array (compile.cpp builds the system).
#include "solver/ode_system.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

namespace ntsim::solver {

using models::ExprPtr;

namespace {

int index_of(const std::vector<std::string>& ids, const std::string& id) {
    const auto it = std::find(ids.begin(), ids.end(), id);
    return it == ids.end() ? -1 : static_cast<int>(it - ids.begin());
}

}  // namespace

std::optional<int> OdeSystem::state_index(const std::string& id) const {
    const int i = index_of(state_ids_, id);
    return i < 0 ? std::nullopt : std::optional<int>(i);
}

std::optional<int> OdeSystem::input_index(const std::string& id) const {
    const int i = index_of(input_ids_, id);
    return i < 0 ? std::nullopt : std::optional<int>(i);
}

std::optional<int> OdeSystem::observable_index(const std::string& id) const {
    const int i = index_of(observable_ids_, id);
    return i < 0 ? std::nullopt : std::optional<int>(i);
}

void OdeSystem::load_point(Workspace& ws, double t, const double* x) const {
    std::copy(x, x + size(), ws.slots_.begin());
    ws.slots_[time_slot_] = t;
}

void OdeSystem::WeightedSums::append(const std::vector<Term>& terms) {
    if (starts.empty()) starts.push_back(0);
    for (const Term& term : terms) {
        slots.push_back(term.rate_or_partial);
        coefficients.push_back(term.coefficient);
    }
    starts.push_back(static_cast<int>(slots.size()));
}

void OdeSystem::WeightedSums::evaluate(const double* weights, const double* slot_values, double* out) const {
    const std::size_t outputs = starts.empty() ? 0 : starts.size() - 1;
    for (std::size_t i = 0; i < outputs; ++i) {
        double sum = 0.0;
        for (int k = starts[i]; k < starts[i + 1]; ++k) sum += weights[k] * slot_values[slots[k]];
        out[i] = sum;
    }
}

bool OdeSystem::rhs(Workspace& ws, double t, const double* x, double* dxdt) const {
    load_point(ws, t, x);
    double* slots = ws.slots_.data();
    rate_tape_.run(slots);
    rhs_sums_.evaluate(ws.rhs_weights_.data(), slots, dxdt);
    const std::size_t n = size();
    double checksum = 0.0;
    for (std::size_t i = 0; i < n; ++i) checksum += dxdt[i];
    if (std::isfinite(checksum)) return true;
    // Rare path: find the first non-finite rate so the message can name the reaction or rule.
    for (const Formula& f : rate_formulas_) {
        if (!std::isfinite(slots[f.slot])) {
            ws.problem_ = explain(f, slots, t);
            return false;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(dxdt[i])) {
            ws.problem_ = fmt::format("d{}/dt is {} at t = {} s", state_ids_[i], dxdt[i], t);
            return false;
        }
    }
    return true;  // finite terms whose sum overflowed: let the integrator's error test decide
}

void OdeSystem::jacobian(Workspace& ws, double t, const double* x, double* values) const {
    load_point(ws, t, x);
    double* slots = ws.slots_.data();
    jacobian_tape_.run(slots);
    jacobian_sums_.evaluate(ws.jacobian_weights_.data(), slots, values);
}

void OdeSystem::observables(Workspace& ws, double t, const double* x, double* out) const {
    load_point(ws, t, x);
    observable_tape_.run(ws.slots_.data());
    for (std::size_t i = 0; i < observable_slots_.size(); ++i) out[i] = ws.slots_[observable_slots_[i]];
}

std::string OdeSystem::non_finite_observable(const Workspace& ws, double t, std::span<const int> which) const {
    for (int i : which) {
        const Formula& f = observable_formulas_[i];
        if (!std::isfinite(ws.slots_[f.slot])) return explain(f, ws.slots_.data(), t);
    }
    return {};
}

namespace {

// Re-evaluates `e` at the point whose values `value_of` gives and records in `culprit` the
// innermost subexpression that is not finite although its arguments are: the term to fix, such
// as log(S) with S = 0. Only the taken branch of a select is evaluated, as only it can matter.
// Used on the failure path only; recursion is bounded by the expression depth limit.
template <class F>
double find_culprit(const models::ExprPtr& e, F& value_of, std::string& culprit) {
    if (e->op == models::Op::number) return e->value;
    if (e->op == models::Op::symbol) return value_of(e->name);
    if (e->op == models::Op::select) {
        const double condition = find_culprit(e->args[0], value_of, culprit);
        return find_culprit(e->args[condition != 0.0 ? 1 : 2], value_of, culprit);
    }
    std::array<double, models::detail::max_arity> values{};
    bool arguments_finite = true;
    for (std::size_t i = 0; i < e->args.size(); ++i) {
        values[i] = find_culprit(e->args[i], value_of, culprit);
        arguments_finite = arguments_finite && std::isfinite(values[i]);
    }
    const double v = models::detail::apply(e->op, std::span<const double>(values.data(), e->args.size()));
    if (!std::isfinite(v) && arguments_finite && culprit.empty()) {
        culprit = fmt::format("{} = {}", models::to_string(e), v);
        std::string where;
        for (const auto& name : models::symbols(e)) where += fmt::format("{}{} = {}", where.empty() ? "" : ", ", name, value_of(name));
        if (!where.empty()) culprit += " where " + where;
    }
    return v;
}

}  // namespace

std::string OdeSystem::explain(const Formula& f, const double* slots, double t) const {
    auto value_of = [&](const std::string& name) {
        if (name == "time") return t;
        if (const auto i = state_index(name)) return slots[*i];
        if (const auto i = input_index(name)) return slots[input_slot_begin_ + static_cast<Slot>(*i)];
        return std::numeric_limits<double>::quiet_NaN();
    };
    std::string culprit;
    find_culprit(f.expanded, value_of, culprit);
    return fmt::format("{} is {} at t = {} s{} (expression: {})", f.what, slots[f.slot], t,
                       culprit.empty() ? "" : ": " + culprit, models::to_string(f.written));
}

void OdeSystem::rates(Workspace& ws, double t, const double* x, double* out) const {
    load_point(ws, t, x);
    rate_tape_.run(ws.slots_.data());
    for (std::size_t r = 0; r < rate_slots_.size(); ++r) out[r] = ws.slots_[rate_slots_[r]];
}

std::vector<OdeSystem::StoichiometricEntry> OdeSystem::stoichiometric_matrix(const Workspace& ws) const {
    std::vector<StoichiometricEntry> entries;
    entries.reserve(stoichiometry_.size());
    for (std::size_t k = 0; k < stoichiometry_.size(); ++k) {
        const auto& s = stoichiometry_[k];
        if (s.reaction < 0 || s.variable) continue;
        entries.push_back({s.state, s.reaction, ws.coefficients_[k]});
    }
    return entries;
}

std::vector<int> OdeSystem::states_outside_stoichiometry() const {
    std::vector<int> states;
    for (const auto& s : stoichiometry_)
        if (s.reaction < 0 || s.variable) states.push_back(s.state);
    std::sort(states.begin(), states.end());
    states.erase(std::unique(states.begin(), states.end()), states.end());
    return states;
}

void OdeSystem::initial_values(std::vector<double>& inputs, std::vector<double>& x0, double t0) const {
    if (inputs.size() != input_ids_.size())
        throw std::invalid_argument(fmt::format("initial_values: expected {} inputs, got {}", input_ids_.size(), inputs.size()));
    std::vector<double> slots(slot_count_, 0.0);
    initial_tape_.write_constants(slots.data());
    std::copy(inputs.begin(), inputs.end(), slots.begin() + input_slot_begin_);
    slots[time_slot_] = t0;
    initial_tape_.run(slots.data());
    for (const auto& [input, slot] : initial_input_slots_) inputs[input] = slots[slot];
    x0.resize(size());
    for (std::size_t i = 0; i < size(); ++i) x0[i] = slots[initial_state_slots_[i]];
}

models::ExprPtr OdeSystem::expand(const models::ExprPtr& expression) const {
    std::string unknown;
    auto expanded = models::substitute(expression, [&](const std::string& name) -> models::ExprPtr {
        if (name == "time") return nullptr;
        const auto it = expansion_.find(name);
        if (it == expansion_.end()) {
            if (unknown.empty()) unknown = name;
            return nullptr;
        }
        return it->second;
    });
    if (!unknown.empty()) throw std::invalid_argument(fmt::format("unknown id '{}' in '{}'", unknown, models::to_string(expression)));
    return expanded;
}

void OdeSystem::roots(Workspace& ws, double t, const double* x, double* g) const {
    load_point(ws, t, x);
    root_tape_.run(ws.slots_.data());
    for (std::size_t k = 0; k < root_slots_.size(); ++k) g[k] = ws.slots_[root_slots_[k]];
}

void OdeSystem::evaluate_events(Workspace& ws, double t, const double* x) const {
    load_point(ws, t, x);
    event_tape_.run(ws.slots_.data());
}

Workspace::Workspace(const OdeSystem& system)
    : system_(&system), slots_(system.slot_count_, 0.0), coefficients_(system.stoichiometry_.size(), 0.0) {
    system.rate_tape_.write_constants(slots_.data());
    system.jacobian_tape_.write_constants(slots_.data());
    system.observable_tape_.write_constants(slots_.data());
    system.root_tape_.write_constants(slots_.data());
    system.event_tape_.write_constants(slots_.data());
    set_inputs(system.default_inputs_);
}

void Workspace::set_inputs(std::span<const double> inputs) {
    const OdeSystem& sys = *system_;
    if (inputs.size() != sys.input_ids_.size())
        throw std::invalid_argument(fmt::format("expected {} inputs, got {}", sys.input_ids_.size(), inputs.size()));
    std::copy(inputs.begin(), inputs.end(), slots_.begin() + sys.input_slot_begin_);
    for (std::size_t k = 0; k < sys.stoichiometry_.size(); ++k) {
        const auto& s = sys.stoichiometry_[k];
        // e.g. a JSON rate is per volume of the reaction's compartment and a concentration state
        // changes by stoichiometry * V_reaction / V_species, so amounts are conserved across volumes.
        double c = s.constant;
        for (const auto& [input, exponent] : s.input_powers) c = exponent > 0 ? c * inputs[input] : c / inputs[input];
        coefficients_[k] = c;
    }
    auto weigh = [&](const OdeSystem::WeightedSums& sums, std::vector<double>& weights) {
        weights.resize(sums.coefficients.size());
        for (std::size_t k = 0; k < weights.size(); ++k) weights[k] = coefficients_[sums.coefficients[k]];
    };
    weigh(sys.rhs_sums_, rhs_weights_);
    weigh(sys.jacobian_sums_, jacobian_weights_);
}

std::span<const double> Workspace::inputs() const {
    return {slots_.data() + system_->input_slot_begin_, system_->input_ids_.size()};
}

}  // namespace ntsim::solver

namespace ntsim::solver {

Probe::Probe(const OdeSystem& system, const std::vector<models::ExprPtr>& expressions) : system_(&system) {
    std::unordered_map<std::string, Slot> slot_of_name;
    for (std::size_t i = 0; i < system.size(); ++i) slot_of_name.emplace(system.state_ids_[i], static_cast<Slot>(i));
    for (std::size_t i = 0; i < system.input_ids_.size(); ++i)
        slot_of_name.emplace(system.input_ids_[i], system.input_slot_begin_ + static_cast<Slot>(i));
    slot_of_name.emplace("time", system.time_slot_);
    TapeBuilder builder(
        [&](const std::string& name) -> std::optional<Slot> {
            const auto it = slot_of_name.find(name);
            return it == slot_of_name.end() ? std::nullopt : std::optional<Slot>(it->second);
        },
        system.time_slot_ + 1);
    for (const auto& e : expressions) slots_.push_back(builder.emit(system.expand(e)));
    tape_ = builder.finish();
    scratch_.assign(tape_.end_slot(), 0.0);
    tape_.write_constants(scratch_.data());
}

void Probe::evaluate(const Workspace& ws, double t, const double* x, double* out) {
    const OdeSystem& sys = *system_;
    std::copy(x, x + sys.size(), scratch_.begin());
    const auto inputs = ws.inputs();
    std::copy(inputs.begin(), inputs.end(), scratch_.begin() + sys.input_slot_begin_);
    scratch_[sys.time_slot_] = t;
    tape_.run(scratch_.data());
    for (std::size_t i = 0; i < slots_.size(); ++i) out[i] = scratch_[slots_[i]];
}

}  // namespace ntsim::solver
