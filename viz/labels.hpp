// Display names and units for what the figures show: a model's observables get the name written
// in the model file and a unit, taken from a "(unit)" at the end of that name or worked out from
// the expression by dimensional analysis.
#pragma once

#include <map>
#include <string>

#include "models/model.hpp"

namespace ntsim::viz {

struct Quantity {
    std::string id;
    std::string name;        // without a trailing "(unit)"; the id when the model gives no name
    std::string unit;        // "nM", "dimensionless", another unit text, or "" when unknown
    // "concentration (nM)", "value (dimensionless)", "value (model units)": for a y axis.
    std::string axis_label() const;
    // "name (unit)" or the name alone.
    std::string title() const;
};

// Every observable of `model`, by id.
std::map<std::string, Quantity> observable_quantities(const models::Model& model);

// Looks `id` up in `known`; an unknown id is its own name with an unknown unit.
Quantity quantity_or_id(const std::map<std::string, Quantity>& known, const std::string& id);

}  // namespace ntsim::viz
