// Result files of a sweep. Numbers are written with a fixed format so the same sweep gives
// byte-identical files whatever the thread count.
#include "scenarios/output.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ntsim::scenarios {

namespace fs = std::filesystem;

namespace {

std::string num(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
    return fmt::format("{:.10g}", v);
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// Writes through a temporary file and renames it into place.
class AtomicFile {
public:
    explicit AtomicFile(fs::path path) : path_(std::move(path)), temporary_(path_.string() + ".part") {
        out_.open(temporary_, std::ios::binary | std::ios::trunc);
        if (!out_) throw std::runtime_error(fmt::format("cannot write '{}'", temporary_.string()));
    }
    std::ofstream& stream() { return out_; }
    void commit() {
        out_.close();
        if (!out_) throw std::runtime_error(fmt::format("writing '{}' failed (disk full?)", temporary_.string()));
        fs::rename(temporary_, path_);
    }

private:
    fs::path path_, temporary_;
    std::ofstream out_;
};

std::string header(const SweepPlan& plan) {
    std::string h = "run";
    for (const auto& c : plan.columns) h += "," + csv_field(c);
    return h;
}

std::string run_prefix(const Run& run) {
    std::string p = std::to_string(run.index);
    for (const auto& l : run.labels) p += "," + csv_field(l);
    return p;
}


// states.csv: every species of every run at every sample (long format), for the interactive report.
void write_states(const fs::path& directory, const SweepPlan& plan, const OutcomeSource& full,
                  const std::vector<std::string>& state_ids) {
    AtomicFile file(directory / "states.csv");
    auto& os = file.stream();
    os << header(plan) << ",time_s,species,value_nM\n";
    const std::size_t n = state_ids.size();
    for (std::size_t index = 0; index < plan.size(); ++index) {
        const RunOutcome out = full(index);
        const std::string prefix = run_prefix(plan.run(index));
        for (std::size_t k = 0; k < out.times_s.size() && (k + 1) * n <= out.states.size(); ++k)
            for (std::size_t i = 0; i < n; ++i)
                os << prefix << ',' << num(out.times_s[k]) << ',' << state_ids[i] << ',' << num(out.states[k * n + i]) << '\n';
    }
    file.commit();
}

}  // namespace

void prepare_output_directory(const fs::path& directory) {
    std::error_code ec;
    fs::create_directories(directory, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot create output directory '{}': {}", directory.string(), ec.message()));
    const fs::path probe = directory / ".ntsim-write-test";
    {
        std::ofstream out(probe);
        out << "probe\n";
        if (!out) throw std::runtime_error(fmt::format("output directory '{}' is not writable", directory.string()));
    }
    fs::remove(probe, ec);
}

void write_plan(const fs::path& directory, const SweepPlan& plan, const std::vector<RunOutcome>& outcomes) {
    AtomicFile file(directory / "runs.csv");
    auto& os = file.stream();
    os << header(plan) << ",vehicle_run,added_as_reference,status,message\n";
    for (std::size_t index = 0; index < plan.size(); ++index) {
        const Run run = plan.run(index);
        os << run_prefix(run) << ',' << (run.vehicle ? std::to_string(*run.vehicle) : "") << ','
           << (run.added_as_reference ? "yes" : "no") << ',';
        if (run.index < outcomes.size()) os << to_string(outcomes[run.index].status) << ',' << csv_field(outcomes[run.index].message);
        else os << "pending,";
        os << '\n';
    }
    file.commit();
}

void write_results(const fs::path& directory, const Scenario& scenario, const SweepPlan& plan,
                   const std::vector<RunOutcome>& outcomes, const Summary& summary, const RunContext& context,
                   const OutcomeSource& full, bool trajectories, const std::vector<std::string>& state_ids) {
    const std::size_t n_obs = scenario.observables.size();
    if (trajectories) {
        AtomicFile file(directory / "trajectories.csv");
        auto& os = file.stream();
        os << header(plan) << ",time_s,time_after_last_dose_s,observable,value\n";
        for (std::size_t index = 0; index < plan.size(); ++index) {
            const RunOutcome out = full(index);
            const std::string prefix = run_prefix(plan.run(index));
            for (std::size_t k = 0; k < out.times_s.size(); ++k)
                for (std::size_t o = 0; o < n_obs; ++o)
                    os << prefix << ',' << num(out.times_s[k]) << ',' << num(out.times_s[k] - out.last_dose_s) << ','
                       << scenario.observables[o] << ',' << num(out.values[k * n_obs + o]) << '\n';
        }
        file.commit();
    }
    {
        AtomicFile file(directory / "summary.csv");
        auto& os = file.stream();
        os << header(plan) << ",status,observable,peak,time_to_peak_s,auc,final,peak_fold_change,auc_fold_change,final_fold_change";
        for (double t : scenario.metric_times_s) os << fmt::format(",value_at_{}s,fold_change_at_{}s", num(t), num(t));
        os << '\n';
        for (const auto& row : summary.rows) {
            const Run run = plan.run(row.run);
            os << run_prefix(run) << ',' << to_string(outcomes[row.run].status) << ',' << scenario.observables[row.observable]
               << ',' << num(row.peak) << ',' << num(row.time_to_peak_s) << ',' << num(row.auc) << ',' << num(row.final_value)
               << ',' << num(row.peak_fold_change) << ',' << num(row.auc_fold_change) << ',' << num(row.final_fold_change);
            for (std::size_t t = 0; t < row.value_at.size(); ++t) os << ',' << num(row.value_at[t]) << ',' << num(row.fold_change_at[t]);
            os << '\n';
        }
        file.commit();
    }
    if (!summary.divergence.empty()) {
        AtomicFile file(directory / "divergence.csv");
        auto& os = file.stream();
        os << "run_a,run_b,region_a,region_b,compound,dose_mg_per_kg,schedule,observable,auc_fold_change_a,auc_fold_change_b,divergence_log2\n";
        for (const auto& d : summary.divergence) {
            const Run a = plan.run(d.run_a);
            os << d.run_a << ',' << d.run_b << ',' << a.settings.region << ',' << plan.run(d.run_b).settings.region << ','
               << a.settings.compound << ',' << num(a.settings.dose_mg_per_kg) << ',' << a.settings.schedule << ','
               << scenario.observables[d.observable] << ',' << num(d.auc_fold_change_a) << ',' << num(d.auc_fold_change_b) << ','
               << num(d.index) << '\n';
        }
        file.commit();
    }
    if (!summary.half_maximal.empty()) {
        AtomicFile file(directory / "ec50.csv");
        auto& os = file.stream();
        os << header(plan) << ",observable,doses,half_maximal_dose_mg_per_kg\n";
        for (const auto& h : summary.half_maximal) {
            os << run_prefix(plan.run(h.runs.front())) << ',' << scenario.observables[h.observable] << ',' << h.runs.size() << ','
               << (h.dose_mg_per_kg ? num(*h.dose_mg_per_kg) : "NaN") << '\n';
        }
        file.commit();
    }
    if (!summary.expectations.empty()) {
        AtomicFile file(directory / "expectations.csv");
        auto& os = file.stream();
        os << "id,held,measured,op,compared_with,claim,source,detail\n";
        for (const auto& r : summary.expectations) {
            const auto& e = *r.expectation;
            os << csv_field(e.id) << ',' << (r.held ? "held" : "FAILED") << ',' << num(r.measured) << ',' << to_string(e.op) << ','
               << num(r.compared_with) << ',' << csv_field(e.claim) << ',' << csv_field(e.source) << ',' << csv_field(r.detail) << '\n';
        }
        file.commit();
    }
    if (!state_ids.empty()) write_states(directory, plan, full, state_ids);
    {
        nlohmann::ordered_json m;
        m["ntsim_version"] = context.ntsim_version;
        // Absolute, so tools reading the results later (ntsim report) find the scenario from anywhere.
        m["scenario"] = {{"name", scenario.name}, {"file", fs::absolute(scenario.file).lexically_normal().string()},
                         {"hash", file_hash(scenario.file)}};
        m["model_files"] = nlohmann::json::array();
        for (const auto& f : scenario.model.files)
            m["model_files"].push_back({{"file", fs::absolute(f).lexically_normal().string()}, {"hash", file_hash(f)}});
        for (const auto& [name, region] : scenario.regions) m["region_files"][name] = {{"file", region.file}, {"hash", file_hash(region.file)}};
        const auto& so = context.options.solver;
        m["solver"] = {{"method", "CVODE BDF, Newton"}, {"rtol", so.rtol}, {"atol_nM", so.atol}, {"max_steps", so.max_steps},
                       {"linear_solver", solver::to_string(so.linear_solver)}};
        m["threads"] = context.threads;
        m["seeds"] = nlohmann::json::array();
        for (const auto& a : scenario.axes)
            if (a.kind == AxisKind::sample) m["seeds"].push_back({{"method", a.sample_method}, {"seed", a.seed}});
        std::size_t failed = 0;
        for (const auto& out : outcomes) failed += out.status != RunStatus::ok;
        m["run_count"] = plan.size();
        m["failed_runs"] = failed;
        // The per-run entries are written one line each as they are produced, not built into the
        // document first: for a sweep of 10^5 runs that tree alone would be hundreds of MB.
        std::string head = m.dump(1);
        head.resize(head.rfind('}'));
        while (!head.empty() && head.back() == '\n') head.pop_back();
        AtomicFile file(directory / "manifest.json");
        auto& os = file.stream();
        os << head << ",\n \"runs\": [";
        for (std::size_t i = 0; i < plan.size(); ++i) {
            const auto& out = outcomes[i];
            const nlohmann::ordered_json entry = {{"run", i},
                                                  {"status", to_string(out.status)},
                                                  {"message", out.message},
                                                  {"steps", out.stats.steps},
                                                  {"rhs_evaluations", out.stats.rhs_evaluations},
                                                  {"jacobian_evaluations", out.stats.jacobian_evaluations},
                                                  {"error_test_failures", out.stats.error_test_failures}};
            os << (i == 0 ? "\n  " : ",\n  ") << entry.dump();
        }
        os << (plan.size() == 0 ? "]\n}\n" : "\n ]\n}\n");
        file.commit();
    }
}


std::string file_hash(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::uint64_t h = 0xcbf29ce484222325ull;
    char c;
    while (in.get(c)) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return fmt::format("{:016x}", h);
}

}  // namespace ntsim::scenarios
