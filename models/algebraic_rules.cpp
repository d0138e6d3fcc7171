// Solving linear algebraic rules: find which variable each rule determines (one not constant,
// not changed by reactions and without another rule), eliminate in turn, then write the
// solutions as assignment rules.
#include "models/algebraic_rules.hpp"

#include <set>
#include <unordered_map>

namespace ntsim::models {

namespace {

// Ids whose value something other than an algebraic rule already fixes.
std::set<std::string> determined_ids(const Model& model) {
    std::set<std::string> fixed;
    for (const auto& c : model.compartments)
        if (c.constant) fixed.insert(c.id);
    for (const auto& p : model.parameters)
        if (p.constant) fixed.insert(p.id);
    for (const auto& s : model.species)
        if (s.constant) fixed.insert(s.id);
    for (const auto& r : model.reactions)
        for (const auto* refs : {&r.reactants, &r.products})
            for (const auto& ref : *refs)
                if (!model.species[ref.species].boundary) fixed.insert(model.species[ref.species].id);
    auto id_of = [&](const EntityRef& ref) -> std::string {
        switch (ref.kind) {
            case EntityKind::compartment: return model.compartments[ref.index].id;
            case EntityKind::species: return model.species[ref.index].id;
            case EntityKind::parameter: return model.parameters[ref.index].id;
            default: return "";
        }
    };
    for (const auto* rules : {&model.assignment_rules, &model.rate_rules})
        for (const auto& r : *rules) fixed.insert(id_of(r.variable));
    // An event target changes only when the event says so; a rule cannot hold it at all times.
    for (const auto& e : model.events)
        for (const auto& a : e.assignments) fixed.insert(id_of(a.variable));
    return fixed;
}

// The variables of `e` a rule may determine, in order of appearance in the id table.
std::vector<std::string> candidates(const Model& model, const ExprPtr& e, const std::set<std::string>& fixed) {
    std::vector<std::string> out;
    for (const std::string& name : symbols(e)) {
        const auto it = model.ids.find(name);
        if (it == model.ids.end() || fixed.count(name)) continue;
        const EntityKind kind = it->second.kind;
        if (kind == EntityKind::compartment || kind == EntityKind::species || kind == EntityKind::parameter) out.push_back(name);
    }
    return out;
}

// x with f linear in x: f = a*x + b, so x = -b/a; nothing if f is not linear in x.
ExprPtr solve_linear(const ExprPtr& f, const std::string& x) {
    const ExprPtr a = differentiate(f, x);
    if (is_number(a, 0.0) || symbols(a).count(x)) return nullptr;
    const ExprPtr b = substitute(f, [&](const std::string& name) -> ExprPtr { return name == x ? number(0.0) : nullptr; });
    return make(Op::neg, {make(Op::div, {b, a})});
}

ExprPtr replace(const ExprPtr& e, const std::string& x, const ExprPtr& value) {
    return substitute(e, [&](const std::string& name) -> ExprPtr { return name == x ? value : nullptr; });
}

}  // namespace

std::vector<AlgebraicRule> solve_algebraic_rules(Model& model, std::vector<AlgebraicRule> rules) {
    std::set<std::string> fixed = determined_ids(model);
    std::vector<std::pair<std::string, ExprPtr>> solved;  // in elimination order
    std::vector<Origin> solved_origin;
    bool progress = true;
    while (progress && !rules.empty()) {
        progress = false;
        // A rule with a single candidate first; otherwise eliminate any linear candidate.
        for (int pass = 0; pass < 2 && !progress; ++pass) {
            for (std::size_t i = 0; i < rules.size() && !progress; ++i) {
                const auto names = candidates(model, rules[i].expression, fixed);
                if (names.empty() || (pass == 0 && names.size() != 1)) continue;
                for (const std::string& x : names) {
                    const ExprPtr value = solve_linear(rules[i].expression, x);
                    if (!value) continue;
                    for (auto& other : rules) other.expression = replace(other.expression, x, value);
                    for (auto& [id, earlier] : solved) earlier = replace(earlier, x, value);
                    solved.emplace_back(x, value);
                    solved_origin.push_back(rules[i].origin);
                    fixed.insert(x);
                    rules.erase(rules.begin() + static_cast<std::ptrdiff_t>(i));
                    progress = true;
                    break;
                }
            }
        }
    }
    for (std::size_t k = 0; k < solved.size(); ++k)
        model.assignment_rules.push_back({model.ids.at(solved[k].first), solved[k].second, solved_origin[k]});
    return rules;
}

}  // namespace ntsim::models
