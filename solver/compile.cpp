// Model -> OdeSystem: decides what is a state, an input or an inlined expression, rewrites every
// expression over states and inputs, differentiates rates symbolically for the Jacobian, and
// lays stoichiometry, rules, events and initial values out on tapes.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "solver/ode_system.hpp"

namespace ntsim::solver {

using models::EntityKind;
using models::ExprPtr;
using models::Op;

namespace {

bool is_comparison(Op op) { return op == Op::lt || op == Op::le || op == Op::gt || op == Op::ge; }

// Names of slots that are not model ids: they contain a character no id may contain.
std::string atom_name(std::size_t k) { return fmt::format("#atom{}", k); }

enum class Role { state, input, rule };

struct EntityPlan {
    EntityKind kind;
    int index = 0;
    Role role = Role::input;
    int position = 0;              // state or input index
    bool holds_amount = false;     // species state or input holding the amount
    bool stands_for_amount = false;  // species id means the amount
    bool input_needs_initializer = false;
};

}  // namespace

// Friend of OdeSystem: fills its private arrays.
class Compiler {
public:
    explicit Compiler(const models::Network& network) : model_(network.model()) {}

    OdeSystem run() {
        index_rules();
        plan_entities();
        build_effects();
        build_slot_names();
        emit_rates_and_terms();
        emit_jacobian();
        emit_observables();
        emit_roots_and_events();
        emit_initial_values();
        sys_.slot_count_ = initial_end_;
        for (const auto& [id, plan] : plans_) sys_.expansion_.emplace(id, value_of(id));
        for (const auto& r : model_.reactions) sys_.expansion_.emplace(r.id, value_of(r.id));
        for (const auto& o : model_.observables) sys_.expansion_.emplace(o.id, value_of(o.id));
        compute_defaults();
        return std::move(sys_);
    }

private:
    // ---- classification ----------------------------------------------------------------------

    void index_rules() {
        for (const auto& r : model_.assignment_rules) assignment_rule_[id_of(r.variable)] = r.expression;
        for (const auto& r : model_.rate_rules) rate_rule_[id_of(r.variable)] = r.expression;
        for (const auto& r : model_.initial_assignments) initial_assignment_[id_of(r.variable)] = r.expression;
        for (const auto& e : model_.events)
            for (const auto& a : e.assignments) event_target_.insert(id_of(a.variable));
    }

    const std::string& id_of(const models::EntityRef& ref) const { return model_.id_of(ref); }

    bool changes(const std::string& id) const { return rate_rule_.count(id) || event_target_.count(id); }
    bool varies(const std::string& id) const { return changes(id) || assignment_rule_.count(id); }

    void plan_entities() {
        // States: species first (model order), then parameters and compartments.
        for (std::size_t i = 0; i < model_.species.size(); ++i) {
            const auto& s = model_.species[i];
            const auto& c = model_.compartments.at(s.compartment);
            EntityPlan p{EntityKind::species, static_cast<int>(i)};
            p.stands_for_amount = s.only_substance_units || c.spatial_dimensions == 0;
            if (assignment_rule_.count(s.id)) {
                p.role = Role::rule;
            } else if (s.constant && !changes(s.id)) {
                p.role = Role::input;
                // A constant species keeps its amount when its compartment changes size (SBML),
                // so then the input holds the amount; a declared value in the other unit is
                // converted by the initial tape.
                p.holds_amount = p.stands_for_amount || varies(c.id);
                p.input_needs_initializer = s.initial_is_amount != p.holds_amount;
            } else {
                p.role = Role::state;
                // Amounts only where the id means one or the compartment changes size: a state of
                // 1e-17 mol in a 4 pL compartment would be below any absolute tolerance.
                if (rate_rule_.count(s.id)) p.holds_amount = p.stands_for_amount;
                else p.holds_amount = p.stands_for_amount || varies(c.id);
                add_state(s.id, p);
            }
            plans_.emplace(s.id, p);
        }
        for (std::size_t i = 0; i < model_.parameters.size(); ++i) plan_value(model_.parameters[i].id, EntityKind::parameter, static_cast<int>(i));
        for (std::size_t i = 0; i < model_.compartments.size(); ++i) plan_value(model_.compartments[i].id, EntityKind::compartment, static_cast<int>(i));

        // Inputs: parameters, constant species, compartments (the order JSON runs rely on).
        for (const auto& p : model_.parameters) add_input_if(p.id, p.value);
        for (const auto& s : model_.species) add_input_if(s.id, s.initial_nm);
        for (const auto& c : model_.compartments) add_input_if(c.id, c.size_l);
        for (const auto& r : model_.reactions) sys_.reaction_ids_.push_back(r.id);
        for (const auto& o : model_.observables) sys_.observable_ids_.push_back(o.id);
    }

