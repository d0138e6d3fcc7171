// Scenario files -> Scenario. Uses the models layer's located JSON reader so scenario errors name
// file, JSON Pointer and problem exactly like model errors do.
#include "scenarios/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/json_reader.hpp"
#include "scenarios/samplers.hpp"

namespace ntsim::scenarios {

namespace fs = std::filesystem;
using models::Dimension;
using models::JsonReader;
using models::Problems;

namespace {

constexpr const char* vehicle = "vehicle";
// Sweeps larger than this are refused before any axis or run is materialised: the plan holds
// every run (a few bytes each) and writes it to runs.csv before anything runs.
constexpr double max_runs = 1e6;
constexpr int max_doses = 100'000;
// Seeds are read from JSON numbers, which are exact integers only up to 2^53.
constexpr double max_seed = 9007199254740992.0;
// Samples of one run's trajectory: a run in flight holds them (times observables) in memory, and
// a chunk of runs is held until it is stored. 28 days sampled every minute is about 40,000.
constexpr double max_samples_per_run = 1e5;

// "0.5 mg/kg", "2 h", "1e-3 1/s": a number, then a unit. The unit is required so a bare number is
// never silently read in the internal unit.
std::optional<double> quantity_text(const JsonReader& entry, const Dimension& dimension, const char* example) {
    const std::string text = entry.string();
    if (entry.has_failed()) return std::nullopt;
    std::size_t used = 0;
    double number = 0.0;
    try {
        number = std::stod(text, &used);
    } catch (const std::exception&) {
        entry.fail(fmt::format("expected a number with a unit, such as '{}', got '{}'", example, text));
        return std::nullopt;
    }
    // stod reads "nan" and "inf" too; no duration, dose or parameter value can be either.
    if (!std::isfinite(number)) {
        entry.fail(fmt::format("'{}' is not a finite number", text));
        return std::nullopt;
    }
    const std::string unit_text = text.substr(used);
    if (unit_text.find_first_not_of(' ') == std::string::npos) {
        entry.fail(fmt::format("'{}' needs a unit, such as '{}'", text, example));
        return std::nullopt;
    }
    try {
        const models::Unit unit = models::parse_unit(unit_text);
        if (!(unit.dimension == dimension)) {
            entry.fail(fmt::format("'{}' is {}, but this place needs {}", text, models::to_string(unit.dimension),
                                   models::to_string(dimension)));
            return std::nullopt;
        }
        // A finite number can still overflow in internal units (1e305 d in seconds).
        if (!std::isfinite(number * unit.to_internal)) {
            entry.fail(fmt::format("expected a finite number with a unit, such as '{}', got '{}'", example, text));
            return std::nullopt;
        }
        return number * unit.to_internal;
    } catch (const models::UnitError& e) {
        entry.fail(e.what());
        return std::nullopt;
    }
}

const Dimension dose_dimension = Dimension::mass() / Dimension::mass();
constexpr double internal_per_mg_per_kg = 1e-6;  // g/g

std::optional<double> duration(const JsonReader& entry) { return quantity_text(entry, Dimension::time(), "2 h"); }

std::optional<double> dose(const JsonReader& entry) {
    const std::string text = entry.string();
    if (!entry.has_failed() && text.find("/kg") == std::string::npos) {
        entry.fail(fmt::format("a dose is mass per body mass, such as '0.5 mg/kg' or '50 ug/kg'; got '{}'", text));
        return std::nullopt;
    }
    const auto v = quantity_text(entry, dose_dimension, "0.5 mg/kg");
    if (!v) return std::nullopt;
    if (*v < 0) {
        entry.fail("a dose must be >= 0");
        return std::nullopt;
    }
    return *v / internal_per_mg_per_kg;
}

std::vector<double> grid(const JsonReader& g, const std::function<std::optional<double>(const JsonReader&)>& read) {
    if (!g.require_object()) return {};
    g.check_keys({"from", "to", "points", "scale"});
    const auto from = read(g.at("from")), to = read(g.at("to"));
    const double points = g.at("points").number();
    const std::string scale = g.optional("scale") ? g.at("scale").string() : "linear";
    if (!from || !to || g.has_failed()) return {};
    if (points < 2 || points > 1e6 || points != std::floor(points)) {
        g.at("points").fail("points must be a whole number from 2 to 1000000");
        return {};
    }
    if (scale != "linear" && scale != "log") {
        g.at("scale").fail(fmt::format("unknown scale '{}'; allowed: linear, log", scale));
        return {};
    }
    if (scale == "log" && (*from <= 0 || *to <= 0)) {
        g.fail("a log grid needs 'from' and 'to' > 0");
        return {};
    }
    std::vector<double> values;
    const auto n = static_cast<std::size_t>(points);
    for (std::size_t k = 0; k < n; ++k) {
        const double f = static_cast<double>(k) / static_cast<double>(n - 1);
        values.push_back(scale == "log" ? std::exp(std::log(*from) + f * (std::log(*to) - std::log(*from)))
                                        : *from + f * (*to - *from));
    }
    return values;
}

class ScenarioLoader {
public:
    ScenarioLoader(const fs::path& file) : file_(file), name_(file.string()) {}

