// Network graph -> OdeSystem: resolves names to slots once, differentiates every rate law
// symbolically for the Jacobian, and lays the stoichiometry out per state for a tight RHS loop.
#include "solver/ode_system.hpp"

#include <algorithm>
#include <cmath>
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

OdeSystem compile(const models::Network& network) {
    const models::Model& model = network.model();
    const models::NetworkGraph& graph = network.graph();
    OdeSystem sys;

    // Where each model species lives: a state, or (if constant) an input.
    std::vector<int> state_of_species(model.species.size(), -1);
    for (std::size_t s = 0; s < model.species.size(); ++s) {
        if (model.species[s].constant) continue;
        state_of_species[s] = static_cast<int>(sys.state_ids_.size());
        sys.state_ids_.push_back(model.species[s].id);
        sys.default_state_.push_back(model.species[s].initial_nm);
    }
    for (const auto& p : model.parameters) {
        sys.input_ids_.push_back(p.id);
        sys.default_inputs_.push_back(p.value);
    }
    for (const auto& s : model.species) {
        if (!s.constant) continue;
        sys.input_ids_.push_back(s.id);
        sys.default_inputs_.push_back(s.initial_nm);
    }
    const std::size_t compartment_inputs = sys.input_ids_.size();
    for (const auto& c : model.compartments) {
        sys.input_ids_.push_back(c.id);
        sys.default_inputs_.push_back(c.size_l);
    }
    for (const auto& r : model.reactions) sys.reaction_ids_.push_back(r.id);
    for (const auto& o : model.observables) sys.observable_ids_.push_back(o.id);

    const Slot n = static_cast<Slot>(sys.state_ids_.size());
    sys.input_slot_begin_ = n;
    sys.time_slot_ = n + static_cast<Slot>(sys.input_ids_.size());

    std::unordered_map<std::string, Slot> slot_of_name;
    for (Slot i = 0; i < n; ++i) slot_of_name.emplace(sys.state_ids_[i], i);
    for (std::size_t i = 0; i < sys.input_ids_.size(); ++i)
        slot_of_name.emplace(sys.input_ids_[i], sys.input_slot_begin_ + static_cast<Slot>(i));
    slot_of_name.emplace("time", sys.time_slot_);
    const TapeBuilder::Resolver resolve = [&](const std::string& name) -> std::optional<Slot> {
        const auto it = slot_of_name.find(name);
        return it == slot_of_name.end() ? std::nullopt : std::optional<Slot>(it->second);
    };

    // Observables are inlined wherever they are used, so every tape reads only slots.
    std::unordered_map<std::string, ExprPtr> expanded_observables;
    auto expand = [&](const ExprPtr& e) {
        return models::substitute(e, [&](const std::string& name) -> ExprPtr {
            const auto it = expanded_observables.find(name);
            return it == expanded_observables.end() ? nullptr : it->second;
        });
    };
    for (const auto& o : model.observables) expanded_observables.emplace(o.id, expand(o.expression));

    // Compound effects: a targeted parameter p becomes p * (scale and inhibit factors) + addends.
    std::unordered_map<std::string, ExprPtr> effective_parameter;
    for (const auto& effect : model.effects) {
        const std::string& id = model.parameters[effect.target].id;
        auto [it, fresh] = effective_parameter.emplace(id, models::symbol(id));
        const bool additive = effect.kind == models::EffectKind::add;
        it->second = models::make(additive ? models::Op::add : models::Op::mul, {it->second, effect.term});
    }
    auto apply_effects = [&](const ExprPtr& e) {
        if (effective_parameter.empty()) return e;
        return models::substitute(e, [&](const std::string& name) -> ExprPtr {
            const auto it = effective_parameter.find(name);
            return it == effective_parameter.end() ? nullptr : it->second;
        });
    };

    // Rates, in reaction order (the graph's reaction vertices follow the model's reactions).
    TapeBuilder rate_builder(resolve, sys.time_slot_ + 1);
    std::vector<ExprPtr> rates;
    for (std::size_t r = 0; r < model.reactions.size(); ++r) {
        rates.push_back(apply_effects(expand(model.reactions[r].rate)));
        sys.rate_slots_.push_back(rate_builder.emit(rates.back()));
    }
    sys.rate_tape_ = rate_builder.finish();

    // Stoichiometry from the graph's edges: (state, reaction) -> signed coefficient.
    std::map<std::pair<int, int>, double> net;
    for (std::size_t r = 0; r < model.reactions.size(); ++r) {
        const models::Vertex rv = network.reaction_vertex(static_cast<int>(r));
        for (auto [e, end] = boost::in_edges(rv, graph); e != end; ++e) {
            if (graph[*e].role != models::EdgeRole::reactant) continue;
            const int state = state_of_species[graph[boost::source(*e, graph)].index];
            if (state >= 0) net[{state, static_cast<int>(r)}] -= graph[*e].stoichiometry;
        }
        for (auto [e, end] = boost::out_edges(rv, graph); e != end; ++e) {
            const int state = state_of_species[graph[boost::target(*e, graph)].index];
            if (state >= 0) net[{state, static_cast<int>(r)}] += graph[*e].stoichiometry;
        }
    }
    auto compartment_input = [&](int compartment) { return static_cast<int>(compartment_inputs) + compartment; };
    std::vector<std::vector<std::pair<int, int>>> terms_of_state(n);  // (reaction, coefficient index)
    std::vector<std::vector<std::pair<int, int>>> states_of_reaction(model.reactions.size());  // (state, coefficient)
    for (const auto& [key, coefficient] : net) {
        if (coefficient == 0.0) continue;  // a catalyst written as reactant and product
        const auto [state, reaction] = key;
        const int species = *model.species_index(sys.state_ids_[state]);
        const int k = static_cast<int>(sys.stoichiometry_.size());
        sys.stoichiometry_.push_back({state, reaction, coefficient, compartment_input(model.reactions[reaction].compartment),
                                      compartment_input(model.species[species].compartment)});
        terms_of_state[state].push_back({reaction, k});
        states_of_reaction[reaction].push_back({state, k});
    }
    sys.rhs_term_starts_.push_back(0);
    for (Slot i = 0; i < n; ++i) {
        for (const auto& [reaction, k] : terms_of_state[i]) sys.rhs_terms_.push_back({sys.rate_slots_[reaction], k});
        sys.rhs_term_starts_.push_back(static_cast<int>(sys.rhs_terms_.size()));
    }

    // Jacobian: J(i,j) = sum_r c(i,r) * dv_r/dx_j, with dv_r/dx_j differentiated symbolically.
    TapeBuilder jacobian_builder(resolve, sys.rate_tape_.end_slot());
    std::map<std::pair<int, int>, std::vector<OdeSystem::Term>> entries;  // (column j, row i)
    for (Slot j = 0; j < n; ++j) entries[{static_cast<int>(j), static_cast<int>(j)}];
    for (std::size_t r = 0; r < rates.size(); ++r) {
        if (states_of_reaction[r].empty()) continue;
        for (const std::string& name : models::symbols(rates[r])) {
            const auto slot = resolve(name);
            if (!slot || *slot >= n) continue;
            const ExprPtr partial = models::differentiate(rates[r], name);
            if (models::is_number(partial, 0.0)) continue;
            const Slot partial_slot = jacobian_builder.emit(partial);
            for (const auto& [state, k] : states_of_reaction[r])
                entries[{static_cast<int>(*slot), state}].push_back({partial_slot, k});
        }
    }
    sys.jacobian_tape_ = jacobian_builder.finish();
    sys.pattern_.column_starts.assign(n + 1, 0);
    sys.jacobian_term_starts_.push_back(0);
    for (const auto& [key, terms] : entries) {
        sys.pattern_.column_starts[key.first + 1]++;
        sys.pattern_.rows.push_back(key.second);
        sys.jacobian_terms_.insert(sys.jacobian_terms_.end(), terms.begin(), terms.end());
        sys.jacobian_term_starts_.push_back(static_cast<int>(sys.jacobian_terms_.size()));
    }
    for (Slot j = 0; j < n; ++j) sys.pattern_.column_starts[j + 1] += sys.pattern_.column_starts[j];

    TapeBuilder observable_builder(resolve, sys.jacobian_tape_.end_slot());
    for (const auto& o : model.observables) sys.observable_slots_.push_back(observable_builder.emit(expanded_observables.at(o.id)));
    sys.observable_tape_ = observable_builder.finish();
    sys.slot_count_ = sys.observable_tape_.end_slot();
    return sys;
}

