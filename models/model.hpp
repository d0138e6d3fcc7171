// The validated in-memory model: what `models::load` returns and every later stage reads.
// All values are in internal units (nM, s, L); ids are resolved and checked, so a Model that
// exists can be compiled.
#pragma once

#include <optional>
#include <string>
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
};

struct Species {
    std::string id;
    std::string name;
    int compartment = 0;            // index into Model::compartments
    double initial_nm = 0.0;
    bool constant = false;          // clamped input: no reaction changes it
    std::string module;
    Origin origin;
};

enum class SourceKind { citation, assumed, calibrated };

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
};

enum class ModifierRole { enzyme, activator, inhibitor };

struct SpeciesRef {
    int species = 0;                // index into Model::species
    double stoichiometry = 1.0;
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
    std::unordered_map<std::string, EntityRef> ids;  // every id; one namespace, as in SBML

    std::optional<int> species_index(const std::string& id) const;
    std::optional<int> parameter_index(const std::string& id) const;
    std::optional<int> observable_index(const std::string& id) const;
    std::optional<int> compartment_index(const std::string& id) const;
    std::optional<int> reaction_index(const std::string& id) const;
    std::optional<int> compound_index(const std::string& id) const;
};

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