    Scenario load() { return load_document(models::read_json_file(problems_, file_, name_)); }
    Scenario load(const std::string& text) { return load_document(models::parse_json_text(problems_, text, name_)); }

private:
    Scenario load_document(nlohmann::json document) {
        document_ = std::move(document);
        const JsonReader root(problems_, name_, document_, "");
        root.require_object();
        root.check_keys({"name", "description", "notes", "model", "compounds", "regions", "schedules", "run",
                         "observe", "outputs", "axes", "expectations"});
        problems_.throw_if_any();

        s_.file = name_;
        s_.name = root.optional("name") ? root.at("name").string() : file_.stem().string();
        if (auto d = root.optional("description")) s_.description = d->string();
        load_model(root);
        problems_.throw_if_any();
        read_regions(root.at("regions"));
        read_schedules(root.at("schedules"));
        problems_.throw_if_any();
        read_run(root.at("run"));
        if (auto o = duration(root.at("observe"))) s_.observe_s = *o;
        if (s_.observe_s <= 0 && !root.at("observe").has_failed()) root.at("observe").fail("'observe' must be > 0");
        read_outputs(root.at("outputs"));
        if (s_.sample_every_s > 0 && s_.observe_s > 0) check_samples_per_run(root.at("outputs"));
        if (auto axes = root.optional("axes")) read_axes(*axes);
        problems_.throw_if_any();
        if (auto e = root.optional("expectations")) read_expectations(*e);
        problems_.throw_if_any();
        return std::move(s_);
    }

    fs::path relative(const std::string& path) const { return file_.parent_path() / path; }

    void load_model(const JsonReader& root) {
        const JsonReader model = root.at("model");
        const std::string model_path = model.string();
        if (model.has_failed()) return;
        s_.model_files.push_back(relative(model_path).lexically_normal().string());
        if (auto compounds = root.optional("compounds")) {
            compounds->require_array();
            for (std::size_t i = 0; i < compounds->size(); ++i) {
                const JsonReader c = compounds->at(i);
                const std::string path = c.string();
                if (c.has_failed()) continue;
                if (!fs::exists(relative(path))) c.fail(fmt::format("compound file '{}' not found", path));
                else if (!fs::is_regular_file(relative(path))) c.fail(fmt::format("compound file '{}' is not a regular file", path));
                else s_.model_files.push_back(relative(path).lexically_normal().string());
            }
        }
        if (!fs::exists(s_.model_files.front())) {
            model.fail(fmt::format("model file '{}' not found", model_path));
            return;
        }
        if (!fs::is_regular_file(s_.model_files.front())) {
            model.fail(fmt::format("model file '{}' is not a regular file", model_path));
            return;
        }
        problems_.throw_if_any();
        s_.model = models::load(std::vector<fs::path>(s_.model_files.begin(), s_.model_files.end()));
        // The sweep runner pre-equilibrates and doses by itself; SBML events would need the event
        // driver inside that loop, so a model with events is refused rather than run without them.
        if (!s_.model.events.empty())
            model.fail(fmt::format("model '{}' has events (first: '{}'); sweeps do not execute SBML events yet", s_.model.name,
                                   s_.model.events.front().id));
    }

