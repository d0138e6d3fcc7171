// Rules, initial assignments and events in JSON model files: each names its variable and gives
// expressions over the model's ids, checked the way reaction rates are.
#include "models/json_dynamics.hpp"

#include <map>

#include <fmt/format.h>

namespace ntsim::models {

namespace {

class DynamicsReader {
public:
    explicit DynamicsReader(Model& model) : model_(model) {}

    void read(const JsonReader& root) {
        read_rules(root, "assignment_rules", model_.assignment_rules);
        read_rules(root, "rate_rules", model_.rate_rules);
        read_rules(root, "initial_assignments", model_.initial_assignments);
        if (auto list = root.optional("events")) read_events(*list);
    }

private:
    void read_rules(const JsonReader& root, const char* section, std::vector<Rule>& out) {
        const auto list = root.optional(section);
        if (!list || !list->require_array()) return;
        const bool changes_over_time = std::string(section) != "initial_assignments";
        for (std::size_t i = 0; i < list->size(); ++i) {
            const JsonReader e = list->at(i);
            if (!e.require_object()) continue;
            e.check_keys({"variable", "expression", "notes"});
            const auto variable = read_variable(e.at("variable"), changes_over_time);
            const ExprPtr expression = read_expression(e.at("expression"));
            if (changes_over_time && variable) claim(e.at("variable"), *variable, section);
            if (variable && expression) out.push_back({*variable, expression, {e.file(), e.pointer()}});
        }
    }

    void read_events(const JsonReader& list) {
        if (!list.require_array()) return;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const JsonReader e = list.at(i);
            if (!e.require_object()) continue;
            e.check_keys({"id", "trigger", "initial_value", "persistent", "delay", "priority",
                          "use_values_from_trigger_time", "assignments", "notes"});
            Event event;
            event.id = e.at("id").string();
            event.origin = {e.file(), e.pointer()};
            if (!e.at("id").has_failed()) check_event_id(e.at("id"), event.id);
            event.trigger = read_expression(e.at("trigger"));
            if (auto v = e.optional("initial_value")) event.initial_value = v->boolean();
            if (auto v = e.optional("persistent")) event.persistent = v->boolean();
            if (auto v = e.optional("use_values_from_trigger_time")) event.use_values_from_trigger_time = v->boolean();
            if (auto d = e.optional("delay")) event.delay = read_expression(*d);
            if (auto p = e.optional("priority")) event.priority = read_expression(*p);
            const JsonReader assignments = e.at("assignments");
            if (assignments.require_array()) {
                for (std::size_t k = 0; k < assignments.size(); ++k) {
                    const JsonReader a = assignments.at(k);
                    if (!a.require_object()) continue;
                    a.check_keys({"variable", "expression"});
                    const auto variable = read_variable(a.at("variable"), true);
                    const ExprPtr expression = read_expression(a.at("expression"));
                    if (variable && expression) event.assignments.push_back({*variable, expression});
                }
            }
            if (!e.has_failed()) model_.events.push_back(std::move(event));
        }
    }

    void check_event_id(const JsonReader& entry, const std::string& id) {
        if (!is_identifier(id)) entry.fail(fmt::format("'{}' is not a valid id (letters, digits and '_', not starting with a digit)", id));
        else if (const auto [it, fresh] = event_ids_.emplace(id, entry.pointer()); !fresh)
            entry.fail(fmt::format("duplicate event id '{}': already declared at {}", id, it->second));
    }

    // A compartment, species or parameter; one that changes over time must not be constant.
    std::optional<EntityRef> read_variable(const JsonReader& entry, bool changes_over_time) {
        const std::string id = entry.string();
        if (entry.has_failed()) return std::nullopt;
        const auto it = model_.ids.find(id);
        if (it == model_.ids.end() || it->second.kind == EntityKind::reaction || it->second.kind == EntityKind::observable) {
            entry.fail(fmt::format("'{}' is not a compartment, species or parameter; known: {}", id, known_list(variable_ids(), id)));
            return std::nullopt;
        }
        if (changes_over_time && is_constant(it->second))
            entry.fail(fmt::format("{} '{}' is constant; declare it with \"constant\": false to let rules and events change it",
                                   to_string(it->second.kind), id));
        return it->second;
    }

    // SBML's rule: one rule per variable at most, and none for a variable reactions change.
    void claim(const JsonReader& entry, const EntityRef& variable, const char* section) {
        const std::string& id = model_.id_of(variable);
        const auto [it, fresh] = ruled_.emplace(id, entry.pointer());
        if (!fresh) entry.fail(fmt::format("'{}' already has a rule at {}", id, it->second));
        else if (std::string(section) == "assignment_rules" || std::string(section) == "rate_rules")
            if (variable.kind == EntityKind::species && changed_by_reactions(variable.index) && !model_.species[variable.index].boundary)
                entry.fail(fmt::format("species '{}' is changed by reactions; a rule for it needs \"boundary\": true", id));
    }

    bool changed_by_reactions(int species) const {
        for (const auto& r : model_.reactions)
            for (const auto* refs : {&r.reactants, &r.products})
                for (const auto& ref : *refs)
                    if (ref.species == species) return true;
        return false;
    }

    bool is_constant(const EntityRef& ref) const {
        switch (ref.kind) {
            case EntityKind::compartment: return model_.compartments[ref.index].constant;
            case EntityKind::species: return model_.species[ref.index].constant;
            case EntityKind::parameter: return model_.parameters[ref.index].constant;
            default: return false;
        }
    }

    // Text -> expression whose every name is declared (reaction ids stand for their rates, as in
    // SBML; rateOf(x) needs x declared).
    ExprPtr read_expression(const JsonReader& entry) {
        const std::string text = entry.string();
        if (entry.has_failed()) return nullptr;
        ExprPtr e;
        try {
            e = parse_expression(text);
        } catch (const ExpressionError& error) {
            entry.fail(fmt::format("cannot parse expression: {}", error.what()));
            return nullptr;
        }
        for (const std::string& name : symbols(e)) {
            const std::string id = rate_of_target(name).value_or(name);
            if (id == "time" || model_.ids.count(id)) continue;
            std::vector<std::string> known;
            for (const auto& [k, ref] : model_.ids) known.push_back(k);
            entry.fail(fmt::format("unknown name '{}' in expression; known: {}", id, known_list(known, id)));
            return nullptr;
        }
        return e;
    }

    std::vector<std::string> variable_ids() const {
        std::vector<std::string> ids;
        for (const auto& [id, ref] : model_.ids)
            if (ref.kind != EntityKind::reaction && ref.kind != EntityKind::observable) ids.push_back(id);
        return ids;
    }

    Model& model_;
    std::map<std::string, std::string> event_ids_, ruled_;  // id -> JSON pointer of its entry
};

}  // namespace

void read_dynamics(const std::vector<JsonReader>& roots, Model& model) {
    DynamicsReader reader(model);
    for (const auto& root : roots) reader.read(root);
}

}  // namespace ntsim::models