    void plan_value(const std::string& id, EntityKind kind, int index) {
        EntityPlan p{kind, index};
        if (assignment_rule_.count(id)) p.role = Role::rule;
        else if (changes(id)) {
            p.role = Role::state;
            add_state(id, p);
        }
        plans_.emplace(id, p);
    }

    void add_state(const std::string& id, EntityPlan& p) {
        p.position = static_cast<int>(sys_.state_ids_.size());
        sys_.state_ids_.push_back(id);
        sys_.state_info_.push_back({p.kind, p.index, p.holds_amount});
    }

    void add_input_if(const std::string& id, double value) {
        EntityPlan& p = plans_.at(id);
        if (p.role != Role::input) return;
        p.position = static_cast<int>(sys_.input_ids_.size());
        sys_.input_ids_.push_back(id);
        sys_.default_inputs_.push_back(value);
    }

    void build_slot_names() {
        const Slot n = static_cast<Slot>(sys_.state_ids_.size());
        sys_.input_slot_begin_ = n;
        sys_.time_slot_ = n + static_cast<Slot>(sys_.input_ids_.size());
        for (Slot i = 0; i < n; ++i) slot_of_name_.emplace(sys_.state_ids_[i], i);
        for (std::size_t i = 0; i < sys_.input_ids_.size(); ++i)
            slot_of_name_.emplace(sys_.input_ids_[i], sys_.input_slot_begin_ + static_cast<Slot>(i));
        slot_of_name_.emplace("time", sys_.time_slot_);
        // Trigger atoms sit right after time; count them now so tapes start after them.
        std::size_t atoms = 0;
        for (const auto& e : model_.events) atoms += count_comparisons(expand(e.trigger));
        for (std::size_t k = 0; k < atoms; ++k) slot_of_name_.emplace(atom_name(k), sys_.time_slot_ + 1 + static_cast<Slot>(k));
        first_private_ = sys_.time_slot_ + 1 + static_cast<Slot>(atoms);
    }

    static std::size_t count_comparisons(const ExprPtr& e) {
        if (is_comparison(e->op)) return 1;
        std::size_t n = 0;
        for (const auto& a : e->args) n += count_comparisons(a);
        return n;
    }

    TapeBuilder::Resolver resolver() const {
        return [this](const std::string& name) -> std::optional<Slot> {
            const auto it = slot_of_name_.find(name);
            return it == slot_of_name_.end() ? std::nullopt : std::optional<Slot>(it->second);
        };
    }

    // Compound effects: a targeted parameter p becomes p * (scale and inhibit factors) + addends.
    void build_effects() {
        for (const auto& effect : model_.effects) {
            const std::string& id = model_.parameters.at(effect.target).id;
            auto [it, fresh] = effect_terms_.emplace(id, std::vector<const models::Effect*>{});
            it->second.push_back(&effect);
        }
    }

    // ---- expansion: model ids -> expressions over slots ---------------------------------------

    // What `id` stands for during the run.
    ExprPtr value_of(const std::string& id) {
        if (id == "time") return models::symbol("time");
        if (const auto it = value_memo_.find(id); it != value_memo_.end()) return it->second;
        if (!in_progress_.insert(id).second)
            throw std::invalid_argument(fmt::format("compile: '{}' is defined in terms of itself (a cycle of rules)", id));
        ExprPtr result = compute_value_of(id);
        in_progress_.erase(id);
        value_memo_.emplace(id, result);
        return result;
    }