    void read_regions(const JsonReader& regions) {
        if (!regions.require_object()) return;
        for (const auto& name : regions.keys()) {
            const JsonReader entry = regions.at(name.c_str());
            const std::string path = entry.string();
            if (entry.has_failed()) continue;
            if (!fs::exists(relative(path))) {
                entry.fail(fmt::format("region file '{}' not found", path));
                continue;
            }
            if (!fs::is_regular_file(relative(path))) {
                entry.fail(fmt::format("region file '{}' is not a regular file", path));
                continue;
            }
            models::Region region = models::load_region(relative(path).lexically_normal(), s_.model);
            if (region.name != name)
                entry.fail(fmt::format("the file names its region '{}', not '{}'", region.name, name));
            s_.regions.emplace(name, std::move(region));
        }
        if (s_.regions.empty() && !regions.has_failed()) regions.fail("at least one region is needed");
    }

    void read_schedules(const JsonReader& schedules) {
        if (!schedules.require_object()) return;
        for (const auto& name : schedules.keys()) {
            const JsonReader e = schedules.at(name.c_str());
            if (!e.require_object()) continue;
            e.check_keys({"doses", "every", "start", "until", "notes"});
            Schedule sc;
            sc.name = name;
            if (auto start = e.optional("start")) {
                if (auto t = duration(*start)) sc.start_s = *t;
                if (sc.start_s < 0) start->fail("a schedule cannot start before time 0");
            }
            const auto doses = e.optional("doses");
            const auto until = e.optional("until");
            if (doses.has_value() == until.has_value()) {
                e.fail("give exactly one of 'doses' (a count) or 'until' (the time of the last dose)");
                continue;
            }
            if (until) {
                // "every 24 h until 27 d": the doses at start, start + every, ... up to 'until'.
                const auto last = duration(*until);
                const auto every = duration(e.at("every"));
                if (!last || !every) continue;
                if (*last < sc.start_s) {
                    until->fail(fmt::format("the schedule ends ({} s) before it starts ({} s)", *last, sc.start_s));
                    continue;
                }
                if (*every <= 0) {
                    e.at("every").fail("the interval between doses must be > 0");
                    continue;
                }
                sc.interval_s = *every;
                // Counted as a double first: a tiny interval would overflow the int.
                const double count = std::floor((*last - sc.start_s) / *every + 1e-9) + 1;
                if (count > max_doses) {
                    e.fail(fmt::format("{:.3g} doses, more than the limit of {}", count, max_doses));
                    continue;
                }
                sc.doses = static_cast<int>(count);
            } else {
                const double count = doses->number();
                if (count < 1 || count > max_doses || count != std::floor(count)) {
                    doses->fail(fmt::format("doses must be a whole number from 1 to {}", max_doses));
                    continue;
                }
                sc.doses = static_cast<int>(count);
                if (sc.doses > 1) {
                    if (auto t = duration(e.at("every"))) sc.interval_s = *t;
                    if (sc.interval_s <= 0 && !e.has_failed()) e.at("every").fail("the interval between doses must be > 0");
                } else if (e.optional("every")) {
                    e.at("every").fail("'every' needs more than one dose");
                }
            }
            s_.schedules.emplace(name, sc);
        }
        if (s_.schedules.empty() && !schedules.has_failed()) schedules.fail("at least one schedule is needed");
    }

    void check_label(const JsonReader& entry, const std::string& axis, const std::string& label) {
        auto known = [&]() -> std::vector<std::string> {
            std::vector<std::string> names;
            if (axis == "region") for (const auto& [n, r] : s_.regions) names.push_back(n);
            if (axis == "schedule") for (const auto& [n, r] : s_.schedules) names.push_back(n);
            if (axis == "compound") {
                names.push_back(vehicle);
                for (const auto& c : s_.model.compounds) names.push_back(c.id);
            }
            return names;
        }();
        if (std::find(known.begin(), known.end(), label) == known.end())
            entry.fail(fmt::format("unknown {} '{}'; known: {}", axis, label, models::known_list(known, label)));
    }

    bool is_as_written(const std::string& id) const {
        if (const auto s = s_.model.species_index(id)) return s_.model.species[*s].as_written;
        if (const auto p = s_.model.parameter_index(id)) return s_.model.parameters[*p].as_written;
        return false;
    }

