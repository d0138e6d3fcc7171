// `ntsim sbml-suite DIR`: runs every case folder of the SBML Test Suite layout (model, settings,
// expected results) and compares with |E - A| <= absolute + relative*|E|, per case and in total.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "cli/commands.hpp"
#include "models/models.hpp"
#include "solver/solver.hpp"

namespace ntsim::cli {

namespace {

namespace fs = std::filesystem;

// Integration tolerances for the suite: tighter than the comparison's 1e-4 relative so the
// solver's own error never decides a case; the absolute one scales with the case's (amounts
// in the suite run from 1e-15 to 1e6).
constexpr double suite_rtol = 1e-9;
constexpr double suite_atol_fraction = 1e-6;
constexpr long suite_max_steps = 500'000;

enum class Outcome { pass, fail, error, unsupported };

std::string to_string(Outcome o) {
    switch (o) {
        case Outcome::pass: return "pass";
        case Outcome::fail: return "fail";
        case Outcome::error: return "error";
        case Outcome::unsupported: return "unsupported";
    }
    return "?";
}

struct CaseResult {
    std::string id;
    Outcome outcome = Outcome::error;
    std::string reason;
    double seconds = 0.0;
};

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        item = trim(item);
        if (!item.empty()) items.push_back(item);
    }
    return items;
}

std::map<std::string, std::string> read_settings(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw std::invalid_argument(fmt::format("cannot read {}", file.string()));
    std::map<std::string, std::string> settings;
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        settings[trim(line.substr(0, colon))] = trim(line.substr(colon + 1));
    }
    return settings;
}

double parse_value(const std::string& text) {
    std::string t = trim(text);
    std::string lower = t;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (lower == "inf" || lower == "+inf" || lower == "infinity") return std::numeric_limits<double>::infinity();
    if (lower == "-inf" || lower == "-infinity") return -std::numeric_limits<double>::infinity();
    return std::stod(t);
}

struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<double>> rows;
};

Table read_results(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw std::invalid_argument(fmt::format("cannot read {}", file.string()));
    Table table;
    std::string line;
    if (std::getline(in, line)) table.header = split_list(line);
    while (std::getline(in, line)) {
        if (trim(line).empty()) continue;
        std::vector<double> row;
        for (const auto& cell : split_list(line)) row.push_back(parse_value(cell));
        table.rows.push_back(std::move(row));
    }
    return table;
}

fs::path model_file(const fs::path& folder, const std::string& id) {
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(id + "-sbml-") && name.ends_with(".xml")) return entry.path();
    }
    throw std::invalid_argument(fmt::format("no {}-sbml-*.xml in {}", id, folder.string()));
}

bool close_enough(double expected, double actual, double absolute, double relative) {
    if (std::isnan(expected)) return std::isnan(actual);
    if (std::isinf(expected)) return actual == expected;
    return std::fabs(expected - actual) <= absolute + relative * std::fabs(expected);
}

// What a settings variable means: a species as amount or concentration as the settings ask,
// anything else by its id (parameter, compartment, reaction rate).
models::ExprPtr variable_expression(const models::Model& model, const std::string& sbml_id, const std::vector<std::string>& amounts,
                                    const std::vector<std::string>& concentrations) {
    const std::string id = models::model_id_of_sbml_id(sbml_id);
    const auto s = model.species_index(id);
    if (!s) return models::symbol(id);
    const auto& species = model.species[*s];
    const auto& compartment = model.compartments[species.compartment];
    const bool stands_for_amount = species.only_substance_units || compartment.spatial_dimensions == 0;
    const bool want_amount = std::find(amounts.begin(), amounts.end(), sbml_id) != amounts.end();
    const bool want_concentration = std::find(concentrations.begin(), concentrations.end(), sbml_id) != concentrations.end();
    const auto value = models::symbol(id), volume = models::symbol(compartment.id);
    if (want_amount && !stands_for_amount) return models::make(models::Op::mul, {value, volume});
    if (want_concentration && stands_for_amount && compartment.spatial_dimensions != 0) return models::make(models::Op::div, {value, volume});
    return value;
}

