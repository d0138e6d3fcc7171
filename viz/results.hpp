// A sweep's results directory (written by `ntsim sweep`) read back for drawing: the run list with
// its axis labels, observable trajectories, summary metrics, EC50 table, expectations, and
// (optionally) every species' states.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ntsim::viz {

struct RunRecord {
    std::size_t index = 0;
    std::vector<std::string> labels;        // one per Results::axis_columns
    std::optional<std::size_t> vehicle_run; // the matching vehicle run of a treated run
    bool added_as_reference = false;        // a vehicle run the sweep added only as a reference
    bool ok = true;                         // from the manifest; a failed run may have no data
    std::string message;
};

struct TimeSeries {
    std::vector<double> times_s;            // since the start of the run
    std::vector<double> values;
};

struct SummaryRecord {
    std::size_t run = 0;
    std::string observable;
    std::map<std::string, double> metrics;  // summary.csv column -> value (auc_fold_change, ...)
};

struct HalfMaximalRecord {
    std::vector<std::string> labels;        // the lowest-dose run's labels
    std::string observable;
    std::optional<double> dose_mg_per_kg;   // EC50 or IC50 of the AUC fold change
};

struct ExpectationRecord {
    std::string id;
    bool held = false;
    double measured = 0.0;
    std::string op;
    double compared_with = 0.0;
    std::string claim, source, detail;
};

struct Results {
    std::filesystem::path directory;
    std::string scenario_name;
    std::string scenario_file;              // absolute, as the manifest records it
    std::string scenario_hash;              // of the scenario file when the sweep ran
    std::string ntsim_version;
    std::vector<std::string> axis_columns;  // region, compound, dose_mg_per_kg, route, schedule, ...
    std::vector<RunRecord> runs;            // indexed by run number
    std::vector<std::string> observables;   // in the sweep's order
    std::map<std::pair<std::size_t, std::string>, TimeSeries> trajectories;  // (run, observable)
    std::vector<SummaryRecord> summary;
    std::vector<HalfMaximalRecord> half_maximal;
    std::vector<ExpectationRecord> expectations;

    std::optional<std::size_t> axis(std::string_view column) const;
    // The run's label in `column`, or "" if the sweep has no such column.
    const std::string& label(std::size_t run, std::string_view column) const;
    const TimeSeries* trajectory(std::size_t run, const std::string& observable) const;
    const SummaryRecord* summary_row(std::size_t run, const std::string& observable) const;
    // Distinct labels of a column in run order.
    std::vector<std::string> distinct(std::string_view column) const;
};

// Reads runs.csv and manifest.json (required), trajectories.csv, summary.csv, ec50.csv and
// expectations.csv (each if present). Throws std::invalid_argument naming the file and problem.
Results read_results(const std::filesystem::path& directory);

struct SpeciesStates {
    std::vector<std::string> species;                  // in states.csv order
    struct RunStates {
        std::vector<double> times_s;
        std::vector<std::vector<double>> values_nm;    // [species][time]
    };
    std::vector<RunStates> runs;                       // indexed by run; empty for a run without states
};

// states.csv (written by `ntsim sweep --states`); throws std::invalid_argument saying how to
// produce it when it is missing.
SpeciesStates read_states(const Results& results);

}  // namespace ntsim::viz