    // Entities of an SBML model keep the file's numbers without units, so values for them do too.
    static std::optional<double> plain_number(const JsonReader& entry, const std::string& id) {
        if (!entry.is_number()) {
            entry.fail(fmt::format("'{}' comes from a model whose numbers are used as written (SBML): give a plain number "
                                   "in the model's own units", id));
            return std::nullopt;
        }
        return entry.number();
    }

    // A value for a parameter, or for a species (a constant input's level, or an initial value).
    std::optional<double> parameter_value(const JsonReader& entry, const std::string& id) {
        if (is_as_written(id)) return plain_number(entry, id);
        if (const auto species = s_.model.species_index(id))
            return quantity_text(entry, Dimension::concentration(), "1 nM");
        const auto index = s_.model.parameter_index(id);
        if (!index) {
            entry.fail(fmt::format("unknown parameter '{}'; known: {}", id, models::known_list(models::ids_of(s_.model.parameters), id)));
            return std::nullopt;
        }
        const auto& p = s_.model.parameters[*index];
        return quantity_text(entry, p.dimension, p.unit.empty() ? "1" : ("1 " + p.unit).c_str());
    }

    void read_run(const JsonReader& run) {
        if (!run.require_object()) return;
        run.check_keys({"region", "compound", "dose", "route", "schedule", "parameters"});
        RunSettings& b = s_.base;
        b.region = run.at("region").string();
        check_label(run.at("region"), "region", b.region);
        b.schedule = run.at("schedule").string();
        check_label(run.at("schedule"), "schedule", b.schedule);
        if (auto c = run.optional("compound")) {
            b.compound = c->string();
            check_label(*c, "compound", b.compound);
        }
        if (auto d = run.optional("dose")) {
            if (auto v = dose(*d)) b.dose_mg_per_kg = *v;
        }
        if (auto r = run.optional("route")) b.route = r->string();
        if (auto params = run.optional("parameters")) {
            if (params->require_object()) {
                for (const auto& id : params->keys())
                    if (auto v = parameter_value(params->at(id.c_str()), id)) b.parameters[id] = *v;
            }
        }
    }

    void read_outputs(const JsonReader& outputs) {
        if (!outputs.require_object()) return;
        outputs.check_keys({"observables", "every", "at"});
        if (auto every = duration(outputs.at("every"))) s_.sample_every_s = *every;
        if (s_.sample_every_s <= 0 && !outputs.has_failed()) outputs.at("every").fail("'every' must be > 0");
        if (auto list = outputs.optional("observables")) {
            list->require_array();
            for (std::size_t i = 0; i < list->size(); ++i) {
                const JsonReader o = list->at(i);
                const std::string id = o.string();
                if (o.has_failed()) continue;
                // Species and parameters too, so a model without observables (SBML) can be swept.
                const auto it = s_.model.ids.find(id);
                if (it == s_.model.ids.end() || it->second.kind == models::EntityKind::reaction) {
                    o.fail(fmt::format("unknown observable '{}' (outputs are observables, species or parameters); known: {}", id,
                                       models::known_list(models::ids_of(s_.model.observables), id)));
                } else {
                    s_.observables.push_back(id);
                }
            }
        } else {
            for (const auto& o : s_.model.observables) s_.observables.push_back(o.id);
        }
        if (auto at = outputs.optional("at")) {
            at->require_array();
            for (std::size_t i = 0; i < at->size(); ++i)
                if (auto t = duration(at->at(i))) s_.metric_times_s.push_back(*t);
        }
    }

    // The longest schedule's trajectory, from time 0 to the end of observation after its last dose.
    void check_samples_per_run(const JsonReader& outputs) {
        for (const auto& [name, schedule] : s_.schedules) {
            const double samples = (schedule.dose_times().back() + s_.observe_s) / s_.sample_every_s;
            if (samples > max_samples_per_run) {
                outputs.at("every").fail(fmt::format("sampling every {} s gives {:.3g} samples per run with schedule '{}', "
                                                     "more than the limit of {:.0f}; sample less often or observe less",
                                                     s_.sample_every_s, samples, name, max_samples_per_run));
                return;
            }
        }
    }

