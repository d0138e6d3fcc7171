// Running a sweep with oneTBB: one pre-equilibration per distinct baseline, each followed by the
// dosed runs that start from it. Each task catches everything, so one failing run never cancels
// the others.
#include "scenarios/runner.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "scenarios/metrics.hpp"

namespace ntsim::scenarios {

namespace {

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
// The addresses the annotations below synchronise on. Not locals: a body would have to read its
// captures to reach them, and TSan would see that read before the acquire.
char loop_start, loop_end;
#endif

// tbb::parallel_for over [0, n). Debian's libtbb.so is not built with ThreadSanitizer, so TSan
// cannot see the synchronisation inside it: that everything before the loop happens before each
// body, and each body before the loop returns. Under -fsanitize=thread the annotations state
// exactly that contract and no more: bodies stay unordered with each other, so a race between
// two runs is still reported.
template <class Body>
void parallel_for(std::size_t n, const Body& body) {
#if defined(__SANITIZE_THREAD__)
    const auto annotated = [&](std::size_t i) {
        __tsan_acquire(&loop_start);
        body(i);
        __tsan_release(&loop_end);
    };
    __tsan_release(&loop_start);
    tbb::parallel_for(std::size_t{0}, n, annotated);
    __tsan_acquire(&loop_end);
#else
    tbb::parallel_for(std::size_t{0}, n, body);
#endif
}

constexpr const char* vehicle = "vehicle";
constexpr double g_per_g_per_mg_per_kg = 1e-6;

// Exact identity of a baseline: the bit patterns of its inputs and initial state.
std::string baseline_key(const std::vector<double>& inputs, const std::vector<double>& x0) {
    std::string key;
    key.reserve((inputs.size() + x0.size()) * 8);
    for (const auto* v : {&inputs, &x0})
        for (double d : *v) key.append(reinterpret_cast<const char*>(&d), sizeof d);
    return key;
}

// Pre-equilibrated baselines by exact identity, oldest dropped first once they hold more than
// `max_bytes`, so that a sweep of many distinct baselines does not keep them all.
class BaselineCache {
public:
    explicit BaselineCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    const solver::SteadyStateResult* find(const std::string& key) const {
        const auto it = entries_.find(key);
        return it == entries_.end() ? nullptr : &it->second;
    }

    void insert(std::string key, solver::SteadyStateResult baseline) {
        const auto [it, fresh] = entries_.emplace(std::move(key), std::move(baseline));
        if (!fresh) return;
        bytes_ += footprint(it->first, it->second);
        age_.push_back(&it->first);
        while (bytes_ > max_bytes_ && age_.size() > 1) {
            const auto oldest = entries_.find(*age_.front());
            bytes_ -= footprint(oldest->first, oldest->second);
            entries_.erase(oldest);
            age_.pop_front();
        }
    }

private:
    static std::size_t footprint(const std::string& key, const solver::SteadyStateResult& baseline) {
        return key.size() + baseline.state.size() * sizeof(double) + baseline.message.size() + sizeof baseline;
    }