    ExprPtr compute_value_of(const std::string& id) {
        if (const auto target = models::rate_of_target(id)) return time_derivative(*target);
        if (const auto plan = plans_.find(id); plan != plans_.end()) {
            const EntityPlan& p = plan->second;
            if (p.role == Role::rule) return expand(assignment_rule_.at(id));
            if (p.kind == EntityKind::species && p.role != Role::rule && p.holds_amount != p.stands_for_amount) {
                const ExprPtr volume = value_of(model_.compartments.at(model_.species[p.index].compartment).id);
                return models::make(p.holds_amount ? Op::div : Op::mul, {models::symbol(id), volume});
            }
            if (p.kind == EntityKind::parameter && effect_terms_.count(id)) {
                ExprPtr v = models::symbol(id);
                for (const auto* effect : effect_terms_.at(id))
                    v = models::make(effect->kind == models::EffectKind::add ? Op::add : Op::mul, {v, expand(effect->term)});
                return v;
            }
            return models::symbol(id);
        }
        if (const auto r = model_.reaction_index(id)) return expand(model_.reactions[*r].rate);
        if (const auto o = model_.observable_index(id)) return expand(model_.observables[*o].expression);
        throw std::invalid_argument(fmt::format("compile: unknown id '{}'", id));
    }

    ExprPtr expand(const ExprPtr& e) {
        return models::substitute(e, [&](const std::string& name) { return value_of(name); });
    }

    // SBML rateOf(id): d/dt of what `id` stands for, by the chain rule over the states it reads
    // (so a concentration in a growing compartment, or an assignment rule, comes out right).
    ExprPtr time_derivative(const std::string& id) {
        const ExprPtr value = value_of(id);
        ExprPtr result = models::differentiate(value, "time");
        for (const std::string& name : models::symbols(value)) {
            const auto plan = plans_.find(name);
            if (plan == plans_.end() || plan->second.role != Role::state) continue;
            const ExprPtr partial = models::differentiate(value, name);
            if (models::is_number(partial, 0.0)) continue;
            result = models::make(Op::add, {result, models::make(Op::mul, {partial, state_derivative(name)})});
        }
        return result;
    }

    // d/dt of the quantity a state holds, as an expression over slots.
    ExprPtr state_derivative(const std::string& id) {
        if (const auto rule = rate_rule_.find(id); rule != rate_rule_.end()) return expand(rule->second);
        const EntityPlan& p = plans_.at(id);
        ExprPtr sum = models::number(0.0);
        if (p.kind != EntityKind::species) return sum;
        for (const auto& reaction : model_.reactions) {
            const auto net = net_stoichiometry(reaction);
            const auto it = net.find(p.index);
            if (it == net.end()) continue;
            const Factors f = change_factors(reaction, p.index, it->second);
            ExprPtr factor = models::number(f.constant);
            for (const auto& [input, exponent] : f.input_powers) {
                const ExprPtr v = models::symbol(sys_.input_ids_[static_cast<std::size_t>(input)]);
                factor = models::make(exponent > 0 ? Op::mul : Op::div, {factor, v});
            }
            if (f.variable) factor = models::make(Op::mul, {factor, f.variable});
            sum = models::make(Op::add, {sum, models::make(Op::mul, {factor, value_of(reaction.id)})});
        }
        return sum;
    }

    // What `id` stands for at the start of a run, over inputs and time only.
    ExprPtr initial_of(const std::string& id) {
        if (id == "time") return models::symbol("time");
        if (const auto it = initial_memo_.find(id); it != initial_memo_.end()) return it->second;
        if (!initial_in_progress_.insert(id).second)
            throw std::invalid_argument(fmt::format("compile: the initial value of '{}' depends on itself", id));
        ExprPtr result = compute_initial_of(id);
        initial_in_progress_.erase(id);
        initial_memo_.emplace(id, result);
        return result;
    }

    ExprPtr compute_initial_of(const std::string& id) {
        if (models::rate_of_target(id)) {
            // The run-time derivative with every state and initialised input at its start value.
            return models::substitute(value_of(id), [&](const std::string& name) -> ExprPtr {
                const auto plan = plans_.find(name);
                if (plan == plans_.end()) return nullptr;
                const EntityPlan& p = plan->second;
                if (p.role == Role::state || (p.role == Role::input && (p.input_needs_initializer || initial_assignment_.count(name))))
                    return initial_held(name);
                return nullptr;
            });
        }
        if (const auto plan = plans_.find(id); plan != plans_.end()) {
            const EntityPlan& p = plan->second;
            if (const auto ia = initial_assignment_.find(id); ia != initial_assignment_.end()) return expand_initial(ia->second);
            if (p.role == Role::rule) return expand_initial(assignment_rule_.at(id));
            switch (p.kind) {
                case EntityKind::species: {
                    if (p.role == Role::input && !p.input_needs_initializer) {
                        if (p.holds_amount == p.stands_for_amount) return models::symbol(id);
                        const ExprPtr volume = initial_of(model_.compartments.at(model_.species[p.index].compartment).id);
                        return models::make(p.holds_amount ? Op::div : Op::mul, {models::symbol(id), volume});
                    }
                    return declared_species_value(p);
                }
                case EntityKind::parameter:
                    return p.role == Role::input ? models::symbol(id) : models::number(model_.parameters[p.index].value);
                case EntityKind::compartment:
                    return p.role == Role::input ? models::symbol(id) : models::number(model_.compartments[p.index].size_l);
                default:
                    break;
            }
        }
        if (const auto r = model_.reaction_index(id)) return expand_initial(model_.reactions[*r].rate);
        if (const auto o = model_.observable_index(id)) return expand_initial(model_.observables[*o].expression);
        throw std::invalid_argument(fmt::format("compile: unknown id '{}'", id));
    }