    void read_axes(const JsonReader& axes) {
        if (!axes.require_array()) return;
        std::set<std::string> names;
        double runs = 1;
        for (std::size_t i = 0; i < axes.size(); ++i) {
            const JsonReader a = axes.at(i);
            if (!a.require_object()) continue;
            const std::string kind = a.at("axis").string();
            Axis axis;
            axis.name = kind;
            if (kind == "region" || kind == "compound" || kind == "schedule") {
                a.check_keys({"axis", "values"});
                axis.kind = kind == "region" ? AxisKind::region : kind == "compound" ? AxisKind::compound : AxisKind::schedule;
                const JsonReader values = a.at("values");
                if (values.require_array()) {
                    for (std::size_t k = 0; k < values.size(); ++k) {
                        const std::string label = values.at(k).string();
                        check_label(values.at(k), kind, label);
                        axis.labels.push_back(label);
                    }
                }
            } else if (kind == "dose") {
                a.check_keys({"axis", "values", "grid"});
                axis.kind = AxisKind::dose;
                axis.numbers = numbers(a, [&](const JsonReader& e) { return dose(e); });
            } else if (kind == "parameter") {
                a.check_keys({"axis", "id", "values", "grid"});
                axis.kind = AxisKind::parameter;
                axis.name = a.at("id").string();
                if (!a.at("id").has_failed() && !s_.model.parameter_index(axis.name) && !s_.model.species_index(axis.name)) {
                    a.at("id").fail(fmt::format("unknown parameter '{}'; known: {}", axis.name, models::known_list(models::ids_of(s_.model.parameters), axis.name)));
                } else if (!a.at("id").has_failed()) {
                    const std::string id = axis.name;
                    axis.numbers = numbers(a, [&](const JsonReader& e) { return parameter_value(e, id); });
                }
            } else if (kind == "sample") {
                read_sample_axis(a, axis, runs);
            } else if (!a.at("axis").has_failed()) {
                a.at("axis").fail(fmt::format("unknown axis '{}'; allowed: region, compound, schedule, dose, parameter, sample", kind));
                continue;
            }
            if (axis.size() == 0 && !a.has_failed()) a.fail("an axis needs at least one value");
            if (!names.insert(axis.name).second) a.fail(fmt::format("axis '{}' appears twice", axis.name));
            runs *= static_cast<double>(std::max<std::size_t>(axis.size(), 1));
            s_.axes.push_back(std::move(axis));
        }
        if (runs > max_runs) axes.fail(too_many_runs(runs));
    }

    static std::string too_many_runs(double runs) {
        return fmt::format("the sweep expands to {:.3g} runs, more than the limit of {:.0g}; split it into several scenarios",
                           runs, max_runs);
    }

    std::vector<double> numbers(const JsonReader& a, const std::function<std::optional<double>(const JsonReader&)>& read) {
        const auto values = a.optional("values");
        const auto g = a.optional("grid");
        if (values.has_value() == g.has_value()) {
            a.fail("give exactly one of 'values' or 'grid'");
            return {};
        }
        if (g) return grid(*g, read);
        std::vector<double> out;
        if (!values->require_array()) return out;
        for (std::size_t k = 0; k < values->size(); ++k)
            if (auto v = read(values->at(k))) out.push_back(*v);
        return out;
    }