    std::unordered_map<std::string, solver::SteadyStateResult> entries_;
    std::deque<const std::string*> age_;       // keys, oldest first (node keys never move)
    std::size_t bytes_ = 0;
    const std::size_t max_bytes_;
};

// Enough for every baseline of thousands of runs of the shipped models, small beside a chunk's
// trajectories.
constexpr std::size_t baseline_cache_bytes = std::size_t{64} << 20;

}  // namespace

std::string to_string(RunStatus status) {
    switch (status) {
        case RunStatus::ok: return "ok";
        case RunStatus::failed: return "failed";
        case RunStatus::non_finite: return "non_finite";
        case RunStatus::negative_state: return "negative_state";
        case RunStatus::too_much_work: return "too_much_work";
        case RunStatus::step_limit: return "step_limit";
        case RunStatus::time_limit: return "time_limit";
        case RunStatus::error_test_failures: return "error_test_failures";
        case RunStatus::convergence_failures: return "convergence_failures";
        case RunStatus::solver_error: return "solver_error";
    }
    return "?";
}

RunStatus status_of(solver::FailureCause cause) {
    switch (cause) {
        case solver::FailureCause::non_finite: return RunStatus::non_finite;
        case solver::FailureCause::negative_state: return RunStatus::negative_state;
        case solver::FailureCause::too_much_work: return RunStatus::too_much_work;
        case solver::FailureCause::step_limit: return RunStatus::step_limit;
        case solver::FailureCause::time_limit: return RunStatus::time_limit;
        case solver::FailureCause::error_test_failures: return RunStatus::error_test_failures;
        case solver::FailureCause::convergence_failures: return RunStatus::convergence_failures;
        case solver::FailureCause::solver_error: return RunStatus::solver_error;
    }
    return RunStatus::failed;
}

SweepRunner::SweepRunner(const Scenario& scenario)
    : scenario_(scenario), network_(scenario.model), system_(solver::compile(network_)) {
    for (const auto& id : scenario.observables) outputs_.push_back(models::symbol(id));
}

void SweepRunner::run_inputs(const RunSettings& settings, std::vector<double>& inputs, std::vector<double>& x0) const {
    inputs = system_.default_inputs();
    x0 = system_.default_state();
    for (const auto& o : scenario_.regions.at(settings.region).overrides) {
        if (auto i = system_.input_index(o.id)) inputs[*i] = o.value;
        else x0[*system_.state_index(o.id)] = o.value;
    }
    // Every loaded compound's region-specific values (they only touch that compound's parameters).
    for (const auto& compound : scenario_.model.compounds)
        for (const auto& v : compound.regional_values)
            if (v.region == settings.region) inputs[*system_.input_index(scenario_.model.parameters[v.parameter].id)] = v.value;
    for (const auto& [id, value] : settings.parameters) {
        if (auto i = system_.input_index(id)) inputs[*i] = value;
        else x0[*system_.state_index(id)] = value;
    }
}

std::pair<int, double> SweepRunner::dose_step(const RunSettings& settings, std::span<const double> inputs) const {
    const models::Model& model = scenario_.model;
    const auto& compound = model.compounds[*model.compound_index(settings.compound)];
    const auto route = std::find_if(compound.routes.begin(), compound.routes.end(),
                                    [&](const models::Route& r) { return r.name == settings.route; });
    const std::string& species = model.species[route->species].id;
    const auto state = system_.state_index(species);
    if (!state) throw std::invalid_argument(fmt::format("dose species '{}' of compound '{}' is constant", species, compound.id));
    auto input = [&](int parameter) { return inputs[*system_.input_index(model.parameters[parameter].id)]; };
    const double fraction = route->bioavailability >= 0 ? input(route->bioavailability) : 1.0;
    // mass per body mass -> amount per body mass (molar mass) -> concentration (volume per body mass)
    const double step = fraction * settings.dose_mg_per_kg * g_per_g_per_mg_per_kg / input(compound.molar_mass) / input(route->volume);
    return {*state, step};
}

std::vector<double> SweepRunner::sample_times(const RunSettings& settings, double& last_dose_s) const {
    const Schedule& schedule = scenario_.schedules.at(settings.schedule);
    const auto doses = schedule.dose_times();
    last_dose_s = doses.back();
    const double end = last_dose_s + scenario_.observe_s;
    std::vector<double> times;
    const auto samples = static_cast<std::size_t>(std::floor(end / scenario_.sample_every_s + 1e-9));
    for (std::size_t k = 0; k <= samples; ++k) times.push_back(static_cast<double>(k) * scenario_.sample_every_s);
    times.push_back(last_dose_s);
    times.push_back(end);
    for (double t : scenario_.metric_times_s)
        if (t <= scenario_.observe_s) times.push_back(last_dose_s + t);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    return times;
}

std::string SweepRunner::non_finite_output(solver::Integrator& integrator, double t, const std::vector<double>& row) const {
    for (std::size_t k = 0; k < row.size(); ++k) {
        if (std::isfinite(row[k])) continue;
        const std::string& id = scenario_.observables[k];
        if (const auto o = system_.observable_index(id)) {
            // Observables know their formula: name the term that is not finite.
            std::vector<double> all(system_.observable_ids().size());
            system_.observables(integrator.workspace(), t, integrator.state().data(), all.data());
            const int which[] = {*o};
            if (std::string why = system_.non_finite_observable(integrator.workspace(), t, which); !why.empty()) return why;
        }
        return fmt::format("output '{}' is {} at t = {} s", id, row[k], t);
    }
    return {};
}

RunOutcome SweepRunner::run_one(const Run& run, const std::vector<double>& inputs, const solver::SteadyStateResult& baseline,
                                const RunnerOptions& options, solver::Integrator& integrator, solver::Probe& outputs) const {
    RunOutcome out;
    out.run = run.index;
    if (!baseline.converged) {
        out.status = baseline.failure_cause ? status_of(*baseline.failure_cause) : RunStatus::failed;
        out.message = fmt::format("pre-equilibration failed: {}", baseline.message);
        return out;
    }
    const RunSettings& s = run.settings;
    const auto times = sample_times(s, out.last_dose_s);
    const auto dose_times = scenario_.schedules.at(s.schedule).dose_times();
    const bool dosed = s.compound != vehicle && s.dose_mg_per_kg > 0;
    const auto [dose_state, dose_nm] = dosed ? dose_step(s, inputs) : std::pair<int, double>{-1, 0.0};

    integrator.start(0.0, baseline.state, inputs);
    std::vector<double> row(outputs_.size());
    std::size_t next_dose = 0;
    for (double t : times) {
        // Doses at or before this sample: stop exactly there, add the dose, restart.
        while (next_dose < dose_times.size() && dose_times[next_dose] <= t) {
            const double td = dose_times[next_dose++];
            if (!integrator.advance(td, td)) break;
            if (dosed) {
                std::vector<double> x(integrator.state().begin(), integrator.state().end());
                x[dose_state] += dose_nm;
                integrator.reset_state(x);
            }
        }
        const double t_stop = next_dose < dose_times.size() ? dose_times[next_dose] : times.back();
        if (!integrator.advance(t, t_stop)) break;
        outputs.evaluate(integrator.workspace(), t, integrator.state().data(), row.data());
        if (std::string why = non_finite_output(integrator, t, row); !why.empty()) {
            integrator.stop(solver::FailureCause::non_finite, std::move(why));
            break;
        }
        out.times_s.push_back(t);
        out.values.insert(out.values.end(), row.begin(), row.end());
        if (options.record_states) out.states.insert(out.states.end(), integrator.state().begin(), integrator.state().end());
    }
    out.stats = integrator.stats();
    if (integrator.failure()) {
        const auto& f = *integrator.failure();
        out.status = status_of(f.cause);
        out.message = fmt::format("integration failed at t = {:.6g} s ({}): {}", f.time, solver::to_string(f.cause), f.message);
        for (const auto& [id, error] : f.worst_components) out.message += fmt::format("; weighted local error of {}: {:.3g}", id, error);
    }
    return out;
}

void SweepRunner::add_metrics(RunOutcome& out) const {
    if (out.status != RunStatus::ok || out.times_s.empty()) return;
    const std::size_t n = outputs_.size();
    std::vector<double> times, values;
    for (std::size_t o = 0; o < n; ++o) {
        times.clear();
        values.clear();
        for (std::size_t k = 0; k < out.times_s.size(); ++k) {
            if (out.times_s[k] < out.last_dose_s) continue;
            times.push_back(out.times_s[k] - out.last_dose_s);
            values.push_back(out.values[k * n + o]);
        }
        ObservableMetrics m;
        if (!times.empty()) {
            const auto c = time_course_metrics(times, values);
            m.peak = c.peak;
            m.time_to_peak_s = c.time_to_peak_s;
            m.auc = c.auc;
            m.final_value = c.final_value;
        }
        for (double t : scenario_.metric_times_s) m.value_at.push_back(value_at(times, values, t).value_or(NAN));
        out.metrics.push_back(std::move(m));
    }
}

void SweepRunner::run(const SweepPlan& plan, const std::vector<std::size_t>& runs, const RunnerOptions& options,
                      Progress& progress, const RunSink& sink) const {
    const int threads = options.threads ? static_cast<int>(options.threads) : tbb::info::default_concurrency();
    // TBB caps workers at the core count unless told otherwise; honour an explicit request for more.
    tbb::global_control allow(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    tbb::task_arena arena(threads);
    // Integrators and output probes own scratch memory: one of each per thread.
    struct Worker {
        std::unique_ptr<solver::Integrator> integrator;
        std::unique_ptr<solver::Probe> outputs;
    };
    tbb::enumerable_thread_specific<Worker> workers;
    const std::size_t chunk = options.chunk_runs ? options.chunk_runs : 32 * static_cast<std::size_t>(threads);
    // A pathological model may stall in pre-equilibration as easily as in the dosed run.
    solver::SteadyStateOptions steady = options.steady;
    steady.integration.max_run_steps = options.solver.max_run_steps;
    steady.integration.max_run_seconds = options.solver.max_run_seconds;
    steady.integration.check_negative_states = options.solver.check_negative_states;

    BaselineCache cache(baseline_cache_bytes);
    for (std::size_t begin = 0; begin < runs.size(); begin += chunk) {
        const std::size_t end = std::min(runs.size(), begin + chunk);
        const std::size_t size = end - begin;
        // Runs that share a baseline (same region and inputs) share one pre-equilibration, within
        // the chunk and with earlier chunks (a vehicle run comes long after its treated twin).
        struct BaselineGroup {
            std::string key;
            const solver::SteadyStateResult* cached = nullptr;
            std::vector<std::size_t> members;      // positions in the chunk
        };
        std::vector<std::vector<double>> inputs(size), x0(size);
        std::vector<BaselineGroup> groups;
        std::unordered_map<std::string, std::size_t> group_of_key;
        for (std::size_t k = 0; k < size; ++k) {
            run_inputs(plan.runs[runs[begin + k]].settings, inputs[k], x0[k]);
            std::string key = baseline_key(inputs[k], x0[k]);
            const auto [it, fresh] = group_of_key.emplace(key, groups.size());
            if (fresh) groups.push_back({std::move(key), nullptr, {}});
            groups[it->second].members.push_back(k);
        }
        for (auto& group : groups) group.cached = cache.find(group.key);
        std::vector<solver::SteadyStateResult> computed(groups.size());
        std::vector<RunOutcome> finished(size);
        const auto run_member = [&](std::size_t k, const solver::SteadyStateResult& baseline) {
            const Run& run = plan.runs[runs[begin + k]];
            RunOutcome& out = finished[k];
            try {
                Worker& worker = workers.local();
                if (!worker.integrator) {
                    worker.integrator = std::make_unique<solver::Integrator>(system_, options.solver);
                    worker.outputs = std::make_unique<solver::Probe>(system_, outputs_);
                }
                out = run_one(run, inputs[k], baseline, options, *worker.integrator, *worker.outputs);
                add_metrics(out);
            } catch (const std::exception& e) {
                out = RunOutcome{};
                out.status = RunStatus::failed;
                out.message = e.what();
            }
            out.run = run.index;
            if (!options.keep_trajectories && !options.record_states) {
                out.times_s = {};
                out.values = {};
            }
            if (out.status != RunStatus::ok) progress.failed.fetch_add(1, std::memory_order_relaxed);
            progress.done.fetch_add(1, std::memory_order_relaxed);
        };
        // A group's runs start as soon as its baseline is ready, not when the chunk's slowest
        // pre-equilibration is: one wait per chunk instead of two keeps both threads busy.
        arena.execute([&] {
            parallel_for(groups.size(), [&](std::size_t g) {
                const BaselineGroup& group = groups[g];
                const solver::SteadyStateResult* baseline = group.cached;
                if (!baseline) {
                    const std::size_t k = group.members.front();
                    try {
                        computed[g] = solver::find_steady_state(system_, inputs[k], x0[k], steady);
                    } catch (const std::exception& e) {
                        computed[g].converged = false;
                        computed[g].message = e.what();
                    }
                    baseline = &computed[g];
                }
                parallel_for(group.members.size(), [&](std::size_t j) { run_member(group.members[j], *baseline); });
            });
        });
        for (std::size_t g = 0; g < groups.size(); ++g)
            if (!groups[g].cached) cache.insert(std::move(groups[g].key), std::move(computed[g]));
        sink(std::move(finished));
    }
}

std::vector<RunOutcome> SweepRunner::run(const SweepPlan& plan, const RunnerOptions& options, Progress& progress) const {
    std::vector<std::size_t> all(plan.runs.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    std::vector<RunOutcome> outcomes;
    outcomes.reserve(all.size());
    run(plan, all, options, progress, [&](std::vector<RunOutcome>&& finished) {
        for (auto& o : finished) outcomes.push_back(std::move(o));
    });
    return outcomes;
}

}  // namespace ntsim::scenarios
