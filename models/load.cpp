// JSON model files -> validated Model. Two passes over all files of an include tree: first every
// declaration (compartments, species, parameters), then what refers to them (reactions,
// observables), so modules can use each other's species regardless of include order.
#include "models/load.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/json_dynamics.hpp"
#include "models/json_export.hpp"
#include "models/json_reader.hpp"
#include "models/limits.hpp"
#include "models/sbml_import.hpp"

namespace ntsim::models {

namespace fs = std::filesystem;
using nlohmann::json;

ModelError::ModelError(std::vector<LoadProblem> problems)
    : std::runtime_error([&] {
          std::string text;
          for (const auto& p : problems) {
              if (!text.empty()) text += '\n';
              text += p.pointer.empty() ? fmt::format("{}: {}", p.file, p.message)
                                        : fmt::format("{}: {}: {}", p.file, p.pointer, p.message);
          }
          return text;
      }()),
      problems_(std::move(problems)) {}

void limits::check_model_size(const std::string& file, std::size_t species, std::size_t entities) {
    if (species > max_species)
        throw ModelError({{file, "", fmt::format("{} species, more than the limit of {}", species, max_species)}});
    if (entities > max_entities)
        throw ModelError({{file, "", fmt::format("{} entities (compartments, species, parameters, reactions, observables, "
                                                 "rules, events), more than the limit of {}", entities, max_entities)}});
}

namespace {

constexpr const char* implicit_compartment = "cell";
constexpr double implicit_compartment_litres = 1e-12;  // 1 pL, about a neuronal soma
constexpr std::size_t max_include_depth = 64;

struct SourceFile {
    std::string name;      // as shown in messages
    fs::path path;         // for resolving includes
    json document;
    std::string module;
    bool as_written = false;  // "units": "as_written": numbers carry no unit and are not converted
};

// Loads the include tree depth first; included files come before the file including them.
class IncludeLoader {
public:
    explicit IncludeLoader(Problems& problems) : problems_(problems) {}

    void load_file(const fs::path& path, const std::string& shown_name) {
        if (is_loaded(path)) return;
        add_document(is_sbml_file(path) ? sbml_as_json(path) : read_json_file(problems_, path, shown_name), path, shown_name);
    }

    void add(const std::string& text, const fs::path& path, const std::string& shown_name) {
        add_document(parse_json_text(problems_, text, shown_name), path, shown_name);
    }

private:
    // An SBML file joins a JSON model (e.g. a scenario's compounds) as its JSON conversion, so
    // both go through one builder; its problems are reported by the SBML importer first.
    static json sbml_as_json(const fs::path& path) { return json::parse(to_json_text(load_sbml(path))); }

    bool is_loaded(const fs::path& path) const {
        const std::string key = canonical_key(path);
        return seen_.count(key) && std::find(stack_.begin(), stack_.end(), key) == stack_.end();
    }

    void add_document(json document, const fs::path& path, const std::string& shown_name) {
        const std::string key = canonical_key(path);
        if (std::find(stack_.begin(), stack_.end(), key) != stack_.end()) {
            std::string chain;
            for (const auto& f : stack_names_) chain += f + " -> ";
            problems_.fail(stack_names_.back(), include_pointer_, fmt::format("include cycle: {}{}", chain, shown_name));
        }
        if (!seen_.insert(key).second) return;  // a diamond: already loaded
        if (stack_.size() > max_include_depth) problems_.fail(shown_name, "", "includes nested too deeply");

        const JsonReader root(problems_, shown_name, document, "");
        root.require_object();
        root.check_keys({"name", "description", "module", "include", "notes", "units", "compartments", "species",
                         "parameters", "reactions", "observables", "assignment_rules", "rate_rules",
                         "initial_assignments", "events", "compound"});
        const bool as_written = read_unit_system(root);
        problems_.throw_if_any();

        stack_.push_back(key);
        stack_names_.push_back(shown_name);
        if (auto includes = root.optional("include")) {
            includes->require_array();
            problems_.throw_if_any();
            for (std::size_t i = 0; i < includes->size(); ++i) {
                const JsonReader entry = includes->at(i);
                const std::string relative = entry.string();
                problems_.throw_if_any();
                const fs::path target = path.parent_path() / relative;
                const std::string target_name = (fs::path(shown_name).parent_path() / relative).lexically_normal().string();
                include_pointer_ = entry.pointer();
                // Not a regular file: see limits::max_file_bytes.
                const std::string problem = !fs::exists(target) ? fmt::format("not found (looked for {})", target.string())
                                            : !fs::is_regular_file(target) ? fmt::format("is not a regular file ({})", target.string())
                                                                           : std::string();
                if (!problem.empty()) {
                    // Name the chain (as for a cycle) when this file was itself included: the fix may be upstream.
                    std::string chain;
                    for (const auto& f : stack_names_) chain += (chain.empty() ? "" : " -> ") + f;
                    problems_.fail(shown_name, entry.pointer(),
                                   fmt::format("included file '{}' {}{}", relative, problem,
                                               stack_names_.size() > 1 ? "; include chain: " + chain : ""));
                }
                load_file(target, target_name);
            }
        }
        stack_.pop_back();
        stack_names_.pop_back();

        std::string module = fs::path(shown_name).stem().string();
        if (auto m = root.optional("module")) module = m->string();
        files_.push_back({shown_name, path, std::move(document), module, as_written});
    }