    // The species' declared initial value as what its id stands for.
    ExprPtr declared_species_value(const EntityPlan& p) {
        const auto& s = model_.species[p.index];
        const ExprPtr declared = models::number(s.initial_nm);
        if (s.initial_is_amount == p.stands_for_amount) return declared;
        const ExprPtr volume = initial_of(model_.compartments.at(s.compartment).id);
        return models::make(s.initial_is_amount ? Op::div : Op::mul, {declared, volume});
    }

    ExprPtr expand_initial(const ExprPtr& e) {
        return models::substitute(e, [&](const std::string& name) { return initial_of(name); });
    }

    // ---- rates, rules and their stoichiometry ----------------------------------------------------

    // A product of factors split into a number, input powers and what is left for run time.
    struct Factors {
        double constant = 1.0;
        std::vector<std::pair<int, int>> input_powers;
        ExprPtr variable;  // null: none
    };

    void multiply(Factors& f, const ExprPtr& e, int exponent) {
        if (e->op == Op::number) {
            f.constant = exponent > 0 ? f.constant * e->value : f.constant / e->value;
            return;
        }
        if (e->op == Op::symbol) {
            const auto plan = plans_.find(e->name);
            if (plan != plans_.end() && plan->second.role == Role::input) {
                f.input_powers.emplace_back(plan->second.position, exponent);
                return;
            }
        }
        const ExprPtr factor = exponent > 0 ? e : models::make(Op::div, {models::number(1.0), e});
        f.variable = f.variable ? models::make(Op::mul, {f.variable, factor}) : factor;
    }

    void emit_rates_and_terms() {
        TapeBuilder builder(resolver(), first_private_);
        for (const auto& r : model_.reactions) {
            rates_.push_back(expand(r.rate));
            sys_.rate_slots_.push_back(builder.emit(rates_.back()));
            sys_.rate_formulas_.push_back({fmt::format("reaction '{}'", r.id), r.rate, rates_.back(), sys_.rate_slots_.back()});
        }
        const std::size_t n = sys_.state_ids_.size();
        terms_of_state_.assign(n, {});
        for (std::size_t r = 0; r < model_.reactions.size(); ++r) add_reaction_terms(static_cast<int>(r), builder);
        for (const auto& rule : model_.rate_rules) {
            const std::string& id = id_of(rule.variable);
            const EntityPlan& p = plans_.at(id);
            if (p.role != Role::state) continue;
            term_expressions_.push_back(expand(rule.expression));
            const Slot slot = builder.emit(term_expressions_.back());
            sys_.rate_formulas_.push_back({fmt::format("rate rule for '{}'", id), rule.expression, term_expressions_.back(), slot});
            add_term(p.position, -1, Factors{}, slot, term_expressions_.size() - 1);
        }
        sys_.rate_tape_ = builder.finish();
        for (std::size_t i = 0; i < n; ++i) {
            std::vector<OdeSystem::Term> terms;
            for (const auto& [slot, k] : terms_of_state_[i]) terms.push_back({slot, k});
            sys_.rhs_sums_.append(terms);
        }
    }

