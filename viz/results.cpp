// Reading a results directory. The run table fixes the axis columns; every other table repeats
// them after `run`, so rows are matched by run number and the labels are not re-read.
#include "viz/results.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "viz/csv.hpp"

namespace ntsim::viz {

namespace fs = std::filesystem;

namespace {

const std::string no_label;

std::size_t run_number(const std::string& field, const std::string& file, std::size_t run_count) {
    const double v = csv_number(field);
    if (!(v >= 0) || v != static_cast<double>(static_cast<std::size_t>(v)) || static_cast<std::size_t>(v) >= run_count)
        throw std::invalid_argument(fmt::format("{}: run '{}' is not in runs.csv", file, field));
    return static_cast<std::size_t>(v);
}

void read_runs(Results& r) {
    const CsvTable runs = read_csv(r.directory / "runs.csv");
    const std::size_t vehicle = runs.require_column("vehicle_run");
    const std::size_t reference = runs.require_column("added_as_reference");
    if (runs.header.empty() || runs.header.front() != "run")
        throw std::invalid_argument(fmt::format("{}: the first column must be 'run'", runs.file));
    r.axis_columns.assign(runs.header.begin() + 1, runs.header.begin() + static_cast<long>(vehicle));
    for (const auto& row : runs.rows) {
        RunRecord run;
        run.index = r.runs.size();
        if (row[0] != std::to_string(run.index))
            throw std::invalid_argument(fmt::format("{}: runs are not numbered 0, 1, 2, ... (found '{}')", runs.file, row[0]));
        run.labels.assign(row.begin() + 1, row.begin() + static_cast<long>(vehicle));
        if (!row[vehicle].empty()) run.vehicle_run = run_number(row[vehicle], runs.file, runs.rows.size());
        run.added_as_reference = row[reference] == "yes";
        r.runs.push_back(std::move(run));
    }
}

void read_manifest(Results& r) {
    const fs::path file = r.directory / "manifest.json";
    std::ifstream in(file);
    if (!in) throw std::invalid_argument(fmt::format("cannot read '{}'", file.string()));
    nlohmann::json m;
    try {
        m = nlohmann::json::parse(in);
        r.scenario_name = m.at("scenario").at("name").get<std::string>();
        r.scenario_file = m.at("scenario").at("file").get<std::string>();
        r.scenario_hash = m.at("scenario").value("hash", "");
        r.ntsim_version = m.value("ntsim_version", "");
        for (const auto& run : m.value("runs", nlohmann::json::array())) {
            const auto index = run.at("run").get<std::size_t>();
            if (index >= r.runs.size()) continue;
            r.runs[index].ok = run.value("status", "ok") == "ok";
            r.runs[index].message = run.value("message", "");
        }
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(fmt::format("{}: {}", file.string(), e.what()));
    }
}

void add_observable(Results& r, const std::string& id) {
    if (std::find(r.observables.begin(), r.observables.end(), id) == r.observables.end()) r.observables.push_back(id);
}

void read_trajectories(Results& r) {
    const fs::path file = r.directory / "trajectories.csv";
    if (!fs::exists(file)) return;
    CsvReader reader(file);
    const std::size_t time = reader.require_column("time_s"), observable = reader.require_column("observable"),
                      value = reader.require_column("value");
    std::vector<std::string> row;
    while (reader.next(row)) {
        const std::size_t run = run_number(row[0], reader.file(), r.runs.size());
        add_observable(r, row[observable]);
        TimeSeries& series = r.trajectories[{run, row[observable]}];
        series.times_s.push_back(csv_number(row[time]));
        series.values.push_back(csv_number(row[value]));
    }
}

void read_summary(Results& r) {
    const fs::path file = r.directory / "summary.csv";
    if (!fs::exists(file)) return;
    const CsvTable table = read_csv(file);
    const std::size_t observable = table.require_column("observable"), status = table.require_column("status");
    for (const auto& row : table.rows) {
        SummaryRecord record{run_number(row[0], table.file, r.runs.size()), row[observable], {}};
        add_observable(r, record.observable);
        for (std::size_t c = status + 1; c < row.size(); ++c)
            if (c != observable) record.metrics[table.header[c]] = csv_number(row[c]);
        r.summary.push_back(std::move(record));
    }
}

void read_half_maximal(Results& r) {
    const fs::path file = r.directory / "ec50.csv";
    if (!fs::exists(file)) return;
    const CsvTable table = read_csv(file);
    const std::size_t observable = table.require_column("observable"),
                      dose = table.require_column("half_maximal_dose_mg_per_kg");
    for (const auto& row : table.rows) {
        HalfMaximalRecord record;
        record.labels.assign(row.begin() + 1, row.begin() + 1 + static_cast<long>(r.axis_columns.size()));
        record.observable = row[observable];
        const double d = csv_number(row[dose]);
        if (std::isfinite(d)) record.dose_mg_per_kg = d;
        r.half_maximal.push_back(std::move(record));
    }
}

void read_expectations(Results& r) {
    const fs::path file = r.directory / "expectations.csv";
    if (!fs::exists(file)) return;
    const CsvTable t = read_csv(file);
    const auto c = [&](const char* name) { return t.require_column(name); };
    const std::size_t id = c("id"), held = c("held"), measured = c("measured"), op = c("op"), compared = c("compared_with"),
                      claim = c("claim"), source = c("source"), detail = c("detail");
    for (const auto& row : t.rows)
        r.expectations.push_back({row[id], row[held] == "held", csv_number(row[measured]), row[op], csv_number(row[compared]),
                                  row[claim], row[source], row[detail]});
}

}  // namespace

std::optional<std::size_t> Results::axis(std::string_view column) const {
    for (std::size_t i = 0; i < axis_columns.size(); ++i)
        if (axis_columns[i] == column) return i;
    return std::nullopt;
}

const std::string& Results::label(std::size_t run, std::string_view column) const {
    const auto a = axis(column);
    return a ? runs.at(run).labels.at(*a) : no_label;
}

const TimeSeries* Results::trajectory(std::size_t run, const std::string& observable) const {
    const auto it = trajectories.find({run, observable});
    return it == trajectories.end() ? nullptr : &it->second;
}

const SummaryRecord* Results::summary_row(std::size_t run, const std::string& observable) const {
    for (const auto& s : summary)
        if (s.run == run && s.observable == observable) return &s;
    return nullptr;
}

std::vector<std::string> Results::distinct(std::string_view column) const {
    std::vector<std::string> values;
    const auto a = axis(column);
    if (!a) return values;
    for (const auto& run : runs)
        if (std::find(values.begin(), values.end(), run.labels[*a]) == values.end()) values.push_back(run.labels[*a]);
    return values;
}

Results read_results(const fs::path& directory) {
    if (!fs::is_directory(directory))
        throw std::invalid_argument(fmt::format("'{}' is not a results directory (run `ntsim sweep SCENARIO -o DIR` first)",
                                                directory.string()));
    Results r;
    r.directory = directory;
    read_runs(r);
    read_manifest(r);
    read_trajectories(r);
    read_summary(r);
    read_half_maximal(r);
    read_expectations(r);
    return r;
}

SpeciesStates read_states(const Results& results) {
    const fs::path file = results.directory / "states.csv";
    if (!fs::exists(file))
        throw std::invalid_argument(fmt::format("{} has no states.csv; run the sweep with --states: ntsim sweep {} -o {} --states",
                                                results.directory.string(), results.scenario_file, results.directory.string()));
    CsvReader reader(file);
    const std::size_t time = reader.require_column("time_s"), species = reader.require_column("species"),
                      value = reader.require_column("value_nM");
    SpeciesStates states;
    states.runs.resize(results.runs.size());
    std::map<std::string, std::size_t> species_index;
    std::vector<std::string> row;
    while (reader.next(row)) {
        const std::size_t run = run_number(row[0], reader.file(), results.runs.size());
        auto [it, added] = species_index.try_emplace(row[species], states.species.size());
        if (added) states.species.push_back(row[species]);
        auto& r = states.runs[run];
        if (r.values_nm.size() < states.species.size()) r.values_nm.resize(states.species.size());
        const double t = csv_number(row[time]);
        // Rows come time-major, every species in the same order at each sample; a sample starts
        // with the first species (times alone would merge two samples at a dose instant).
        if (r.times_s.empty() || it->second == 0) r.times_s.push_back(t);
        auto& v = r.values_nm[it->second];
        v.resize(r.times_s.size(), NAN);
        v.back() = csv_number(row[value]);
    }
    for (auto& r : states.runs) {
        if (r.times_s.empty()) continue;
        r.values_nm.resize(states.species.size());
        for (auto& v : r.values_nm) v.resize(r.times_s.size(), NAN);
    }
    return states;
}

}  // namespace ntsim::viz