    // `runs_before`: the product of the sizes of the axes before this one, so an oversized design
    // is refused before it is drawn.
    void read_sample_axis(const JsonReader& a, Axis& axis, double runs_before) {
        a.check_keys({"axis", "method", "points", "seed", "replicates", "parameters"});
        axis.kind = AxisKind::sample;
        axis.name = "sample";
        axis.sample_method = a.at("method").string();
        if (axis.sample_method != "latin_hypercube" && axis.sample_method != "sobol" && !a.at("method").has_failed())
            a.at("method").fail(fmt::format("unknown sampler '{}'; allowed: latin_hypercube, sobol", axis.sample_method));
        const double points = a.at("points").number();
        const double seed = a.optional("seed") ? a.at("seed").number() : 0;
        const double replicates = a.optional("replicates") ? a.at("replicates").number() : 1;
        if (points < 1 || points > 1e7 || points != std::floor(points)) a.at("points").fail("points must be a whole number from 1 to 10000000");
        if (replicates < 1 || replicates > 1e4 || replicates != std::floor(replicates)) a.at("replicates").fail("replicates must be a whole number from 1 to 10000");
        if (seed < 0 || seed > max_seed || seed != std::floor(seed)) a.at("seed").fail("seed must be a whole number from 0 to 2^53");
        struct Range { double low, high; bool log; };
        std::vector<Range> ranges;
        const JsonReader params = a.at("parameters");
        if (params.require_object()) {
            for (const auto& id : params.keys()) {
                const JsonReader r = params.at(id.c_str());
                if (!r.require_object()) continue;
                r.check_keys({"from", "to", "scale"});
                const auto from = parameter_value(r.at("from"), id), to = parameter_value(r.at("to"), id);
                const std::string scale = r.optional("scale") ? r.at("scale").string() : "linear";
                if (scale != "linear" && scale != "log") r.at("scale").fail("scale must be linear or log");
                if (!from || !to) continue;
                if (scale == "log" && (*from <= 0 || *to <= 0)) r.fail("a log range needs 'from' and 'to' > 0");
                axis.sampled_parameters.push_back(id);
                ranges.push_back({*from, *to, scale == "log"});
            }
        }
        if (a.has_failed() || ranges.empty()) {
            if (ranges.empty() && !a.has_failed()) params.fail("a sample axis needs at least one parameter");
            return;
        }
        if (axis.sample_method == "sobol" && ranges.size() > max_sobol_dimensions) {
            params.fail(fmt::format("sobol supports at most {} parameters", max_sobol_dimensions));
            return;
        }
        if (runs_before * points * replicates > max_runs) {
            a.fail(too_many_runs(runs_before * points * replicates));
            return;
        }
        axis.seed = static_cast<std::uint64_t>(seed);
        const auto n = static_cast<std::size_t>(points), d = ranges.size();
        axis.numbers.reserve(n * d * static_cast<std::size_t>(replicates));  // held for the whole sweep: no spare capacity
        for (std::size_t rep = 0; rep < static_cast<std::size_t>(replicates); ++rep) {
            // Replicate r is an independent design: Latin hypercube reseeded, Sobol re-shifted.
            const std::uint64_t rep_seed = axis.seed + rep;
            const auto unit = axis.sample_method == "sobol" ? sobol(n, d, rep_seed) : latin_hypercube(n, d, rep_seed);
            for (std::size_t k = 0; k < n; ++k) {
                for (std::size_t j = 0; j < d; ++j) {
                    const double u = unit[k * d + j];
                    const Range& r = ranges[j];
                    axis.numbers.push_back(r.log ? std::exp(std::log(r.low) + u * (std::log(r.high) - std::log(r.low)))
                                                 : r.low + u * (r.high - r.low));
                }
            }
        }
    }

    void read_expectations(const JsonReader& list) {
        if (!list.require_array()) return;
        const std::set<std::string> metrics{"value", "fold_change", "peak", "peak_fold_change", "time_to_peak",
                                            "auc", "auc_fold_change", "final", "ec50"};
        for (std::size_t i = 0; i < list.size(); ++i) {
            const JsonReader e = list.at(i);
            if (!e.require_object()) continue;
            e.check_keys({"id", "claim", "source", "where", "observable", "metric", "at", "op", "value", "than", "factor", "notes"});
            Expectation x;
            x.origin = {name_, e.pointer()};
            x.id = e.at("id").string();
            x.claim = e.at("claim").string();
            x.source = e.at("source").string();
            x.where = selector(e.at("where"));
            x.observable = e.at("observable").string();
            if (!e.at("observable").has_failed() &&
                std::find(s_.observables.begin(), s_.observables.end(), x.observable) == s_.observables.end())
                e.at("observable").fail(fmt::format("observable '{}' is not among the scenario's outputs", x.observable));
            x.metric = e.at("metric").string();
            if (!e.at("metric").has_failed() && !metrics.count(x.metric))
                e.at("metric").fail(fmt::format("unknown metric '{}'; allowed: value, fold_change, peak, peak_fold_change, "
                                                "time_to_peak, auc, auc_fold_change, final, ec50", x.metric));
            if (auto at = e.optional("at")) x.at_s = duration(*at);
            if ((x.metric == "value" || x.metric == "fold_change") && !x.at_s && !e.has_failed())
                e.fail(fmt::format("metric '{}' needs 'at' (time after the last dose)", x.metric));
            const std::string op = e.at("op").string();
            if (op == "<") x.op = Comparison::less;
            else if (op == "<=") x.op = Comparison::less_equal;
            else if (op == ">") x.op = Comparison::greater;
            else if (op == ">=") x.op = Comparison::greater_equal;
            else if (!e.at("op").has_failed()) e.at("op").fail(fmt::format("unknown comparison '{}'; allowed: <, <=, >, >=", op));
            const auto value = e.optional("value");
            const auto than = e.optional("than");
            if (value.has_value() == than.has_value()) {
                e.fail("give exactly one of 'value' or 'than'");
                continue;
            }
            if (value) x.value = value->number();
            if (than) x.than = selector(*than);
            if (auto f = e.optional("factor")) x.than_factor = f->number();
            s_.expectations.push_back(std::move(x));
        }
    }