    // Net stoichiometry per species, products minus reactants (a catalyst written on both sides
    // nets to zero), for the species reactions change.
    std::map<int, ExprPtr> net_stoichiometry(const models::Reaction& reaction) {
        std::map<int, ExprPtr> net;
        auto add = [&](const models::SpeciesRef& ref, double sign) {
            ExprPtr s = ref.stoichiometry_expression ? expand(ref.stoichiometry_expression) : models::number(ref.stoichiometry);
            if (sign < 0) s = models::make(Op::neg, {s});
            auto [it, fresh] = net.emplace(ref.species, s);
            if (!fresh) it->second = models::make(Op::add, {it->second, s});
        };
        for (const auto& ref : reaction.reactants) add(ref, -1.0);
        for (const auto& ref : reaction.products) add(ref, 1.0);
        std::erase_if(net, [&](const auto& entry) {
            const auto& s = model_.species[entry.first];
            const EntityPlan& p = plans_.at(s.id);
            return p.role != Role::state || s.boundary || s.constant || rate_rule_.count(s.id) || models::is_number(entry.second, 0.0);
        });
        return net;
    }

    // What multiplies a reaction's rate in the derivative of a species state.
    Factors change_factors(const models::Reaction& reaction, int species, const ExprPtr& stoichiometry) {
        const auto& s = model_.species[species];
        const EntityPlan& p = plans_.at(s.id);
        Factors f;
        multiply(f, stoichiometry, 1);
        if (s.conversion_factor >= 0) multiply(f, value_of(model_.parameters.at(s.conversion_factor).id), 1);
        if (!reaction.rate_is_extent) multiply(f, value_of(model_.compartments.at(reaction.compartment).id), 1);
        if (!p.holds_amount) multiply(f, value_of(model_.compartments.at(s.compartment).id), -1);
        return f;
    }

    void add_reaction_terms(int r, TapeBuilder& builder) {
        const models::Reaction& reaction = model_.reactions[r];
        for (const auto& [species, stoichiometry] : net_stoichiometry(reaction)) {
            const EntityPlan& p = plans_.at(model_.species[species].id);
            const Factors f = change_factors(reaction, species, stoichiometry);
            if (f.variable) {
                term_expressions_.push_back(models::make(Op::mul, {f.variable, rates_[r]}));
                const Slot slot = builder.emit(term_expressions_.back());
                add_term(p.position, r, f, slot, term_expressions_.size() - 1);
            } else {
                add_term(p.position, r, f, sys_.rate_slots_[r], -1 - r);
            }
        }
    }

    // `expression`: index into term_expressions_, or -1 - reaction for the reaction's own rate.
    void add_term(int state, int reaction, const Factors& f, Slot slot, long expression) {
        const int k = static_cast<int>(sys_.stoichiometry_.size());
        sys_.stoichiometry_.push_back({state, reaction, f.constant, f.input_powers, f.variable != nullptr});
        terms_of_state_[state].push_back({slot, k});
        users_of_expression_[expression].push_back({state, k});
    }

    ExprPtr term_expression(long key) const { return key < 0 ? rates_[-1 - key] : term_expressions_[key]; }

    // J(i,j) = sum over terms of state i: c * d(term)/dx_j, each partial differentiated symbolically.
    void emit_jacobian() {
        const Slot n = static_cast<Slot>(sys_.state_ids_.size());
        TapeBuilder builder(resolver(), sys_.rate_tape_.end_slot());
        std::map<std::pair<int, int>, std::vector<OdeSystem::Term>> entries;  // (column j, row i)
        for (Slot j = 0; j < n; ++j) entries[{static_cast<int>(j), static_cast<int>(j)}];
        for (const auto& [key, users] : users_of_expression_) {
            const ExprPtr e = term_expression(key);
            for (const std::string& name : models::symbols(e)) {
                const auto it = slot_of_name_.find(name);
                if (it == slot_of_name_.end() || it->second >= n) continue;
                const ExprPtr partial = models::differentiate(e, name);
                if (models::is_number(partial, 0.0)) continue;
                const Slot partial_slot = builder.emit(partial);
                for (const auto& [state, k] : users) entries[{static_cast<int>(it->second), state}].push_back({partial_slot, k});
            }
        }
        sys_.jacobian_tape_ = builder.finish();
        sys_.pattern_.column_starts.assign(n + 1, 0);
        for (const auto& [key, terms] : entries) {
            sys_.pattern_.column_starts[key.first + 1]++;
            sys_.pattern_.rows.push_back(key.second);
            sys_.jacobian_sums_.append(terms);
        }
        for (Slot j = 0; j < n; ++j) sys_.pattern_.column_starts[j + 1] += sys_.pattern_.column_starts[j];
    }