    bool read_unit_system(const JsonReader& root) {
        const auto units = root.optional("units");
        if (!units) return false;
        const std::string system = units->string();
        if (system != "ntsim" && system != "as_written" && !units->has_failed())
            units->fail(fmt::format("unknown unit system '{}'; allowed: ntsim (numbers with units, converted), "
                                    "as_written (plain numbers in the model's own units, as in SBML)", system));
        return system == "as_written";
    }

public:
    std::vector<SourceFile>& files() { return files_; }

private:
    static std::string canonical_key(const fs::path& path) {
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(path, ec);
        return ec ? path.lexically_normal().string() : canonical.string();
    }

    Problems& problems_;
    std::vector<std::string> stack_, stack_names_;
    std::set<std::string> seen_;
    std::string include_pointer_;
    std::vector<SourceFile> files_;
};

class ModelBuilder {
public:
    ModelBuilder(Problems& problems, std::vector<SourceFile>& files) : problems_(problems), files_(files) {}

    Model build() {
        check_size();
        model_.files.reserve(files_.size());
        for (auto it = files_.rbegin(); it != files_.rend(); ++it) model_.files.push_back(it->name);
        const SourceFile& top = files_.back();
        const JsonReader top_reader(problems_, top.name, top.document, "");
        if (auto n = top_reader.optional("name")) model_.name = n->string();
        if (auto d = top_reader.optional("description")) model_.description = d->string();
        if (model_.name.empty()) model_.name = top.module;

        for (const auto& f : files_) read_compartments(f);
        for (const auto& f : files_) read_species(f);
        for (const auto& f : files_) read_parameters(f);
        resolve_conversion_factors();
        problems_.throw_if_any();
        for (const auto& f : files_) read_observables(f);
        for (const auto& f : files_) read_reactions(f);
        for (const auto& f : files_) read_compound(f);
        check_rate_constants_non_negative();
        problems_.throw_if_any();
        std::vector<JsonReader> roots;
        for (const auto& f : files_) roots.emplace_back(problems_, f.name, f.document, "");
        read_dynamics(roots, model_);
        problems_.throw_if_any();
        model_.internal_units = std::none_of(files_.begin(), files_.end(), [](const SourceFile& f) { return f.as_written; });
        return std::move(model_);
    }

private:
    void check_size() const {
        std::size_t species = 0, entities = 0;
        for (const auto& f : files_) {
            for (const char* kind : {"compartments", "species", "parameters", "reactions", "observables"}) {
                const auto it = f.document.find(kind);
                if (it == f.document.end() || !it->is_array()) continue;
                entities += it->size();
                if (std::string_view(kind) == "species") species += it->size();
            }
        }
        limits::check_model_size(files_.back().name, species, entities);
    }

    // Registers `id` for the entity about to be appended to its list; reports bad and duplicate ids.
    bool declare(const JsonReader& entry, const std::string& id, EntityKind kind, std::size_t index) {
        // optional(), not at(): a missing id was reported when the entry's id was read.
        const auto id_entry = entry.optional("id");
        if (!id_entry || id_entry->has_failed()) return false;
        if (!is_identifier(id)) {
            entry.at("id").fail(fmt::format("'{}' is not a valid id (letters, digits and '_', not starting with a digit)", id));
            return false;
        }
        if (id == "time") {
            entry.at("id").fail("'time' is reserved for the simulation time");
            return false;
        }
        const auto [it, inserted] = model_.ids.emplace(id, EntityRef{kind, static_cast<int>(index)});
        if (!inserted) {
            const Origin& first = origin_of(it->second);
            entry.at("id").fail(fmt::format("duplicate id '{}': already declared as a {} at {}: {}", id,
                                            to_string(it->second.kind), first.file, first.pointer));
            return false;
        }
        return true;
    }

    // The keys of an entry; in an as_written file a `unit` would silently not convert, so it is refused.
    static void check_keys(const SourceFile& f, const JsonReader& e, const std::vector<const char*>& allowed) {
        e.check_keys(allowed);
        if (f.as_written && e.optional("unit"))
            e.at("unit").fail("this file's numbers are used as written (\"units\": \"as_written\"), so a unit would not be "
                              "converted; remove 'unit', or drop \"units\": \"as_written\" to give every number a unit");
    }

    // A value in the file's unit system: converted from its `unit` to internal units, or, in an
    // as_written file, taken as it is (null: unset; an initial assignment or rule gives it).
    static double number_in(const SourceFile& f, const JsonReader& e, const char* key, const Dimension& dimension) {
        if (!f.as_written) return e.quantity(key, "unit", dimension);
        const JsonReader v = e.at(key);
        return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.number();
    }

    // `initial` (a concentration) or `initial_amount`, exactly one.
    static void read_initial_value(const SourceFile& f, const JsonReader& e, Species& s) {
        const auto amount = e.optional("initial_amount");
        if (amount && e.optional("initial")) {
            e.fail("give either 'initial' (a concentration) or 'initial_amount', not both");
            return;
        }
        s.initial_is_amount = amount.has_value();
        s.as_written = f.as_written;
        s.initial_nm = amount ? number_in(f, e, "initial_amount", Dimension::amount()) : number_in(f, e, "initial", Dimension::concentration());
        if (s.initial_nm < 0 && !f.as_written && !e.has_failed())
            e.at(amount ? "initial_amount" : "initial").fail(fmt::format("initial {} must be >= 0", amount ? "amount" : "concentration"));
    }

