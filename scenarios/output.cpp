// Result files of a sweep. Numbers are written with a fixed format so the same sweep gives
// byte-identical files whatever the thread count.
#include "scenarios/output.hpp"

#include <cmath>
#include <fstream>
#include <optional>

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

// A line of runs.csv up to its status: the run's settings and its vehicle reference.
std::string run_entry(const Run& run) {
    return fmt::format("{},{},{},", run_prefix(run), run.vehicle ? std::to_string(*run.vehicle) : "",
                       run.added_as_reference ? "yes" : "no");
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

void write_plan(const fs::path& directory, const SweepPlan& plan) {
    AtomicFile file(directory / "runs.csv");
    auto& os = file.stream();
    os << header(plan) << ",vehicle_run,added_as_reference,status,message\n";
    for (std::size_t index = 0; index < plan.size(); ++index) os << run_entry(plan.run(index)) << "pending,\n";
    file.commit();
}

// The files written run by run. The manifest's per-run entries wait in a file of their own until
// its head, which counts the failed runs, can be written.
struct ResultsWriter::Files {
    Files(const fs::path& directory, bool trajectories, bool states)
        : runs(directory / "runs.csv"), summary(directory / "summary.csv"), manifest_runs_path(directory / "manifest.json.runs.part"),
          manifest_runs(manifest_runs_path, std::ios::binary | std::ios::trunc) {
        if (!manifest_runs) throw std::runtime_error(fmt::format("cannot write '{}'", manifest_runs_path.string()));
        if (trajectories) this->trajectories.emplace(directory / "trajectories.csv");
        if (states) this->states.emplace(directory / "states.csv");
    }
    AtomicFile runs, summary;
    std::optional<AtomicFile> trajectories, states;
    fs::path manifest_runs_path;
    std::ofstream manifest_runs;
    std::size_t runs_added = 0;
};

ResultsWriter::ResultsWriter(const fs::path& directory, const Scenario& scenario, const SweepPlan& plan, const RunContext& context,
                             bool trajectories, std::vector<std::string> state_ids)
    : scenario_(scenario), plan_(plan), context_(context), directory_(directory), state_ids_(std::move(state_ids)),
      files_(std::make_unique<Files>(directory, trajectories, !state_ids_.empty())) {
    files_->runs.stream() << header(plan) << ",vehicle_run,added_as_reference,status,message\n";
    auto& summary = files_->summary.stream();
    summary << header(plan) << ",status,observable,peak,time_to_peak_s,auc,final,peak_fold_change,auc_fold_change,final_fold_change";
    for (double t : scenario.metric_times_s) summary << fmt::format(",value_at_{}s,fold_change_at_{}s", num(t), num(t));
    summary << '\n';
    if (files_->trajectories) files_->trajectories->stream() << header(plan) << ",time_s,time_after_last_dose_s,observable,value\n";
    if (files_->states) files_->states->stream() << header(plan) << ",time_s,species,value_nM\n";
}

ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::add(const Run& run, const RunOutcome& out, const std::vector<SummaryRow>& rows) {
    const std::string prefix = run_prefix(run);
    const std::string status = to_string(out.status);
    files_->runs.stream() << run_entry(run) << status << ',' << csv_field(out.message) << '\n';
    auto& summary = files_->summary.stream();
    for (const auto& row : rows) {
        summary << prefix << ',' << status << ',' << scenario_.observables[row.observable] << ',' << num(row.peak) << ','
                << num(row.time_to_peak_s) << ',' << num(row.auc) << ',' << num(row.final_value) << ',' << num(row.peak_fold_change)
                << ',' << num(row.auc_fold_change) << ',' << num(row.final_fold_change);
        for (std::size_t t = 0; t < row.value_at.size(); ++t) summary << ',' << num(row.value_at[t]) << ',' << num(row.fold_change_at[t]);
        summary << '\n';
    }
    if (files_->trajectories) {
        auto& os = files_->trajectories->stream();
        const std::size_t n_obs = scenario_.observables.size();
        for (std::size_t k = 0; k < out.times_s.size(); ++k)
            for (std::size_t o = 0; o < n_obs; ++o)
                os << prefix << ',' << num(out.times_s[k]) << ',' << num(out.times_s[k] - out.last_dose_s) << ','
                   << scenario_.observables[o] << ',' << num(out.values[k * n_obs + o]) << '\n';
    }
    if (files_->states) {
        // Every species of the run at every sample (long format), for the interactive report.
        auto& os = files_->states->stream();
        const std::size_t n = state_ids_.size();
        for (std::size_t k = 0; k < out.times_s.size() && (k + 1) * n <= out.states.size(); ++k)
            for (std::size_t i = 0; i < n; ++i)
                os << prefix << ',' << num(out.times_s[k]) << ',' << state_ids_[i] << ',' << num(out.states[k * n + i]) << '\n';
    }
    const nlohmann::ordered_json entry = {{"run", run.index},
                                          {"status", status},
                                          {"message", out.message},
                                          {"steps", out.stats.steps},
                                          {"rhs_evaluations", out.stats.rhs_evaluations},
                                          {"jacobian_evaluations", out.stats.jacobian_evaluations},
                                          {"error_test_failures", out.stats.error_test_failures}};
    files_->manifest_runs << (files_->runs_added++ == 0 ? "\n  " : ",\n  ") << entry.dump();
}

void ResultsWriter::finish(const Comparisons& comparisons, std::size_t failed_runs) {
    files_->runs.commit();
    files_->summary.commit();
    if (files_->trajectories) files_->trajectories->commit();
    if (files_->states) files_->states->commit();
    if (!comparisons.divergence.empty()) {
        AtomicFile file(directory_ / "divergence.csv");
        auto& os = file.stream();
        os << "run_a,run_b,region_a,region_b,compound,dose_mg_per_kg,schedule,observable,auc_fold_change_a,auc_fold_change_b,divergence_log2\n";
        for (const auto& d : comparisons.divergence) {
            const RunSettings a = plan_.run(d.run_a).settings;
            os << d.run_a << ',' << d.run_b << ',' << a.region << ',' << plan_.run(d.run_b).settings.region << ',' << a.compound << ','
               << num(a.dose_mg_per_kg) << ',' << a.schedule << ',' << scenario_.observables[d.observable] << ','
               << num(d.auc_fold_change_a) << ',' << num(d.auc_fold_change_b) << ',' << num(d.index) << '\n';
        }
        file.commit();
    }
    if (!comparisons.half_maximal.empty()) {
        AtomicFile file(directory_ / "ec50.csv");
        auto& os = file.stream();
        os << header(plan_) << ",observable,doses,half_maximal_dose_mg_per_kg\n";
        for (const auto& h : comparisons.half_maximal) {
            os << run_prefix(plan_.run(h.runs.front())) << ',' << scenario_.observables[h.observable] << ',' << h.runs.size() << ','
               << (h.dose_mg_per_kg ? num(*h.dose_mg_per_kg) : "NaN") << '\n';
        }
        file.commit();
    }
    if (!comparisons.expectations.empty()) {
        AtomicFile file(directory_ / "expectations.csv");
        auto& os = file.stream();
        os << "id,held,measured,op,compared_with,claim,source,detail\n";
        for (const auto& r : comparisons.expectations) {
            const auto& e = *r.expectation;
            os << csv_field(e.id) << ',' << (r.held ? "held" : "FAILED") << ',' << num(r.measured) << ',' << to_string(e.op) << ','
               << num(r.compared_with) << ',' << csv_field(e.claim) << ',' << csv_field(e.source) << ',' << csv_field(r.detail) << '\n';
        }
        file.commit();
    }
    write_manifest(failed_runs);
}

void ResultsWriter::write_manifest(std::size_t failed_runs) {
    nlohmann::ordered_json m;
    m["ntsim_version"] = context_.ntsim_version;
    // Absolute, so tools reading the results later (ntsim report) find the scenario from anywhere.
    m["scenario"] = {{"name", scenario_.name}, {"file", fs::absolute(scenario_.file).lexically_normal().string()},
                     {"hash", file_hash(scenario_.file)}};
    m["model_files"] = nlohmann::json::array();
    for (const auto& f : scenario_.model.files)
        m["model_files"].push_back({{"file", fs::absolute(f).lexically_normal().string()}, {"hash", file_hash(f)}});
    for (const auto& [name, region] : scenario_.regions) m["region_files"][name] = {{"file", region.file}, {"hash", file_hash(region.file)}};
    const auto& so = context_.options.solver;
    m["solver"] = {{"method", "CVODE BDF, Newton"}, {"rtol", so.rtol}, {"atol_nM", so.atol}, {"max_steps", so.max_steps},
                   {"linear_solver", solver::to_string(so.linear_solver)}};
    m["threads"] = context_.threads;
    m["seeds"] = nlohmann::json::array();
    for (const auto& a : scenario_.axes)
        if (a.kind == AxisKind::sample) m["seeds"].push_back({{"method", a.sample_method}, {"seed", a.seed}});
    m["run_count"] = plan_.size();
    m["failed_runs"] = failed_runs;
    // The per-run entries follow the head as one line each, copied from where add() wrote them: for
    // a sweep of 10^5 runs a document holding them would take hundreds of MB.
    std::string head = m.dump(1);
    head.resize(head.rfind('}'));
    while (!head.empty() && head.back() == '\n') head.pop_back();
    files_->manifest_runs.close();
    if (!files_->manifest_runs)
        throw std::runtime_error(fmt::format("writing '{}' failed (disk full?)", files_->manifest_runs_path.string()));
    AtomicFile file(directory_ / "manifest.json");
    auto& os = file.stream();
    os << head << ",\n \"runs\": [";
    if (files_->runs_added > 0) os << std::ifstream(files_->manifest_runs_path, std::ios::binary).rdbuf();
    os << (files_->runs_added == 0 ? "]\n}\n" : "\n ]\n}\n");
    file.commit();
    fs::remove(files_->manifest_runs_path);
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