    void emit_observables() {
        TapeBuilder builder(resolver(), sys_.jacobian_tape_.end_slot());
        for (const auto& o : model_.observables) {
            const ExprPtr expanded = value_of(o.id);
            sys_.observable_slots_.push_back(builder.emit(expanded));
            sys_.observable_formulas_.push_back({fmt::format("observable '{}'", o.id), o.expression, expanded,
                                                 sys_.observable_slots_.back()});
        }
        sys_.observable_tape_ = builder.finish();
    }

    // ---- events and roots ---------------------------------------------------------------------

    // Comparisons inside rates and rules whose outcome can change during a run: the integrator
    // restarts where they flip instead of stepping across the discontinuity.
    void collect_discontinuities(const ExprPtr& e, std::set<std::pair<ExprPtr, ExprPtr>>& found) {
        if (is_comparison(e->op) || e->op == Op::eq || e->op == Op::ne) {
            bool moves = false;
            for (const std::string& name : models::symbols(e)) {
                const auto it = slot_of_name_.find(name);
                if (it != slot_of_name_.end() && (it->second < sys_.input_slot_begin_ || it->second == sys_.time_slot_)) moves = true;
            }
            if (moves) found.emplace(e->args[0], e->args[1]);
        }
        for (const auto& a : e->args) collect_discontinuities(a, found);
    }

    void emit_roots_and_events() {
        // Root functions go on their own tape (CVODE evaluates them every step); the event tape
        // follows it with triggers, delays, priorities, assignment values and the atoms' direct
        // values. Atom k uses root function k: both walks visit comparisons in the same order.
        TapeBuilder roots(resolver(), sys_.observable_tape_.end_slot());
        std::vector<ExprPtr> triggers;
        std::vector<const models::Event*> sources;
        for (const auto& e : model_.events) {
            triggers.push_back(expand(e.trigger));
            sources.push_back(&e);
        }
        std::vector<std::pair<ExprPtr, ExprPtr>> atom_sides;
        for (const auto& t : triggers) collect_atom_sides(t, atom_sides);
        for (const auto& [a, b] : atom_sides) sys_.root_slots_.push_back(roots.emit(models::make(Op::sub, {a, b})));
        std::set<std::pair<ExprPtr, ExprPtr>> discontinuities;
        for (const auto& e : rates_) collect_discontinuities(e, discontinuities);
        for (const auto& e : term_expressions_) collect_discontinuities(e, discontinuities);
        for (const auto& [a, b] : discontinuities) sys_.root_slots_.push_back(roots.emit(models::make(Op::sub, {a, b})));
        sys_.root_tape_ = roots.finish();

        TapeBuilder events(resolver(), sys_.root_tape_.end_slot());
        std::size_t next_atom = 0;
        for (std::size_t i = 0; i < triggers.size(); ++i) {
            const models::Event& source = *sources[i];
            CompiledEvent ce;
            ce.id = source.id;
            ce.trigger = events.emit(atomize_with_roots(triggers[i], events, next_atom));
            if (source.delay) ce.delay = events.emit(expand(source.delay));
            if (source.priority) ce.priority = events.emit(expand(source.priority));
            ce.initial_value = source.initial_value;
            ce.persistent = source.persistent;
            ce.use_values_from_trigger_time = source.use_values_from_trigger_time;
            for (const auto& a : source.assignments) ce.assignments.push_back(compile_assignment(a, events));
            sys_.events_.push_back(std::move(ce));
        }
        sys_.event_tape_ = events.finish();
    }

    // Comparisons of a trigger, in the order atomize_with_roots meets them.
    void collect_atom_sides(const ExprPtr& e, std::vector<std::pair<ExprPtr, ExprPtr>>& sides) {
        if (is_comparison(e->op)) {
            sides.emplace_back(e->args[0], e->args[1]);
            return;
        }
        for (const auto& a : e->args) collect_atom_sides(a, sides);
    }

    // Replaces each comparison of a trigger by an atom the event driver keeps (see TriggerAtom);
    // the same walk as collect_atom_sides, so atom k uses root function k.
    ExprPtr atomize_with_roots(const ExprPtr& e, TapeBuilder& events, std::size_t& next_atom) {
        if (is_comparison(e->op)) {
            const std::size_t k = next_atom++;
            TriggerAtom atom;
            atom.slot = slot_of_name_.at(atom_name(k));
            atom.direct = events.emit(e);
            atom.root = static_cast<int>(k);
            atom.true_above = e->op == Op::gt || e->op == Op::ge;
            sys_.atoms_.push_back(atom);
            return models::symbol(atom_name(k));
        }
        if (e->args.empty()) return e;
        std::vector<ExprPtr> args;
        for (const auto& a : e->args) args.push_back(atomize_with_roots(a, events, next_atom));
        return models::make(e->op, std::move(args));
    }

