// The validated in-memory model: what `models::load` (JSON) and `models::load_sbml` return and
// every later stage reads. Values from JSON files are in internal units (nM, s, L); values from
// SBML files keep the file's own units. Ids are resolved and checked, so a Model that exists can
// be compiled.
//
// JSON models use a subset: species are concentrations changed by reactions whose rates are
// concentration/time. The SBML additions (marked below) carry the rest of SBML's meaning:
// amounts, boundary species, extent rates, rules, initial assignments and events.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/expression.hpp"
#include "models/units.hpp"

namespace ntsim::models {

// Where an entity was declared: the file and the JSON Pointer of its entry, for messages.
struct Origin {
    std::string file;
    std::string pointer;
};

struct Compartment {
    std::string id;
    std::string name;
    double size_l = 1.0;
    Origin origin;
    // SBML additions.
    bool constant = true;           // false: rules or events may change the size
    int spatial_dimensions = 3;     // 0: no size; its species are amounts
};

struct Species {
    std::string id;
    std::string name;
    int compartment = 0;            // index into Model::compartments
    double initial_nm = 0.0;
    bool constant = false;          // clamped input: no reaction changes it
    std::string module;
    Origin origin;
    // SBML additions. In expressions, rules and event assignments a species id stands for its
    // concentration, or for its amount when `only_substance_units` (or in a 0-D compartment).
    bool initial_is_amount = false;     // `initial_nm` holds an amount (SBML initialAmount)
    bool only_substance_units = false;  // SBML hasOnlySubstanceUnits
    bool boundary = false;              // reactions do not change it; rules and events may
    int conversion_factor = -1;         // parameter index scaling every reaction's change, or -1
    bool as_written = false;            // `initial_nm` is in its source's units (SBML), not nM
};

enum class SourceKind { citation, assumed, calibrated };
// What a `source` text says it is: "assumed..." and "calibrated..." by their first word, any
// other text a citation.
SourceKind source_kind_of(std::string_view source);
// Why a `source` text cites nothing, or nothing if it does: a citation needs at least 3
// characters, and "assumed" or "calibrated" a reason of as many after it.
std::optional<std::string> source_problem(std::string_view source);

struct Parameter {
    std::string id;
    std::string name;
    double value = 0.0;             // internal units
    std::string unit;               // as written in the file, for display
    Dimension dimension;
    std::string source;             // full text of the `source` entry
    SourceKind source_kind = SourceKind::citation;
    std::string module;
    Origin origin;
    // SBML additions.
    bool constant = true;           // false: rules or events may change the value
    bool as_written = false;        // `value` is in its source's units (SBML), not converted
};

enum class ModifierRole { enzyme, activator, inhibitor };

struct SpeciesRef {
    int species = 0;                // index into Model::species
    double stoichiometry = 1.0;
    // SBML addition: a stoichiometry that is a model quantity (a species reference id, which the
    // importer declares as a parameter, or L2 stoichiometryMath); null means `stoichiometry`.
    ExprPtr stoichiometry_expression;
};

struct Modifier {
    int species = 0;
    ModifierRole role = ModifierRole::enzyme;
};

enum class RateLawKind { mass_action, michaelis_menten, hill_activation, hill_inhibition, expression };

struct Reaction {
    std::string id;
    std::string name;
    std::vector<SpeciesRef> reactants;
    std::vector<SpeciesRef> products;
    std::vector<Modifier> modifiers;
    RateLawKind kind = RateLawKind::expression;
    ExprPtr rate;                   // concentration/time in `compartment`, over model ids
    int compartment = 0;
    std::string module;
    Origin origin;
    // SBML addition: `rate` is an extent (amount/time), as SBML kinetic laws are; `compartment`
    // then plays no part.
    bool rate_is_extent = false;
};

struct Observable {
    std::string id;
    std::string name;
    ExprPtr expression;             // may read observables declared before it
    std::string module;
    Origin origin;
};

// How a compound's concentration changes a pathway parameter p (C: the driver concentration,
// h = C^n/(K^n + C^n)): scale p*(1 + Emax*h); inhibit p*(1 - Imax*h); add p + Emax*h.
enum class EffectKind { scale, inhibit, add };

struct Effect {
    std::string id;
    std::string compound;
    int target = 0;                 // parameter index
    int driver = 0;                 // species index (usually the brain concentration)
    EffectKind kind = EffectKind::scale;
    ExprPtr term;                   // the factor (scale, inhibit) or addend (add), over model ids
    Origin origin;
};

// Where a dose goes and how mass per body mass becomes a concentration.
struct Route {
    std::string name;               // oral, ip, iv, intranasal, ...
    int species = 0;                // the species the dose is added to
    int volume = 0;                 // parameter: distribution volume of that species, L per g body mass
    int bioavailability = -1;       // parameter (dimensionless) or -1 for complete
};

// A compound parameter whose value differs by brain region (e.g. a region-specific efficacy).
struct RegionalValue {
    std::string region;
    int parameter = 0;
    double value = 0.0;             // internal units
    std::string source;
    SourceKind source_kind = SourceKind::citation;
    Origin origin;
};

struct Compound {
    std::string id;
    std::string name;
    int molar_mass = 0;             // parameter index, g/nmol internally
    std::vector<Route> routes;
    std::vector<RegionalValue> regional_values;
    Origin origin;
};

enum class EntityKind { compartment, species, parameter, reaction, observable };

struct EntityRef {
    EntityKind kind;
    int index;
};

// SBML rules and initial assignments. `variable` is a compartment, species or parameter; for a
// species the expression gives what its id stands for (concentration, or amount, see Species).
struct Rule {
    EntityRef variable;
    ExprPtr expression;
    Origin origin;
};

struct EventAssignment {
    EntityRef variable;             // compartment, species or parameter
    ExprPtr expression;
};

// An SBML event: when `trigger` turns from false to true, the assignments are executed after
// `delay`. Simultaneous executions go by descending `priority`.
struct Event {
    std::string id;
    ExprPtr trigger;                // true when non-zero
    bool initial_value = true;      // the trigger's value just before the start
    bool persistent = true;         // false: a pending execution is dropped if the trigger turns false
    ExprPtr delay;                  // time from trigger to execution; null: none
    ExprPtr priority;               // null: no priority (executed after those with one)
    bool use_values_from_trigger_time = true;  // false: assignment values computed at execution
    std::vector<EventAssignment> assignments;
    Origin origin;
};

struct Model {
    std::string name;
    std::string description;
    std::vector<std::string> files;  // every file loaded, the top file first
    std::vector<Compartment> compartments;
    std::vector<Species> species;
    std::vector<Parameter> parameters;
    std::vector<Reaction> reactions;
    std::vector<Observable> observables;
    std::vector<Compound> compounds;
    std::vector<Effect> effects;
    // SBML additions.
    std::vector<Rule> assignment_rules;     // the variable equals the expression at all times
    std::vector<Rule> rate_rules;           // d(variable)/dt = expression
    std::vector<Rule> initial_assignments;  // the variable's value at the start
    std::vector<Event> events;
    // False when numbers are in the units of their source (SBML files, JSON files with
    // "units": "as_written") rather than ntsim's internal nM, s, L, nmol.
    bool internal_units = true;
    std::unordered_map<std::string, EntityRef> ids;  // every id; one namespace, as in SBML

