// Finding the compounds' marks in a network.
#include "viz/compound_marks.hpp"

namespace ntsim::viz {

namespace {

bool is_modifier(models::EdgeRole role) {
    return role == models::EdgeRole::enzyme || role == models::EdgeRole::activator || role == models::EdgeRole::inhibitor;
}

std::string display_name(const models::Compound& c) { return c.name.empty() || c.name == c.id ? c.id : c.name + " (" + c.id + ")"; }

}  // namespace

const char* effect_verb(models::EffectKind kind) {
    switch (kind) {
        case models::EffectKind::scale: return "scales";
        case models::EffectKind::inhibit: return "inhibits";
        case models::EffectKind::add: return "adds to";
    }
    return "";
}

CompoundMarks compound_marks(const models::Network& network) {
    const models::Model& model = network.model();
    const auto& g = network.graph();
    CompoundMarks marks;
    for (const auto& compound : model.compounds)
        for (const auto& route : compound.routes) marks.module_compound.emplace(model.species[route.species].module, display_name(compound));

    std::map<std::pair<int, int>, std::vector<const models::Effect*>> effects;  // (driver, reaction) -> effects in order
    for (const auto& effect : model.effects) {
        marks.drivers.insert(effect.driver);
        if (auto c = model.compound_index(effect.compound))
            marks.module_compound.emplace(model.species[effect.driver].module, display_name(model.compounds[*c]));
        const std::string& target = model.parameters[effect.target].id;
        for (std::size_t r = 0; r < model.reactions.size(); ++r) {
            if (!models::symbols(model.reactions[r].rate).count(target)) continue;
            marks.target_reactions.insert(static_cast<int>(r));
            effects[{effect.driver, static_cast<int>(r)}].push_back(&effect);
        }
    }

    // Network adds a reaction's modifier edges before the compounds' effect edges, so for each
    // (species, reaction) pair the modifier edges come first and the rest are effects, in order.
    std::map<std::pair<int, int>, std::size_t> seen;
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
        const auto from = boost::source(*e, g), to = boost::target(*e, g);
        const models::Effect* effect = nullptr;
        if (is_modifier(g[*e].role) && g[to].kind == models::NodeKind::reaction) {
            const int species = g[from].index, reaction = g[to].index;
            std::size_t modifiers = 0;
            for (const auto& m : model.reactions[reaction].modifiers) modifiers += m.species == species;
            const std::size_t k = seen[{species, reaction}]++;
            const auto it = effects.find({species, reaction});
            if (k >= modifiers && it != effects.end() && k - modifiers < it->second.size()) effect = it->second[k - modifiers];
        }
        marks.edge_effect.push_back(effect);
    }
    return marks;
}

}  // namespace ntsim::viz
