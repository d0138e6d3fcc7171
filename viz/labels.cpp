// Observable units by numeric dimensional analysis: changing the units of amount, volume, time
// and mass by distinct primes changes a quantity of dimension amount^a volume^v time^t mass^m by
// 2^a 3^v 5^t 7^m, so evaluating an expression in both unit systems reveals its dimension
// (for dimensionally consistent expressions; anything else is reported as unknown).
#include "viz/labels.hpp"

#include <cmath>
#include <functional>

#include "models/expression.hpp"
#include "models/units.hpp"

namespace ntsim::viz {

namespace {

constexpr double amount_factor = 2.0, volume_factor = 3.0, time_factor = 5.0, mass_factor = 7.0;

double factor(const models::Dimension& d) {
    const auto& e = d.exponents;
    return std::pow(amount_factor, e[0]) * std::pow(volume_factor, e[1]) * std::pow(time_factor, e[2]) *
           std::pow(mass_factor, e[3]);
}

// Value of an observable with every quantity expressed in the base (scaled = false) or the
// changed (scaled = true) unit system.
class Evaluator {
public:
    Evaluator(const models::Model& model, bool scaled) : model_(model), scaled_(scaled) {}

    double observable(std::size_t index) {
        if (auto it = cache_.find(index); it != cache_.end()) return it->second;
        cache_[index] = NAN;  // guards against a (disallowed) self-reference
        const double v = models::evaluate(model_.observables[index].expression, [&](const std::string& name) { return symbol(name); });
        return cache_[index] = v;
    }

private:
    double symbol(const std::string& name) {
        if (name == "time") return 100.0 * (scaled_ ? time_factor : 1.0);
        if (auto s = model_.species_index(name)) {
            // Distinct positive values, so no ratio is 0/0 and no two species cancel by accident.
            const double base = 7.3 + 0.37 * *s;
            return base * (scaled_ ? factor(models::Dimension::concentration()) : 1.0);
        }
        if (auto p = model_.parameter_index(name)) {
            const auto& parameter = model_.parameters[*p];
            return parameter.value * (scaled_ ? factor(parameter.dimension) : 1.0);
        }
        if (auto c = model_.compartment_index(name))
            return model_.compartments[*c].size_l * (scaled_ ? volume_factor : 1.0);
        if (auto o = model_.observable_index(name)) return observable(static_cast<std::size_t>(*o));
        return NAN;
    }

    const models::Model& model_;
    bool scaled_;
    std::map<std::size_t, double> cache_;
};

bool near(double a, double b) { return std::abs(a / b - 1.0) < 1e-9; }

std::string inferred_unit(double base, double scaled) {
    if (!std::isfinite(base) || !std::isfinite(scaled) || base == 0.0) return "";
    const double ratio = scaled / base;
    if (near(ratio, factor(models::Dimension::concentration()))) return "nM";
    if (near(ratio, 1.0)) return "dimensionless";
    if (near(ratio, factor(models::Dimension::concentration() / models::Dimension::time()))) return "nM/s";
    if (near(ratio, factor(models::Dimension::time()))) return "s";
    if (near(ratio, factor(models::Dimension::amount()))) return "nmol";
    return "";
}

// "pTrkB, surface + endosomal (nM)" -> name "pTrkB, surface + endosomal", unit "nM", if the text in
// the final parentheses parses as a unit.
bool split_unit(const std::string& text, std::string& name, std::string& unit) {
    if (text.empty() || text.back() != ')') return false;
    const auto open = text.rfind('(');
    if (open == std::string::npos || open == 0) return false;
    const std::string candidate = text.substr(open + 1, text.size() - open - 2);
    try {
        models::parse_unit(candidate);
    } catch (const std::exception&) {
        return false;
    }
    name = text.substr(0, open);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    unit = candidate == "1" ? "dimensionless" : candidate;
    return !name.empty();
}

}  // namespace

std::string Quantity::axis_label() const {
    if (unit == "nM") return "concentration (nM)";
    if (unit.empty()) return "value (model units)";
    return "value (" + unit + ")";
}

std::string Quantity::title() const { return unit.empty() ? name : name + " (" + unit + ")"; }

std::map<std::string, Quantity> observable_quantities(const models::Model& model) {
    std::map<std::string, Quantity> out;
    Evaluator base(model, false), scaled(model, true);
    for (std::size_t i = 0; i < model.observables.size(); ++i) {
        const auto& o = model.observables[i];
        const std::string full_name = o.name.empty() ? o.id : o.name;
        Quantity q{o.id, full_name, ""};
        if (!split_unit(full_name, q.name, q.unit)) {
            try {
                q.unit = inferred_unit(base.observable(i), scaled.observable(i));
            } catch (const std::exception&) {
                q.unit.clear();  // an expression that cannot be evaluated here has an unknown unit
            }
        }
        out[o.id] = q;
    }
    return out;
}

Quantity quantity_or_id(const std::map<std::string, Quantity>& known, const std::string& id) {
    const auto it = known.find(id);
    return it != known.end() ? it->second : Quantity{id, id, ""};
}

}  // namespace ntsim::viz