void OdeSystem::load_point(Workspace& ws, double t, const double* x) const {
    std::copy(x, x + size(), ws.slots_.begin());
    ws.slots_[time_slot_] = t;
}

bool OdeSystem::rhs(Workspace& ws, double t, const double* x, double* dxdt) const {
    load_point(ws, t, x);
    double* slots = ws.slots_.data();
    rate_tape_.run(slots);
    const double* c = ws.coefficients_.data();
    double checksum = 0.0;
    const std::size_t n = size();
    for (std::size_t i = 0; i < n; ++i) {
        double sum = 0.0;
        for (int k = rhs_term_starts_[i]; k < rhs_term_starts_[i + 1]; ++k)
            sum += c[rhs_terms_[k].coefficient] * slots[rhs_terms_[k].rate_or_partial];
        dxdt[i] = sum;
        checksum += sum;
    }
    if (std::isfinite(checksum)) return true;
    // Rare path: find the first non-finite rate so the message can name the reaction.
    for (std::size_t r = 0; r < rate_slots_.size(); ++r) {
        if (!std::isfinite(slots[rate_slots_[r]])) {
            ws.problem_ = fmt::format("rate of reaction '{}' is {} at t = {} s", reaction_ids_[r], slots[rate_slots_[r]], t);
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
    const double* c = ws.coefficients_.data();
    const std::size_t nnz = pattern_.rows.size();
    for (std::size_t e = 0; e < nnz; ++e) {
        double sum = 0.0;
        for (int k = jacobian_term_starts_[e]; k < jacobian_term_starts_[e + 1]; ++k)
            sum += c[jacobian_terms_[k].coefficient] * slots[jacobian_terms_[k].rate_or_partial];
        values[e] = sum;
    }
}

void OdeSystem::observables(Workspace& ws, double t, const double* x, double* out) const {
    load_point(ws, t, x);
    observable_tape_.run(ws.slots_.data());
    for (std::size_t i = 0; i < observable_slots_.size(); ++i) out[i] = ws.slots_[observable_slots_[i]];
}

void OdeSystem::rates(Workspace& ws, double t, const double* x, double* out) const {
    load_point(ws, t, x);
    rate_tape_.run(ws.slots_.data());
    for (std::size_t r = 0; r < rate_slots_.size(); ++r) out[r] = ws.slots_[rate_slots_[r]];
}

std::vector<OdeSystem::StoichiometricEntry> OdeSystem::stoichiometric_matrix(const Workspace& ws) const {
    std::vector<StoichiometricEntry> entries;
    entries.reserve(stoichiometry_.size());
    for (std::size_t k = 0; k < stoichiometry_.size(); ++k)
        entries.push_back({stoichiometry_[k].state, stoichiometry_[k].reaction, ws.coefficients_[k]});
    return entries;
}

Workspace::Workspace(const OdeSystem& system)
    : system_(&system), slots_(system.slot_count_, 0.0), coefficients_(system.stoichiometry_.size(), 0.0) {
    system.rate_tape_.write_constants(slots_.data());
    system.jacobian_tape_.write_constants(slots_.data());
    system.observable_tape_.write_constants(slots_.data());
    set_inputs(system.default_inputs_);
}

void Workspace::set_inputs(std::span<const double> inputs) {
    const OdeSystem& sys = *system_;
    if (inputs.size() != sys.input_ids_.size())
        throw std::invalid_argument(fmt::format("expected {} inputs, got {}", sys.input_ids_.size(), inputs.size()));
    std::copy(inputs.begin(), inputs.end(), slots_.begin() + sys.input_slot_begin_);
    for (std::size_t k = 0; k < sys.stoichiometry_.size(); ++k) {
        const auto& s = sys.stoichiometry_[k];
        // Rates are per volume of the reaction's compartment; amounts are conserved across volumes.
        coefficients_[k] = s.stoichiometry * inputs[s.reaction_compartment] / inputs[s.species_compartment];
    }
}

std::span<const double> Workspace::inputs() const {
    return {slots_.data() + system_->input_slot_begin_, system_->input_ids_.size()};
}

}  // namespace ntsim::solver