    void resolve_conversion_factors() {
        for (const auto& [species, ref] : conversion_factor_of_) {
            const auto s = model_.species_index(species);
            if (!s) continue;  // its declaration failed and was reported
            if (const auto p = model_.parameter_index(ref.id)) model_.species[*s].conversion_factor = *p;
            else problems_.add(ref.file, ref.pointer, fmt::format("unknown parameter '{}'; known: {}", ref.id, known_list(parameter_ids(), ref.id)));
        }
    }

    const Origin& origin_of(const EntityRef& ref) const {
        switch (ref.kind) {
            case EntityKind::compartment: return model_.compartments[ref.index].origin;
            case EntityKind::species: return model_.species[ref.index].origin;
            case EntityKind::parameter: return model_.parameters[ref.index].origin;
            case EntityKind::reaction: return model_.reactions[ref.index].origin;
            case EntityKind::observable: return model_.observables[ref.index].origin;
        }
        return model_.compartments.front().origin;
    }

    void read_compartments(const SourceFile& f) {
        const JsonReader root(problems_, f.name, f.document, "");
        auto list = root.optional("compartments");
        if (!list) return;
        list->require_array();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const JsonReader e = list->at(i);
            if (!e.require_object()) continue;
            check_keys(f, e, {"id", "name", "size", "unit", "constant", "spatial_dimensions", "notes"});
            Compartment c;
            c.id = e.at("id").string();
            c.name = e.optional("name") ? e.at("name").string() : c.id;
            c.size_l = number_in(f, e, "size", Dimension::volume());
            if (c.size_l <= 0 && !f.as_written && !e.has_failed()) e.at("size").fail("compartment size must be > 0");
            if (auto k = e.optional("constant")) c.constant = k->boolean();
            if (auto d = e.optional("spatial_dimensions")) {
                const double dimensions = d->number();
                if (dimensions < 0 || dimensions > 1e6 || dimensions != std::floor(dimensions))
                    d->fail("spatial_dimensions must be a whole number >= 0 (0: a compartment without size)");
                c.spatial_dimensions = static_cast<int>(dimensions);
            }
            c.origin = {f.name, e.pointer()};
            if (declare(e, c.id, EntityKind::compartment, model_.compartments.size())) model_.compartments.push_back(std::move(c));
        }
    }

    void read_species(const SourceFile& f) {
        const JsonReader root(problems_, f.name, f.document, "");
        auto list = root.optional("species");
        if (!list) return;
        list->require_array();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const JsonReader e = list->at(i);
            if (!e.require_object()) continue;
            check_keys(f, e, {"id", "name", "compartment", "initial", "initial_amount", "unit", "constant", "boundary",
                              "has_only_substance_units", "conversion_factor", "notes"});
            Species s;
            s.id = e.at("id").string();
            s.name = e.optional("name") ? e.at("name").string() : s.id;
            s.module = f.module;
            s.origin = {f.name, e.pointer()};
            if (auto c = e.optional("compartment")) {
                const std::string cid = c->string();
                const auto index = model_.compartment_index(cid);
                if (!index) c->fail(fmt::format("unknown compartment '{}'; known: {}", cid, known_list(compartment_ids(), cid)));
                else s.compartment = *index;
            } else {
                s.compartment = implicit_compartment_index(e);
            }
            read_initial_value(f, e, s);
            if (auto c = e.optional("constant")) s.constant = c->boolean();
            if (auto b = e.optional("boundary")) s.boundary = b->boolean();
            if (auto h = e.optional("has_only_substance_units")) s.only_substance_units = h->boolean();
            if (auto c = e.optional("conversion_factor")) conversion_factor_of_[s.id] = {c->string(), c->pointer(), f.name};
            if (declare(e, s.id, EntityKind::species, model_.species.size())) model_.species.push_back(std::move(s));
        }
    }

    int implicit_compartment_index(const JsonReader& e) {
        if (auto index = model_.compartment_index(implicit_compartment)) return *index;
        if (!model_.compartments.empty()) {
            e.fail(fmt::format("species needs a 'compartment'; known: {}", known_list(compartment_ids(), "")));
            return 0;
        }
        model_.ids.emplace(implicit_compartment, EntityRef{EntityKind::compartment, 0});
        model_.compartments.push_back({implicit_compartment, "cell", implicit_compartment_litres, {e.file(), ""}});
        return 0;
    }