// The case's model as ntsim simulates it: imported, or imported and passed through the JSON format.
models::Model case_model(const fs::path& file, bool via_json) {
    models::Model model = models::load_sbml(file);
    if (!via_json) return model;
    return models::load_from_string(models::to_json_text(model), fs::path(file).replace_extension(".json"));
}

CaseResult run_case(const fs::path& folder, bool via_json) {
    CaseResult result;
    result.id = folder.filename().string();
    const auto started = std::chrono::steady_clock::now();
    try {
        const auto settings = read_settings(folder / (result.id + "-settings.txt"));
        const auto get = [&](const char* key) {
            const auto it = settings.find(key);
            return it == settings.end() ? std::string() : it->second;
        };
        if (get("duration").empty()) {
            const models::Model probe_model = models::load_sbml(model_file(folder, result.id));  // reports the package
            throw models::SbmlUnsupported({{result.id, "", "not a time course (flux balance analysis)"}});
        }
        const double start = parse_value(get("start")), duration = parse_value(get("duration"));
        const int steps = std::stoi(get("steps"));
        const double absolute = parse_value(get("absolute")), relative = parse_value(get("relative"));
        const auto variables = split_list(get("variables"));
        const auto amounts = split_list(get("amount")), concentrations = split_list(get("concentration"));
        const Table expected = read_results(folder / (result.id + "-results.csv"));

        const models::Model model = case_model(model_file(folder, result.id), via_json);
        const models::Network network(model);
        const solver::OdeSystem system = solver::compile(network);
        std::vector<models::ExprPtr> probes;
        for (const auto& v : variables) probes.push_back(variable_expression(model, v, amounts, concentrations));
        solver::Probe probe(system, probes);

        std::vector<double> times;
        for (int k = 0; k <= steps; ++k) times.push_back(start + duration * k / steps);
        std::vector<double> inputs = system.default_inputs(), x0;
        system.initial_values(inputs, x0, start);
        solver::SolverOptions options;
        options.rtol = suite_rtol;
        options.atol = std::max(absolute * suite_atol_fraction, 1e-300);
        options.max_steps = suite_max_steps;
        options.linear_solver = solver::LinearSolverKind::dense;
        // SBML species may take any sign (events and rules set some cases' species negative,
        // and the expected results say so), so the negative-state check would misjudge them.
        options.check_negative_states = false;
        const auto run = solver::simulate(system, inputs, x0, times, options);

        solver::Workspace ws(system);
        ws.set_inputs(inputs);
        const std::size_t n = system.size(), m = variables.size();
        std::vector<double> values(m);
        std::vector<std::size_t> column(m);
        for (std::size_t j = 0; j < m; ++j) {
            const auto it = std::find(expected.header.begin() + 1, expected.header.end(), variables[j]);
            if (it == expected.header.end()) throw std::invalid_argument(fmt::format("variable '{}' not in the results file", variables[j]));
            column[j] = static_cast<std::size_t>(it - expected.header.begin());
        }
        const auto& tr = run.trajectory;
        for (std::size_t k = 0; k < tr.times.size() && k < expected.rows.size(); ++k) {
            probe.evaluate(ws, tr.times[k], tr.states.data() + k * n, values.data());
            for (std::size_t j = 0; j < m; ++j) {
                const double e = expected.rows[k].at(column[j]);
                if (!close_enough(e, values[j], absolute, relative)) {
                    result.outcome = Outcome::fail;
                    result.reason = fmt::format("{} at t = {:g}: expected {:.10g}, got {:.10g}", variables[j], tr.times[k], e, values[j]);
                    break;
                }
            }
            if (result.outcome == Outcome::fail) break;
        }
        if (result.outcome != Outcome::fail) {
            if (run.failure) {
                result.outcome = Outcome::error;
                result.reason = fmt::format("integration failed at t = {:g}: {}", run.failure->time, run.failure->message);
            } else if (tr.times.size() != expected.rows.size()) {
                result.outcome = Outcome::error;
                result.reason = fmt::format("{} rows computed, {} expected", tr.times.size(), expected.rows.size());
            } else {
                result.outcome = Outcome::pass;
            }
        }
    } catch (const models::SbmlUnsupported& e) {
        result.outcome = Outcome::unsupported;
        result.reason = e.problems().empty() ? e.what() : e.problems().front().pointer + ": " + e.problems().front().message;
    } catch (const std::exception& e) {
        result.outcome = Outcome::error;
        result.reason = e.what();
        std::replace(result.reason.begin(), result.reason.end(), '\n', ' ');
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

// The construct named by an unsupported-case message ("a fast reaction (rapid equilibrium)"),
// or the kind of failure.
std::string cause_of(const CaseResult& r) {
    if (r.outcome == Outcome::unsupported) {
        std::string cause = r.reason.substr(r.reason.rfind(": ") == std::string::npos ? 0 : r.reason.rfind(": ") + 2);
        const std::string suffix = " is not supported";
        if (cause.ends_with(suffix)) cause.resize(cause.size() - suffix.size());
        return cause;
    }
    if (r.outcome == Outcome::fail) return "values outside the tolerance";
    if (r.reason.starts_with("integration failed")) return "integration failed";
    return r.reason;
}

void write_report(const std::string& path, const std::vector<CaseResult>& results, std::size_t passed) {
    std::ofstream out(path);
    if (!out) throw std::invalid_argument(fmt::format("cannot write '{}'", path));
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_cause;
    for (const auto& r : results)
        if (r.outcome != Outcome::pass) by_cause[{to_string(r.outcome), cause_of(r)}].push_back(r.id);
    out << fmt::format("Passed {} of {} cases.\n\n| outcome | cause | cases | case ids |\n|---|---|---:|---|\n", passed, results.size());
    for (const auto& [key, ids] : by_cause) {
        std::string list;
        for (const auto& id : ids) list += (list.empty() ? "" : " ") + id;
        out << fmt::format("| {} | {} | {} | {} |\n", key.first, key.second, ids.size(), list);
    }
}

}  // namespace

int run_sbml_suite(const SbmlSuiteArgs& args) {
    return guarded([&] {
        const fs::path root(args.directory);
        if (!fs::is_directory(root)) throw std::invalid_argument(fmt::format("'{}' is not a directory", args.directory));
        std::vector<fs::path> folders;
        for (const auto& entry : fs::directory_iterator(root)) {
            const std::string name = entry.path().filename().string();
            if (!entry.is_directory() || name.size() != 5 || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
            if (!args.cases.empty() && std::find(args.cases.begin(), args.cases.end(), name) == args.cases.end()) continue;
            folders.push_back(entry.path());
        }
        std::sort(folders.begin(), folders.end());
        std::vector<CaseResult> results(folders.size());
        const int threads = args.threads ? static_cast<int>(args.threads) : tbb::info::default_concurrency();
        tbb::global_control allow(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
        tbb::task_arena arena(threads);
        arena.execute([&] {
            tbb::parallel_for(std::size_t{0}, folders.size(), [&](std::size_t i) { results[i] = run_case(folders[i], args.via_json); }, tbb::simple_partitioner());
        });

        std::size_t counts[4] = {0, 0, 0, 0};
        for (const auto& r : results) {
            ++counts[static_cast<int>(r.outcome)];
            if (!args.quiet || r.outcome != Outcome::pass)
                std::cout << fmt::format("{} {}{}{}\n", r.id, to_string(r.outcome), r.reason.empty() ? "" : ": ", r.reason);
        }
        const std::size_t passed = counts[static_cast<int>(Outcome::pass)];
        std::cout << fmt::format("passed {} of {} ({} fail, {} error, {} unsupported)\n", passed, results.size(),
                                 counts[static_cast<int>(Outcome::fail)], counts[static_cast<int>(Outcome::error)],
                                 counts[static_cast<int>(Outcome::unsupported)]);
        if (!args.report.empty()) write_report(args.report, results, passed);
        if (passed < args.min_pass) {
            std::cerr << fmt::format("error: {} cases passed, fewer than the required {}\n", passed, args.min_pass);
            return 1;
        }
        return 0;
    });
}

}  // namespace ntsim::cli
