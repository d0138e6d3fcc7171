// A scenario file (scenarios/*.json): the model and compounds to load, the regions and dosing
// schedules it may use, the base run, the sweep axes, the outputs and the expectations to test.
// Loading resolves every file and id, so a scenario that loads is one whose runs can start.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/models.hpp"
#include "models/region.hpp"

namespace ntsim::scenarios {

// Thrown for bad scenario files; what() reads "file: /json/pointer: problem".
using ScenarioError = models::ModelError;

struct Schedule {
    std::string name;
    int doses = 1;
    double start_s = 0.0;
    double interval_s = 0.0;          // between doses when doses > 1
    std::vector<double> dose_times() const;
};

// The values a single run takes on every axis; "vehicle" is the compound with no dose.
struct RunSettings {
    std::string region;
    std::string compound = "vehicle";
    double dose_mg_per_kg = 0.0;
    std::string route;
    std::string schedule;
    std::map<std::string, double> parameters;  // id -> internal value (axis, sample or base override)
};

enum class AxisKind { region, compound, schedule, dose, parameter, sample };

struct Axis {
    AxisKind kind = AxisKind::region;
    std::string name;                          // column name in outputs
    std::vector<std::string> labels;           // region/compound/schedule values
    std::vector<double> numbers;               // dose (mg/kg) or parameter values (internal)
    std::vector<std::string> sampled_parameters;  // sample: ids; numbers holds points row-major
    std::string sample_method;
    std::uint64_t seed = 0;
    std::size_t size() const;
};

enum class Comparison { less, less_equal, greater, greater_equal };

// "in `where`, `metric` of `observable` `op` `value` (or the same metric in `than`)".
struct Expectation {
    std::string id;
    std::string claim;                         // the statement being tested, in words
    std::string source;                        // where the claim comes from, or why it is assumed
    std::map<std::string, std::string> where;  // axis name -> value label
    std::string observable;
    std::string metric;                        // value, fold_change, peak, peak_fold_change, time_to_peak, auc, auc_fold_change, final, ec50
    std::optional<double> at_s;                // for value and fold_change: time after the last dose
    Comparison op = Comparison::greater;
    std::optional<double> value;
    std::map<std::string, std::string> than;   // compare with the same metric where these differ
    double than_factor = 1.0;                  // compare with factor * the other run's metric
    models::Origin origin;
};

struct Scenario {
    std::string name;
    std::string description;
    std::string file;
    std::vector<std::string> model_files;      // the pathway model then compound files
    models::Model model;
    std::map<std::string, models::Region> regions;
    std::map<std::string, Schedule> schedules;
    RunSettings base;
    double observe_s = 0.0;                    // simulated time after the last dose
    double sample_every_s = 0.0;               // trajectory sampling interval
    std::vector<std::string> observables;      // reported outputs: observable, species or parameter ids (all observables if the file lists none)
    std::vector<double> metric_times_s;        // extra times (after the last dose) for value metrics
    std::vector<Axis> axes;
    std::vector<Expectation> expectations;
};

Scenario load_scenario(const std::filesystem::path& file);

// Reads scenario text; `file` is the name used in messages and the base for the relative paths
// of the model, compound and region files.
Scenario load_scenario_from_string(const std::string& text, const std::filesystem::path& file);

std::string to_string(AxisKind kind);
std::string to_string(Comparison op);

}  // namespace ntsim::scenarios