    std::optional<int> species_index(const std::string& id) const;
    std::optional<int> parameter_index(const std::string& id) const;
    std::optional<int> observable_index(const std::string& id) const;
    std::optional<int> compartment_index(const std::string& id) const;
    std::optional<int> reaction_index(const std::string& id) const;
    const std::string& id_of(const EntityRef& ref) const;  // the id of the entity `ref` points at
    std::optional<int> compound_index(const std::string& id) const;
};

// SBML's rateOf(x) appears in expressions as a symbol with this reserved name, which no id can
// take; the compiler resolves it to the time derivative of what `x` stands for.
std::string rate_of_name(std::string_view id);
// The id inside a rate_of_name, or nothing for any other name.
std::optional<std::string> rate_of_target(std::string_view name);

// The ids of a list of entities, in order (for "known: ..." hints).
template <class Entity> std::vector<std::string> ids_of(const std::vector<Entity>& entities) {
    std::vector<std::string> ids;
    ids.reserve(entities.size());
    for (const auto& e : entities) ids.push_back(e.id);
    return ids;
}

std::string to_string(ModifierRole role);
std::string to_string(EffectKind kind);
std::string to_string(EntityKind kind);  // "species", "parameter", ...
std::string to_string(RateLawKind kind);

}  // namespace ntsim::models
