// Lookups, names and source rules for the validated model.
#include "models/model.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace ntsim::models {

namespace {
std::optional<int> find_kind(const Model& m, const std::string& id, EntityKind kind) {
    const auto it = m.ids.find(id);
    if (it == m.ids.end() || it->second.kind != kind) return std::nullopt;
    return it->second.index;
}
}  // namespace

std::optional<int> Model::species_index(const std::string& id) const { return find_kind(*this, id, EntityKind::species); }
std::optional<int> Model::parameter_index(const std::string& id) const { return find_kind(*this, id, EntityKind::parameter); }
std::optional<int> Model::observable_index(const std::string& id) const { return find_kind(*this, id, EntityKind::observable); }
std::optional<int> Model::compartment_index(const std::string& id) const { return find_kind(*this, id, EntityKind::compartment); }
std::optional<int> Model::reaction_index(const std::string& id) const { return find_kind(*this, id, EntityKind::reaction); }

std::optional<int> Model::compound_index(const std::string& id) const {
    for (std::size_t i = 0; i < compounds.size(); ++i)
        if (compounds[i].id == id) return static_cast<int>(i);
    return std::nullopt;
}

namespace {
constexpr std::string_view rate_of_prefix = "rateOf(";
}  // namespace

SourceKind source_kind_of(std::string_view source) {
    if (source.starts_with("assumed")) return SourceKind::assumed;
    if (source.starts_with("calibrated")) return SourceKind::calibrated;
    return SourceKind::citation;
}

std::optional<std::string> source_problem(std::string_view source) {
    const SourceKind kind = source_kind_of(source);
    if (kind == SourceKind::citation) {
        if (source.size() >= 3) return std::nullopt;
        return "a source must be a citation, \"assumed: <reason>\" or \"calibrated: <to what>\"";
    }
    const std::string_view prefix = kind == SourceKind::assumed ? "assumed" : "calibrated";
    const auto reason_start = source.find_first_not_of(" :-—", prefix.size());
    if (reason_start != std::string_view::npos && source.size() - reason_start >= 3) return std::nullopt;
    return fmt::format("'{}' needs a reason: write \"{}: <{}>\"", prefix, prefix,
                       kind == SourceKind::assumed ? "why this value" : "what it was calibrated to");
}

std::string rate_of_name(std::string_view id) { return std::string(rate_of_prefix) + std::string(id) + ")"; }

std::optional<std::string> rate_of_target(std::string_view name) {
    if (!name.starts_with(rate_of_prefix) || !name.ends_with(")")) return std::nullopt;
    return std::string(name.substr(rate_of_prefix.size(), name.size() - rate_of_prefix.size() - 1));
}

const std::string& Model::id_of(const EntityRef& ref) const {
    switch (ref.kind) {
        case EntityKind::compartment: return compartments.at(ref.index).id;
        case EntityKind::species: return species.at(ref.index).id;
        case EntityKind::parameter: return parameters.at(ref.index).id;
        case EntityKind::reaction: return reactions.at(ref.index).id;
        case EntityKind::observable: return observables.at(ref.index).id;
    }
    throw std::logic_error("Model::id_of: unknown entity kind");
}

std::string to_string(EffectKind kind) {
    switch (kind) {
        case EffectKind::scale: return "scale";
        case EffectKind::inhibit: return "inhibit";
        case EffectKind::add: return "add";
    }
    return "?";
}

std::string to_string(ModifierRole role) {
    switch (role) {
        case ModifierRole::enzyme: return "enzyme";
        case ModifierRole::activator: return "activator";
        case ModifierRole::inhibitor: return "inhibitor";
    }
    return "?";
}

std::string to_string(RateLawKind kind) {
    switch (kind) {
        case RateLawKind::mass_action: return "mass_action";
        case RateLawKind::michaelis_menten: return "michaelis_menten";
        case RateLawKind::hill_activation: return "hill_activation";
        case RateLawKind::hill_inhibition: return "hill_inhibition";
        case RateLawKind::expression: return "expression";
    }
    return "?";
}

std::string to_string(EntityKind kind) {
    switch (kind) {
        case EntityKind::compartment: return "compartment";
        case EntityKind::species: return "species";
        case EntityKind::parameter: return "parameter";
        case EntityKind::reaction: return "reaction";
        case EntityKind::observable: return "observable";
    }
    return "?";
}

}  // namespace ntsim::models