    void read_parameters(const SourceFile& f) {
        const JsonReader root(problems_, f.name, f.document, "");
        auto list = root.optional("parameters");
        if (!list) return;
        list->require_array();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const JsonReader e = list->at(i);
            if (!e.require_object()) continue;
            check_keys(f, e, {"id", "name", "value", "unit", "constant", "source", "notes"});
            Parameter p;
            p.id = e.at("id").string();
            p.name = e.optional("name") ? e.at("name").string() : p.id;
            p.module = f.module;
            p.origin = {f.name, e.pointer()};
            p.as_written = f.as_written;
            if (f.as_written) {
                p.value = number_in(f, e, "value", Dimension::none());
            } else {
                const JsonReader unit = e.at("unit");
                p.unit = unit.string();
                try {
                    const Unit u = parse_unit(p.unit);
                    p.dimension = u.dimension;
                    p.value = e.at("value").number() * u.to_internal;
                    if (!std::isfinite(p.value))
                        e.at("value").fail(fmt::format("{} {} is beyond the range of a double in internal units",
                                                       e.at("value").number(), p.unit));
                } catch (const UnitError& error) {
                    if (!e.has_failed()) unit.fail(error.what());
                }
            }
            if (auto c = e.optional("constant")) p.constant = c->boolean();
            const JsonReader source = e.at("source");
            p.source = source.string();
            if (!source.has_failed()) p.source_kind = classify_source(source, p.source);
            if (declare(e, p.id, EntityKind::parameter, model_.parameters.size())) model_.parameters.push_back(std::move(p));
        }
    }

    void read_observables(const SourceFile& f) {
        const JsonReader root(problems_, f.name, f.document, "");
        auto list = root.optional("observables");
        if (!list) return;
        list->require_array();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const JsonReader e = list->at(i);
            if (!e.require_object()) continue;
            e.check_keys({"id", "name", "expression", "notes"});
            Observable o;
            o.id = e.at("id").string();
            o.name = e.optional("name") ? e.at("name").string() : o.id;
            o.module = f.module;
            o.origin = {f.name, e.pointer()};
            const JsonReader text = e.at("expression");
            o.expression = parse_checked(text);
            std::size_t depth = 0;
            if (o.expression) {
                check_symbols(text, o.expression, nullptr);
                depth = check_inlined_depth(text, o.expression);
            }
            if (declare(e, o.id, EntityKind::observable, model_.observables.size())) {
                model_.observables.push_back(std::move(o));
                observable_depth_.push_back(depth);
            }
        }
    }

    void read_reactions(const SourceFile& f) {
        const JsonReader root(problems_, f.name, f.document, "");
        auto list = root.optional("reactions");
        if (!list) return;
        list->require_array();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const JsonReader e = list->at(i);
            if (!e.require_object()) continue;
            e.check_keys({"id", "name", "reactants", "products", "modifiers", "rate", "notes"});
            Reaction r;
            r.id = e.at("id").string();
            r.name = e.optional("name") ? e.at("name").string() : r.id;
            r.module = f.module;
            r.origin = {f.name, e.pointer()};
            if (auto l = e.optional("reactants")) r.reactants = read_species_refs(*l, f.as_written);
            if (auto l = e.optional("products")) r.products = read_species_refs(*l, f.as_written);
            if (auto l = e.optional("modifiers")) r.modifiers = read_modifiers(*l);
            // SBML allows a reaction without species (it changes nothing); an ntsim file means one.
            if (r.reactants.empty() && r.products.empty() && !f.as_written && !e.has_failed())
                e.fail("a reaction needs at least one reactant or product");
            if (!r.reactants.empty()) r.compartment = model_.species[r.reactants[0].species].compartment;
            else if (!r.products.empty()) r.compartment = model_.species[r.products[0].species].compartment;
            if (!e.has_failed()) read_rate_law(e.at("rate"), r);
            if (declare(e, r.id, EntityKind::reaction, model_.reactions.size())) model_.reactions.push_back(std::move(r));
        }
    }

    // A compound file is a model fragment (its PK species and reactions) plus this block: how doses
    // enter and which pathway parameters the compound changes.
    void read_compound(const SourceFile& f) {
        const JsonReader root(problems_, f.name, f.document, "");
        auto block = root.optional("compound");
        if (!block || !block->require_object()) return;
        block->check_keys({"id", "name", "molar_mass", "routes", "effects", "regions", "notes"});
        Compound c;
        c.id = block->at("id").string();
        c.name = block->optional("name") ? block->at("name").string() : c.id;
        c.origin = {f.name, block->pointer()};
        if (!is_identifier(c.id) && !block->at("id").has_failed()) block->at("id").fail(fmt::format("'{}' is not a valid compound id", c.id));
        if (model_.compound_index(c.id)) block->at("id").fail(fmt::format("duplicate compound '{}'", c.id));
        if (auto p = parameter_with_dimension(block->at("molar_mass"), Dimension::mass() / Dimension::amount())) c.molar_mass = *p;

        const JsonReader routes = block->at("routes");
        if (routes.require_object("an object of routes, e.g. {\"oral\": {...}}")) {
            for (const auto& name : routes.keys()) {
                const JsonReader r = routes.at(name.c_str());
                if (!r.require_object()) continue;
                r.check_keys({"species", "volume", "bioavailability"});
                Route route;
                route.name = name;
                if (auto sp = species_by_id(r.at("species"))) route.species = *sp;
                if (auto v = parameter_with_dimension(r.at("volume"), Dimension::volume() / Dimension::mass())) route.volume = *v;
                if (auto b = r.optional("bioavailability"))
                    if (auto p = parameter_with_dimension(*b, Dimension::none())) route.bioavailability = *p;
                c.routes.push_back(route);
            }
        }
        if (auto effects = block->optional("effects")) {
            effects->require_array();
            for (std::size_t i = 0; i < effects->size(); ++i) read_effect(effects->at(i), c.id);
        }
        if (auto regions = block->optional("regions")) read_regional_values(*regions, c);
        model_.compounds.push_back(std::move(c));
    }

    // "regions": {"cortex": [{"parameter": ..., "value": ..., "unit": ..., "source": ...}]}: values of
    // the compound's own parameters that apply in one region only.
    void read_regional_values(const JsonReader& regions, Compound& c) {
        if (!regions.require_object()) return;
        for (const auto& region : regions.keys()) {
            const JsonReader list = regions.at(region.c_str());
            if (!list.require_array()) continue;
            for (std::size_t i = 0; i < list.size(); ++i) {
                const JsonReader e = list.at(i);
                if (!e.require_object()) continue;
                e.check_keys({"parameter", "value", "unit", "source", "notes"});
                RegionalValue v;
                v.region = region;
                v.origin = {e.file(), e.pointer()};
                const JsonReader id = e.at("parameter");
                const std::string name = id.string();
                const auto index = model_.parameter_index(name);
                if (!index) {
                    if (!id.has_failed()) id.fail(fmt::format("unknown parameter '{}'; known: {}", name, known_list(parameter_ids(), name)));
                    continue;
                }
                v.parameter = *index;
                v.value = e.quantity("value", "unit", model_.parameters[*index].dimension);
                const JsonReader source = e.at("source");
                v.source = source.string();
                if (!source.has_failed()) v.source_kind = classify_source(source, v.source);
                c.regional_values.push_back(std::move(v));
            }
        }
    }

    void read_effect(const JsonReader& e, const std::string& compound) {
        if (!e.require_object()) return;
        e.check_keys({"id", "target", "type", "driver", "Emax", "Imax", "EC50", "IC50", "n", "notes"});
        Effect effect;
        effect.id = e.at("id").string();
        effect.compound = compound;
        effect.origin = {e.file(), e.pointer()};
        const JsonReader target = e.at("target");
        const std::string target_id = target.string();
        if (auto p = model_.parameter_index(target_id)) effect.target = *p;
        else if (!target.has_failed())
            target.fail(fmt::format("unknown target parameter '{}'; known: {}", target_id, known_list(parameter_ids(), target_id)));
        const auto driver = species_by_id(e.at("driver"));
        if (driver) effect.driver = *driver;

        const JsonReader type = e.at("type");
        const std::string kind = type.string();
        const bool inhibit = kind == "inhibit";
        if (kind == "scale") effect.kind = EffectKind::scale;
        else if (inhibit) effect.kind = EffectKind::inhibit;
        else if (kind == "add") effect.kind = EffectKind::add;
        else if (!type.has_failed()) {
            type.fail(fmt::format("unknown effect type '{}'; allowed: scale, inhibit, add", kind));
            return;
        }
        const char* potency_key = inhibit ? "IC50" : "EC50";
        const auto potency = parameter_with_dimension(e.at(potency_key), Dimension::concentration());
        std::optional<int> hill;
        if (auto n = e.optional("n")) hill = parameter_with_dimension(*n, Dimension::none());
        std::optional<int> efficacy;
        if (inhibit) {
            if (auto imax = e.optional("Imax")) efficacy = parameter_with_dimension(*imax, Dimension::none());
        } else {
            // Emax of 'add' carries the target's unit; of 'scale' it is a fraction.
            const Dimension wanted = kind == "add" && effect.target < static_cast<int>(model_.parameters.size())
                                         ? model_.parameters[effect.target].dimension : Dimension::none();
            efficacy = parameter_with_dimension(e.at("Emax"), wanted);
        }
        if (!driver || !potency || e.has_failed()) return;

        const ExprPtr c = symbol(model_.species[effect.driver].id);
        const ExprPtr n = hill ? symbol(model_.parameters[*hill].id) : number(1.0);
        const ExprPtr cn = make(Op::pow, {c, n});
        const ExprPtr occupancy = make(Op::div, {cn, make(Op::add, {make(Op::pow, {symbol(model_.parameters[*potency].id), n}), cn})});
        const ExprPtr scaled = make(Op::mul, {efficacy ? symbol(model_.parameters[*efficacy].id) : number(1.0), occupancy});
        switch (effect.kind) {
            case EffectKind::scale: effect.term = make(Op::add, {number(1.0), scaled}); break;
            case EffectKind::inhibit: effect.term = make(Op::sub, {number(1.0), scaled}); break;
            case EffectKind::add: effect.term = scaled; break;
        }
        model_.effects.push_back(std::move(effect));
    }

    // A parameter reference (by id) whose unit must have `dimension`.
    std::optional<int> parameter_with_dimension(const JsonReader& entry, const Dimension& dimension) {
        const std::string id = entry.string();
        if (entry.has_failed()) return std::nullopt;
        const auto index = model_.parameter_index(id);
        if (!index) {
            entry.fail(fmt::format("unknown parameter '{}'; known: {}", id, known_list(parameter_ids(), id)));
            return std::nullopt;
        }
        const Parameter& p = model_.parameters[*index];
        if (!(p.dimension == dimension)) {
            entry.fail(fmt::format("parameter '{}' has unit '{}' ({}), but this place needs {}", id, p.unit,
                                   to_string(p.dimension), to_string(dimension)));
            return std::nullopt;
        }
        return index;
    }

    // A stoichiometry is a number, or an expression (text) for one that rules or events change;
    // as_written files keep SBML's freedom of zero or negative numbers.
    std::vector<SpeciesRef> read_species_refs(const JsonReader& list, bool as_written) {
        std::vector<SpeciesRef> refs;
        if (!list.require_array()) return refs;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const JsonReader e = list.at(i);
            SpeciesRef ref;
            std::optional<int> index;
            if (e.is_string()) {
                index = species_by_id(e);
            } else if (e.require_object("a species id or {\"species\": ..., \"stoichiometry\": ...}")) {
                e.check_keys({"species", "stoichiometry"});
                index = species_by_id(e.at("species"));
                if (auto s = e.optional("stoichiometry"); s && s->is_string()) {
                    ref.stoichiometry_expression = parse_checked(*s);
                    if (ref.stoichiometry_expression) check_symbols(*s, ref.stoichiometry_expression, nullptr);
                } else if (s) {
                    ref.stoichiometry = s->number();
                    if (ref.stoichiometry <= 0 && !as_written && !s->has_failed()) s->fail("stoichiometry must be > 0");
                }
            }
            if (index) {
                ref.species = *index;
                refs.push_back(ref);
            }
        }
        return refs;
    }

    std::vector<Modifier> read_modifiers(const JsonReader& list) {
        std::vector<Modifier> modifiers;
        if (!list.require_array()) return modifiers;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const JsonReader e = list.at(i);
            if (!e.require_object()) continue;
            e.check_keys({"species", "role"});
            const auto index = species_by_id(e.at("species"));
            const JsonReader role_entry = e.at("role");
            const std::string role = role_entry.string();
            Modifier m;
            if (role == "enzyme") m.role = ModifierRole::enzyme;
            else if (role == "activator") m.role = ModifierRole::activator;
            else if (role == "inhibitor") m.role = ModifierRole::inhibitor;
            else if (!role_entry.has_failed()) role_entry.fail(fmt::format("unknown role '{}'; allowed: enzyme, activator, inhibitor", role));
            if (index) {
                m.species = *index;
                modifiers.push_back(m);
            }
        }
        return modifiers;
    }

    std::optional<int> species_by_id(const JsonReader& e) {
        const std::string id = e.string();
        if (e.has_failed()) return std::nullopt;
        if (auto index = model_.species_index(id)) return index;
        e.fail(fmt::format("unknown species '{}'; known: {}", id, known_list(species_ids(), id)));
        return std::nullopt;
    }

    void read_rate_law(const JsonReader& rate, Reaction& r) {
        if (!rate.require_object()) return;
        const JsonReader type_entry = rate.at("type");
        const std::string type = type_entry.string();
        if (type_entry.has_failed()) return;
        if (type == "mass_action") {
            r.kind = RateLawKind::mass_action;
            rate.check_keys({"type", "kf", "kr"});
            const double order = total_order(r.reactants);
            const ExprPtr kf = rate_parameter(rate.at("kf"), Dimension::concentration().pow(1) / Dimension::time(), order);
            const auto kr_entry = rate.optional("kr");
            const ExprPtr kr = kr_entry ? rate_parameter(*kr_entry, Dimension::concentration() / Dimension::time(), total_order(r.products))
                                        : nullptr;
            if (!kf || (kr_entry && !kr)) return;  // rate_parameter has reported why; make() rejects null
            ExprPtr v = make(Op::mul, {kf, mass_action_product(r.reactants)});
            if (kr) v = make(Op::sub, {v, make(Op::mul, {kr, mass_action_product(r.products)})});
            r.rate = v;
        } else if (type == "michaelis_menten") {
            r.kind = RateLawKind::michaelis_menten;
            rate.check_keys({"type", "kcat", "Vmax", "Km"});
            if (r.reactants.size() != 1) {
                rate.fail(fmt::format("michaelis_menten needs exactly one reactant, found {}", r.reactants.size()));
                return;
            }
            const ExprPtr s = symbol(model_.species[r.reactants[0].species].id);
            const ExprPtr km = rate_parameter(rate.at("Km"), Dimension::concentration(), 0);
            ExprPtr vmax;
            const auto kcat_entry = rate.optional("kcat");
            const auto vmax_entry = rate.optional("Vmax");
            if (kcat_entry && vmax_entry) {
                rate.fail("give either 'kcat' (with an enzyme modifier) or 'Vmax', not both");
                return;
            }
            if (kcat_entry) {
                const auto enzymes = modifiers_with_role(r, ModifierRole::enzyme);
                if (enzymes.size() != 1) {
                    rate.at("kcat").fail(fmt::format("'kcat' needs exactly one modifier with role 'enzyme', found {}", enzymes.size()));
                    return;
                }
                if (const ExprPtr kcat = rate_parameter(*kcat_entry, Dimension::none() / Dimension::time(), 0))
                    vmax = make(Op::mul, {kcat, symbol(enzymes[0])});
            } else if (vmax_entry) {
                vmax = rate_parameter(*vmax_entry, Dimension::concentration() / Dimension::time(), 0);
            } else {
                rate.fail("michaelis_menten needs 'kcat' (with an enzyme modifier) or 'Vmax'");
                return;
            }
            if (!km || !vmax) return;
            r.rate = make(Op::div, {make(Op::mul, {vmax, s}), make(Op::add, {km, s})});
        } else if (type == "hill_activation" || type == "hill_inhibition") {
            const bool activation = type == "hill_activation";
            r.kind = activation ? RateLawKind::hill_activation : RateLawKind::hill_inhibition;
            const char* species_key = activation ? "activator" : "inhibitor";
            rate.check_keys({"type", "V", "K", "n", species_key});
            const ExprPtr v = rate_parameter(rate.at("V"), Dimension::concentration() / Dimension::time(), total_order(r.reactants));
            const ExprPtr k = rate_parameter(rate.at("K"), Dimension::concentration(), 0);
            const ExprPtr n = rate_parameter(rate.at("n"), Dimension::none(), 0, /*order_scaled=*/false);
            const JsonReader who = rate.at(species_key);
            const std::string id = who.string();
            if (who.has_failed() || !v || !k || !n) return;
            const auto wanted = activation ? ModifierRole::activator : ModifierRole::inhibitor;
            const auto with_role = modifiers_with_role(r, wanted);
            if (std::find(with_role.begin(), with_role.end(), id) == with_role.end()) {
                who.fail(fmt::format("'{}' must be listed in the reaction's modifiers with role '{}'", id, species_key));
                return;
            }
            const ExprPtr xn = make(Op::pow, {symbol(id), n});
            const ExprPtr kn = make(Op::pow, {k, n});
            const ExprPtr factor = make(Op::div, {activation ? xn : kn, make(Op::add, {kn, xn})});
            r.rate = make(Op::mul, {make(Op::mul, {v, mass_action_product(r.reactants)}), factor});
        } else if (type == "expression" || type == "extent") {
            r.kind = RateLawKind::expression;
            r.rate_is_extent = type == "extent";  // amount/time, as SBML kinetic laws are
            rate.check_keys({"type", "expression"});
            const JsonReader text = rate.at("expression");
            r.rate = parse_checked(text);
            if (r.rate) {
                check_symbols(text, r.rate, &r);
                check_inlined_depth(text, r.rate);
            }
        } else {
            type_entry.fail(fmt::format("unknown rate law '{}'; allowed: mass_action, michaelis_menten, "
                                        "hill_activation, hill_inhibition, expression, extent", type));
        }
    }

    static double total_order(const std::vector<SpeciesRef>& refs) {
        double order = 0;
        for (const auto& r : refs) order += r.stoichiometry;
        return order;
    }

    ExprPtr mass_action_product(const std::vector<SpeciesRef>& refs) const {
        ExprPtr product = number(1.0);
        for (const auto& r : refs) {
            ExprPtr s = symbol(model_.species[r.species].id);
            if (r.stoichiometry != 1.0) s = make(Op::pow, {s, number(r.stoichiometry)});
            product = make(Op::mul, {product, s});
        }
        return product;
    }

    std::vector<std::string> modifiers_with_role(const Reaction& r, ModifierRole role) const {
        std::vector<std::string> ids;
        for (const auto& m : r.modifiers)
            if (m.role == role) ids.push_back(model_.species[m.species].id);
        return ids;
    }

    // A parameter argument of a typed rate law. `base` is the dimension for a first-order law;
    // for order-scaled constants the expected dimension is conc^(1-order)/time.
    ExprPtr rate_parameter(const JsonReader& entry, Dimension base, double order, bool order_scaled = true) {
        const std::string id = entry.string();
        if (entry.has_failed()) return nullptr;
        const auto index = model_.parameter_index(id);
        if (!index) {
            entry.fail(fmt::format("unknown parameter '{}'; known: {}", id, known_list(parameter_ids(), id)));
            return nullptr;
        }
        Dimension expected = base;
        if (order_scaled && order != 0.0) {
            if (order != static_cast<int>(order)) {
                entry.fail("a rate constant of a reaction with non-integer total stoichiometry needs an 'expression' rate law");
                return nullptr;
            }
            expected = base / Dimension::concentration().pow(static_cast<int>(order));
        }
        const Parameter& p = model_.parameters[*index];
        if (!(p.dimension == expected)) {
            entry.fail(fmt::format("parameter '{}' has unit '{}' ({}), but this place needs {}", id, p.unit,
                                   to_string(p.dimension), to_string(expected)));
            return nullptr;
        }
        rate_constants_.insert(*index);
        return symbol(id);
    }

    void check_rate_constants_non_negative() {
        for (int index : rate_constants_) {
            const Parameter& p = model_.parameters[index];
            if (p.value < 0)
                problems_.add(p.origin.file, p.origin.pointer + "/value",
                              fmt::format("rate constant '{}' is negative ({}); rate-law parameters must be >= 0", p.id, p.value));
        }
    }

    ExprPtr parse_checked(const JsonReader& text_entry) {
        const std::string text = text_entry.string();
        if (text_entry.has_failed()) return nullptr;
        try {
            return parse_expression(text);
        } catch (const ExpressionError& e) {
            text_entry.fail(fmt::format("cannot parse expression: {}", e.what()));
            return nullptr;
        }
    }

    // Every name must be declared; species read by a rate must take part in its reaction.
    void check_symbols(const JsonReader& where, const ExprPtr& e, const Reaction* reaction) {
        for (const std::string& symbol_name : symbols(e)) {
            if (symbol_name == "time") continue;
            const auto rate_of = rate_of_target(symbol_name);
            const std::string name = rate_of.value_or(symbol_name);
            const auto it = model_.ids.find(name);
            // SBML kinetic laws (extent rates) may read other reactions' rates, as SBML allows.
            const bool reaction_allowed = reaction && reaction->rate_is_extent;
            if (it == model_.ids.end() || (it->second.kind == EntityKind::reaction && !reaction_allowed)) {
                where.fail(fmt::format("unknown name '{}' in expression; known: {}", name,
                                       known_list(all_value_ids(), name)));
                continue;
            }
            if (rate_of) continue;  // a time derivative, not a read of the species' value
            if (reaction && it->second.kind == EntityKind::species && !takes_part(*reaction, it->second.index))
                where.fail(fmt::format("the rate reads species '{}', which is not a reactant, product or modifier of "
                                       "reaction '{}'; add it to 'modifiers' with its role", name, reaction->id));
            // Reading a species through an observable is still an influence the graph must show.
            if (reaction && it->second.kind == EntityKind::observable)
                for (int s : species_read_by(it->second.index))
                    if (!takes_part(*reaction, s))
                        where.fail(fmt::format("the rate reads species '{}' through observable '{}', which is not a reactant, "
                                               "product or modifier of reaction '{}'; add it to 'modifiers' with its role",
                                               model_.species[s].id, name, reaction->id));
        }
    }

    // The solver writes observables out in full wherever they are read, so a chain of observables
    // each reading the one before nests as deep as all of them together; the parser's depth limit
    // applies to that written-out tree. Returns its depth.
    std::size_t check_inlined_depth(const JsonReader& where, const ExprPtr& e) {
        const std::size_t depth = inlined_depth(e);
        if (depth > limits::max_expression_depth)
            where.fail(fmt::format("with the observables it reads written out, the expression nests {} levels, more than "
                                   "the limit of {}", depth, limits::max_expression_depth));
        return depth;
    }

    // A reference to an observable counts one level more than its expression, so a chain of
    // plain aliases (o2 = o1, o3 = o2, ...), which the compiler also follows recursively, is
    // bounded too. Recursion here is bounded by the parser's depth limit on `e` itself.
    std::size_t inlined_depth(const ExprPtr& e) const {
        if (e->op == Op::symbol) {
            const auto o = model_.observable_index(e->name);
            return o && static_cast<std::size_t>(*o) < observable_depth_.size() ? observable_depth_[*o] + 1 : 0;
        }
        std::size_t depth = 0;
        for (const ExprPtr& arg : e->args) depth = std::max(depth, inlined_depth(arg) + 1);
        return depth;
    }

    // Species observable `index` reads, directly or through the observables declared before it;
    // memoised, since observables built from observables would otherwise be walked exponentially often.
    const std::set<int>& species_read_by(int index) {
        if (const auto it = species_read_by_observable_.find(index); it != species_read_by_observable_.end()) return it->second;
        std::set<int> read;
        if (const ExprPtr& e = model_.observables[index].expression) {
            for (const std::string& name : symbols(e)) {
                if (auto s = model_.species_index(name)) read.insert(*s);
                else if (auto inner = model_.observable_index(name); inner && *inner < index) {  // a self-reference is reported elsewhere
                    const std::set<int>& more = species_read_by(*inner);
                    read.insert(more.begin(), more.end());
                }
            }
        }
        return species_read_by_observable_.emplace(index, std::move(read)).first->second;
    }

    static bool takes_part(const Reaction& r, int index) {
        auto same = [&](const auto& x) { return x.species == index; };
        return std::any_of(r.reactants.begin(), r.reactants.end(), same) ||
               std::any_of(r.products.begin(), r.products.end(), same) ||
               std::any_of(r.modifiers.begin(), r.modifiers.end(), same);
    }

    std::vector<std::string> species_ids() const { return ids_of(model_.species); }
    std::vector<std::string> parameter_ids() const { return ids_of(model_.parameters); }
    std::vector<std::string> compartment_ids() const { return ids_of(model_.compartments); }
    std::vector<std::string> all_value_ids() const {
        std::vector<std::string> ids;
        for (const auto& [id, ref] : model_.ids)
            if (ref.kind != EntityKind::reaction) ids.push_back(id);
        return ids;
    }

    Problems& problems_;
    std::vector<SourceFile>& files_;
    Model model_;
    std::set<int> rate_constants_;
    struct Reference {
        std::string id, pointer, file;
    };
    std::map<std::string, Reference> conversion_factor_of_;  // species id -> its conversion factor entry
    std::unordered_map<int, std::set<int>> species_read_by_observable_;
    std::vector<std::size_t> observable_depth_;  // by observable index: see check_inlined_depth
};