    // {"region": "hippocampus", "compound": "noopept", ...}: keys are axis names or run settings.
    std::map<std::string, std::string> selector(const JsonReader& where) {
        std::map<std::string, std::string> out;
        if (!where.require_object()) return out;
        for (const auto& key : where.keys()) {
            const JsonReader v = where.at(key.c_str());
            std::string label = v.is_string() ? v.string() : v.is_number() ? fmt::format("{}", v.number()) : v.string();
            // Numeric axes may be selected with units ("2 uM", "0.5 mg/kg"); compare in the stored units.
            const bool has_unit = v.is_string() && [&] {
                std::size_t used = 0;
                try {
                    std::stod(label, &used);
                } catch (const std::exception&) {
                    return false;
                }
                return label.find_first_not_of(' ', used) != std::string::npos;
            }();
            if (has_unit && key == "dose") {
                if (auto d = dose(v)) label = fmt::format("{:.17g}", *d);
            } else if (has_unit && key != "region" && key != "compound" && key != "schedule") {
                if (auto p = parameter_value(v, key)) label = fmt::format("{:.17g}", *p);
            }
            if (key == "region" || key == "compound" || key == "schedule") check_label(v, key, label);
            else if (key != "dose" && std::none_of(s_.axes.begin(), s_.axes.end(), [&](const Axis& a) { return a.name == key; }))
                v.fail(fmt::format("unknown selector '{}'; use region, compound, schedule, dose or an axis name", key));
            out[key] = label;
        }
        return out;
    }

    fs::path file_;
    std::string name_;
    Problems problems_;
    nlohmann::json document_;
    Scenario s_;
};

}  // namespace

std::vector<double> Schedule::dose_times() const {
    std::vector<double> times;
    for (int k = 0; k < doses; ++k) times.push_back(start_s + k * interval_s);
    return times;
}

std::size_t Axis::size() const {
    switch (kind) {
        case AxisKind::region:
        case AxisKind::compound:
        case AxisKind::schedule: return labels.size();
        case AxisKind::dose:
        case AxisKind::parameter: return numbers.size();
        case AxisKind::sample: return sampled_parameters.empty() ? 0 : numbers.size() / sampled_parameters.size();
    }
    return 0;
}

Scenario load_scenario(const fs::path& file) { return ScenarioLoader(file).load(); }

Scenario load_scenario_from_string(const std::string& text, const fs::path& file) { return ScenarioLoader(file).load(text); }

std::string to_string(AxisKind kind) {
    switch (kind) {
        case AxisKind::region: return "region";
        case AxisKind::compound: return "compound";
        case AxisKind::schedule: return "schedule";
        case AxisKind::dose: return "dose";
        case AxisKind::parameter: return "parameter";
        case AxisKind::sample: return "sample";
    }
    return "?";
}

std::string to_string(Comparison op) {
    switch (op) {
        case Comparison::less: return "<";
        case Comparison::less_equal: return "<=";
        case Comparison::greater: return ">";
        case Comparison::greater_equal: return ">=";
    }
    return "?";
}

}  // namespace ntsim::scenarios
