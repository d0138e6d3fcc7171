// The stiff test problem the solver tests share, as an ntsim JSON model.
#pragma once

namespace ntsim::testing {

// Robertson (1966): the classic stiff chemical kinetics test, as in SUNDIALS' cvRoberts_dns.
inline constexpr const char* robertson_model = R"json({
      "species": [{"id": "y1", "initial": 1, "unit": "nM"}, {"id": "y2", "initial": 0, "unit": "nM"},
                  {"id": "y3", "initial": 0, "unit": "nM"}],
      "parameters": [{"id": "k1", "value": 0.04, "unit": "1/s", "source": "Robertson 1966"},
                     {"id": "k2", "value": 3e7, "unit": "1/(nM*s)", "source": "Robertson 1966"},
                     {"id": "k3", "value": 1e4, "unit": "1/(nM*s)", "source": "Robertson 1966"}],
      "reactions": [
        {"id": "r1", "reactants": ["y1"], "products": ["y2"], "rate": {"type": "mass_action", "kf": "k1"}},
        {"id": "r2", "reactants": ["y2", "y2"], "products": ["y2", "y3"], "rate": {"type": "mass_action", "kf": "k2"}},
        {"id": "r3", "reactants": ["y2", "y3"], "products": ["y1", "y3"], "rate": {"type": "mass_action", "kf": "k3"}}]})json";

}  // namespace ntsim::testing