Model load_tree(const std::function<void(IncludeLoader&)>& start) {
    Problems problems;
    IncludeLoader loader(problems);
    start(loader);
    problems.throw_if_any();
    ModelBuilder builder(problems, loader.files());
    return builder.build();
}

}  // namespace

Model load(const fs::path& file) {
    return load_tree([&](IncludeLoader& loader) { loader.load_file(file, file.string()); });
}

Model load(const std::vector<fs::path>& files) {
    if (files.empty()) throw std::invalid_argument("models::load: no files given");
    Model model = load_tree([&](IncludeLoader& loader) {
        for (auto it = files.rbegin(); it != files.rend(); ++it) loader.load_file(*it, it->string());
    });
    // The first file names the model even when another file reached it first through an include
    // (an SBML file is never included, so it is the top file and has named the model already).
    if (is_sbml_file(files.front())) return model;
    Problems problems;
    const json first = read_json_file(problems, files.front(), files.front().string());
    model.name = first.is_object() && first.contains("name") && first["name"].is_string() ? first["name"].get<std::string>()
                                                                                          : files.front().stem().string();
    return model;
}

Model load_from_string(const std::string& text, const fs::path& file) {
    return load_tree([&](IncludeLoader& loader) { loader.add(text, file, file.string()); });
}

}  // namespace ntsim::models
