// Model -> JSON: one writer per section, keys in the order docs/model-format.md lists them and
// optional keys only where they differ from their defaults, so a converted file stays readable.
#include "models/json_export.hpp"

#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/load.hpp"
#include "models/units.hpp"

namespace ntsim::models {

namespace {

using Json = nlohmann::ordered_json;

// Units the writer states for internal values of a model in internal units.
constexpr const char* concentration_unit = "nM";
constexpr const char* amount_unit = "nmol";
constexpr const char* volume_unit = "L";

class JsonWriter {
public:
    explicit JsonWriter(const Model& model) : model_(model), as_written_(!model.internal_units) {}

    Json run() {
        refuse_compounds();
        Json out;
        out["name"] = model_.name;
        if (!model_.description.empty()) out["description"] = model_.description;
        if (as_written_) out["units"] = "as_written";
        out["compartments"] = list(model_.compartments, [&](const Compartment& c) { return compartment(c); });
        out["species"] = list(model_.species, [&](const Species& s) { return species(s); });
        out["parameters"] = list(model_.parameters, [&](const Parameter& p) { return parameter(p); });
        out["reactions"] = list(model_.reactions, [&](const Reaction& r) { return reaction(r); });
        if (!model_.observables.empty())
            out["observables"] = list(model_.observables, [&](const Observable& o) { return observable(o); });
        for (const auto& [key, rules] : {std::pair{"assignment_rules", &model_.assignment_rules}, std::pair{"rate_rules", &model_.rate_rules},
                                         std::pair{"initial_assignments", &model_.initial_assignments}})
            if (!rules->empty()) out[key] = list(*rules, [&](const Rule& r) { return rule(r); });
        if (!model_.events.empty()) out["events"] = list(model_.events, [&](const Event& e) { return event(e); });
        if (!problems_.empty()) throw ModelError(problems_);
        return out;
    }

private:
    template <class Entity, class F> static Json list(const std::vector<Entity>& entities, F&& write) {
        Json out = Json::array();
        for (const auto& e : entities) out.push_back(write(e));
        return out;
    }

    void refuse(const std::string& where, const std::string& problem) {
        problems_.push_back({model_.files.empty() ? model_.name : model_.files.front(), where, problem});
    }

    void refuse_compounds() {
        for (const auto& c : model_.compounds)
            refuse(fmt::format("compound '{}'", c.id),
                   "a compound has no place in a JSON model file (it lives in its own compound file); convert the pathway model alone");
    }

    // NaN is an unset value (null); an infinite one has no JSON number.
    Json value(double v, const std::string& where) {
        if (std::isnan(v)) return nullptr;
        if (std::isinf(v)) refuse(where, "an infinite value has no place in a JSON model file (JSON has no infinite numbers)");
        return v;
    }

    static void name(Json& out, const std::string& id, const std::string& name) {
        if (name != id && !name.empty()) out["name"] = name;
    }

    Json compartment(const Compartment& c) {
        Json out;
        out["id"] = c.id;
        name(out, c.id, c.name);
        out["size"] = value(c.size_l, fmt::format("compartment '{}'", c.id));
        if (!as_written_) out["unit"] = volume_unit;
        if (c.spatial_dimensions != 3) out["spatial_dimensions"] = c.spatial_dimensions;
        if (!c.constant) out["constant"] = false;
        return out;
    }

    Json species(const Species& s) {
        Json out;
        out["id"] = s.id;
        name(out, s.id, s.name);
        out["compartment"] = model_.compartments.at(s.compartment).id;
        out[s.initial_is_amount ? "initial_amount" : "initial"] = value(s.initial_nm, fmt::format("species '{}'", s.id));
        if (!as_written_) out["unit"] = s.initial_is_amount ? amount_unit : concentration_unit;
        if (s.constant) out["constant"] = true;
        if (s.boundary) out["boundary"] = true;
        if (s.only_substance_units) out["has_only_substance_units"] = true;
        if (s.conversion_factor >= 0) out["conversion_factor"] = model_.parameters.at(s.conversion_factor).id;
        return out;
    }

    Json parameter(const Parameter& p) {
        Json out;
        out["id"] = p.id;
        name(out, p.id, p.name);
        const std::string where = fmt::format("parameter '{}'", p.id);
        if (as_written_) {
            out["value"] = value(p.value, where);
        } else {
            // Back in the unit the modeller wrote, so the file reads as theirs.
            out["value"] = value(p.value / parse_unit(p.unit).to_internal, where);
            out["unit"] = p.unit;
        }
        if (!p.constant) out["constant"] = false;
        out["source"] = p.source;
        return out;
    }

    Json species_ref(const SpeciesRef& ref) const {
        const std::string& id = model_.species.at(ref.species).id;
        if (!ref.stoichiometry_expression && ref.stoichiometry == 1.0) return id;
        Json out;
        out["species"] = id;
        if (ref.stoichiometry_expression) out["stoichiometry"] = to_string(ref.stoichiometry_expression);
        else out["stoichiometry"] = ref.stoichiometry;
        return out;
    }

    Json reaction(const Reaction& r) {
        Json out;
        out["id"] = r.id;
        name(out, r.id, r.name);
        if (!r.reactants.empty()) out["reactants"] = list(r.reactants, [&](const SpeciesRef& s) { return species_ref(s); });
        if (!r.products.empty()) out["products"] = list(r.products, [&](const SpeciesRef& s) { return species_ref(s); });
        if (!r.modifiers.empty())
            out["modifiers"] = list(r.modifiers, [&](const Modifier& m) {
                return Json{{"species", model_.species.at(m.species).id}, {"role", to_string(m.role)}};
            });
        out["rate"] = Json{{"type", r.rate_is_extent ? "extent" : "expression"}, {"expression", to_string(r.rate)}};
        return out;
    }

    static Json observable(const Observable& o) {
        Json out;
        out["id"] = o.id;
        name(out, o.id, o.name);
        out["expression"] = to_string(o.expression);
        return out;
    }

    Json rule(const Rule& r) const { return Json{{"variable", model_.id_of(r.variable)}, {"expression", to_string(r.expression)}}; }

    Json event(const Event& e) const {
        Json out;
        out["id"] = e.id;
        out["trigger"] = to_string(e.trigger);
        if (!e.initial_value) out["initial_value"] = false;
        if (!e.persistent) out["persistent"] = false;
        if (e.delay) out["delay"] = to_string(e.delay);
        if (e.priority) out["priority"] = to_string(e.priority);
        if (!e.use_values_from_trigger_time) out["use_values_from_trigger_time"] = false;
        out["assignments"] = list(e.assignments, [&](const EventAssignment& a) {
            return Json{{"variable", model_.id_of(a.variable)}, {"expression", to_string(a.expression)}};
        });
        return out;
    }

    const Model& model_;
    bool as_written_;
    std::vector<LoadProblem> problems_;
};

}  // namespace

std::string to_json_text(const Model& model) { return JsonWriter(model).run().dump(2) + "\n"; }

void write_json(const Model& model, const std::filesystem::path& file) {
    const std::string text = to_json_text(model);
    std::ofstream out(file);
    if (!out) throw std::invalid_argument(fmt::format("cannot write '{}'", file.string()));
    out << text;
    if (!out) throw std::runtime_error(fmt::format("writing '{}' failed", file.string()));
}

}  // namespace ntsim::models
