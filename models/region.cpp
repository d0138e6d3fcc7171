// Region override files -> Region, validated against the model they will modify.
#include "models/region.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/json_reader.hpp"

namespace ntsim::models {

Region load_region(const std::filesystem::path& file, const Model& model) {
    Problems problems;
    const std::string name = file.string();
    const nlohmann::json document = read_json_file(problems, file, name);
    const JsonReader root(problems, name, document, "");
    root.require_object();
    root.check_keys({"region", "description", "notes", "overrides"});
    problems.throw_if_any();

    Region region;
    region.file = name;
    region.name = root.at("region").string();
    if (auto d = root.optional("description")) region.description = d->string();
    const JsonReader list = root.at("overrides");
    list.require_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const JsonReader e = list.at(i);
        if (!e.require_object()) continue;
        e.check_keys({"parameter", "species", "value", "unit", "source", "notes"});
        Override o;
        o.origin = {name, e.pointer()};
        const auto parameter = e.optional("parameter");
        const auto species = e.optional("species");
        if (parameter.has_value() == species.has_value()) {
            e.fail("give exactly one of 'parameter' or 'species'");
            continue;
        }
        const JsonReader id_entry = parameter ? *parameter : *species;
        o.id = id_entry.string();
        o.kind = parameter ? EntityKind::parameter : EntityKind::species;
        Dimension expected = Dimension::concentration();
        bool as_written = false;
        if (parameter) {
            const auto index = model.parameter_index(o.id);
            if (!index) {
                id_entry.fail(fmt::format("unknown parameter '{}'; known: {}", o.id, known_list(ids_of(model.parameters), o.id)));
                continue;
            }
            expected = model.parameters[*index].dimension;
            as_written = model.parameters[*index].as_written;
        } else if (const auto index = model.species_index(o.id)) {
            as_written = model.species[*index].as_written;
        } else {
            id_entry.fail(fmt::format("unknown species '{}'; known: {}", o.id, known_list(ids_of(model.species), o.id)));
            continue;
        }
        if (as_written) {
            // The model's own number for it carries no unit (SBML): an override is in the same units.
            if (e.optional("unit"))
                e.at("unit").fail(fmt::format("'{}' comes from a model whose numbers are used as written (SBML); give the "
                                              "value in the model's own units, without 'unit'", o.id));
            o.value = e.at("value").number();
        } else {
            o.unit = e.at("unit").string();
            o.value = e.quantity("value", "unit", expected);
        }
        if (species && o.value < 0 && !e.has_failed()) e.at("value").fail("an initial concentration must be >= 0");
        const JsonReader source = e.at("source");
        o.source = source.string();
        if (!source.has_failed()) o.source_kind = classify_source(source, o.source);
        region.overrides.push_back(std::move(o));
    }
    problems.throw_if_any();
    return region;
}

}  // namespace ntsim::models