    CompiledEventAssignment compile_assignment(const models::EventAssignment& a, TapeBuilder& events) {
        const std::string& id = id_of(a.variable);
        const EntityPlan& p = plans_.at(id);
        if (p.role != Role::state)
            throw std::invalid_argument(fmt::format("compile: event assigns '{}', which is not a varying quantity", id));
        CompiledEventAssignment out;
        out.state = p.position;
        out.value = events.emit(expand(a.expression));
        if (p.kind == EntityKind::species && p.holds_amount != p.stands_for_amount) {
            out.volume = events.emit(value_of(model_.compartments.at(model_.species[p.index].compartment).id));
            out.multiply_by_volume = p.holds_amount;
        }
        if (p.kind == EntityKind::compartment)
            for (const auto& [other, plan] : plans_)
                if (plan.kind == EntityKind::species && plan.role == Role::state && !plan.holds_amount &&
                    model_.species[plan.index].compartment == p.index)
                    out.concentration_states.push_back(plan.position);
        std::sort(out.concentration_states.begin(), out.concentration_states.end());
        return out;
    }

    // ---- initial values ---------------------------------------------------------------------------

    void emit_initial_values() {
        TapeBuilder builder(resolver(), sys_.event_tape_.end_slot());
        for (std::size_t i = 0; i < sys_.state_ids_.size(); ++i) sys_.initial_state_slots_.push_back(builder.emit(initial_held(sys_.state_ids_[i])));
        for (std::size_t i = 0; i < sys_.input_ids_.size(); ++i) {
            const std::string& id = sys_.input_ids_[i];
            const EntityPlan& p = plans_.at(id);
            if (!initial_assignment_.count(id) && !p.input_needs_initializer) continue;
            sys_.initial_input_slots_.emplace_back(static_cast<int>(i), builder.emit(initial_held(id)));
        }
        sys_.initial_tape_ = builder.finish();
        initial_end_ = sys_.initial_tape_.end_slot();
    }

    // The initial value of a state or input in the unit it holds (a species' amount or
    // concentration), where initial_of gives what the id stands for.
    ExprPtr initial_held(const std::string& id) {
        const EntityPlan& p = plans_.at(id);
        if (p.kind != EntityKind::species || p.holds_amount == p.stands_for_amount) return initial_of(id);
        const auto& s = model_.species[p.index];
        // Without an initial assignment, convert the declared number directly (no round trip).
        if (!initial_assignment_.count(id) && s.initial_is_amount == p.holds_amount) return models::number(s.initial_nm);
        const ExprPtr volume = initial_of(model_.compartments.at(s.compartment).id);
        return models::make(p.holds_amount ? Op::mul : Op::div, {initial_of(id), volume});
    }

    void compute_defaults() {
        // The input initializers read only inputs that have none, so one pass suffices.
        sys_.initial_values(sys_.default_inputs_, sys_.default_state_, 0.0);
    }

    const models::Model& model_;
    OdeSystem sys_;
    std::unordered_map<std::string, ExprPtr> assignment_rule_, rate_rule_, initial_assignment_;
    std::unordered_set<std::string> event_target_;
    std::unordered_map<std::string, EntityPlan> plans_;
    std::unordered_map<std::string, std::vector<const models::Effect*>> effect_terms_;
    std::unordered_map<std::string, Slot> slot_of_name_;
    std::unordered_map<std::string, ExprPtr> value_memo_, initial_memo_;
    std::unordered_set<std::string> in_progress_, initial_in_progress_;
    std::vector<ExprPtr> rates_, term_expressions_;
    std::vector<std::vector<std::pair<Slot, int>>> terms_of_state_;
    std::map<long, std::vector<std::pair<int, int>>> users_of_expression_;  // expression key -> (state, coefficient)
    Slot first_private_ = 0, initial_end_ = 0;
};

OdeSystem compile(const models::Network& network) { return Compiler(network).run(); }

}  // namespace ntsim::solver
