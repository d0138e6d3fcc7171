// Running a sweep with oneTBB: a pipeline takes runs in order, pre-equilibrates each distinct
// baseline once and simulates the runs in parallel, and hands them back in order to the calling
// thread. Each run catches everything, so one failing run never cancels the others.
#include "scenarios/runner.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include "scenarios/metrics.hpp"

namespace ntsim::scenarios {

namespace {

// Debian's libtbb.so is not built with ThreadSanitizer, so TSan cannot see the synchronisation
// inside parallel_pipeline: that a run's item is handed from one stage to the next, and that the
// bodies of a serial stage follow each other. Under -fsanitize=thread these annotations state
// exactly that contract and no more: parallel bodies stay unordered with each other, so a race
// between two runs is still reported.
#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);
void happens_after(const void* address) { __tsan_acquire(const_cast<void*>(address)); }
void happens_before(const void* address) { __tsan_release(const_cast<void*>(address)); }
#else
void happens_after(const void*) {}
void happens_before(const void*) {}
#endif
// The addresses the annotations synchronise on, besides each run's item. Not locals: a body would
// have to read its captures to reach them, and TSan would see that read before the annotation.
char pipeline_start, take_order, pass_order, pipeline_end, pipeline_wait, pipeline_joined;

constexpr const char* vehicle = "vehicle";
constexpr double g_per_g_per_mg_per_kg = 1e-6;

// What a run's baseline depends on: run_inputs uses only the region and the parameter settings
// (compound and dose act after pre-equilibration). Values by bit pattern, so equal keys mean
// equal inputs; the key stays small whatever the model's size.
std::string baseline_key(const RunSettings& settings) {
    std::string key = settings.region;
    for (const auto& [id, value] : settings.parameters) key += fmt::format("\x1f{}={:x}", id, std::bit_cast<std::uint64_t>(value));
    return key;
}

// One pre-equilibration, computed by the first run that needs it while later runs with the same
// baseline wait for it.
struct Baseline {
    std::once_flag computed;
    solver::SteadyStateResult result;
};

// Baselines kept for the later runs that share them (a vehicle run comes long after its treated
// twin), until they would hold more than `max_bytes`; then the oldest are dropped (runs in flight
// keep theirs, and a dropped one is computed again if needed). Used by the pipeline's first stage
// only, so it needs no lock.
class BaselineCache {
public:
    BaselineCache(std::size_t max_bytes, std::size_t states) : max_bytes_(max_bytes), states_(states) {}

    // The baseline of `key`, kept only while a later run needs it.
    std::shared_ptr<Baseline> claim(const std::string& key, bool needed_again) {
        const auto it = entries_.find(key);
        if (it == entries_.end()) {
            auto baseline = std::make_shared<Baseline>();
            if (needed_again) keep(key, baseline);
            return baseline;
        }
        auto baseline = it->second.baseline;
        if (!needed_again) drop(it);
        return baseline;
    }

private:
    struct Entry {
        std::shared_ptr<Baseline> baseline;
        std::list<std::string>::iterator age;
    };

    void keep(const std::string& key, std::shared_ptr<Baseline> baseline) {
        age_.push_back(key);
        entries_.emplace(key, Entry{std::move(baseline), std::prev(age_.end())});
        bytes_ += footprint(key);
        while (bytes_ > max_bytes_ && age_.size() > 1) drop(entries_.find(age_.front()));
    }

    void drop(std::unordered_map<std::string, Entry>::iterator it) {
        bytes_ -= footprint(it->first);
        age_.erase(it->second.age);
        entries_.erase(it);
    }

    // Key (twice) and state, plus what holds them: hash node, list node, shared block (~200 bytes).
    std::size_t footprint(const std::string& key) const { return 2 * key.size() + states_ * sizeof(double) + sizeof(Baseline) + 200; }

    std::unordered_map<std::string, Entry> entries_;
    std::list<std::string> age_;               // keys, oldest first
    std::size_t bytes_ = 0;
    const std::size_t max_bytes_, states_;
};

// (baseline key hash, position in `runs`) for every run, sorted: runs sharing a baseline are
// adjacent, in run order. Key hashes stand in for the keys (a fraction of the memory); a
// collision can only merge two groups, which costs time, never correctness.
std::vector<std::pair<std::size_t, std::size_t>> sorted_baseline_hashes(const SweepPlan& plan, const std::vector<std::size_t>& runs) {
    std::vector<std::pair<std::size_t, std::size_t>> hash_and_position(runs.size());
    for (std::size_t k = 0; k < runs.size(); ++k) hash_and_position[k] = {std::hash<std::string>{}(baseline_key(plan.run(runs[k]).settings)), k};
    std::sort(hash_and_position.begin(), hash_and_position.end());
    return hash_and_position;
}

// For each position in `runs`, whether a later position has a run with the same baseline (a
// collision only keeps a baseline longer than needed).
std::vector<bool> baseline_needed_again(const SweepPlan& plan, const std::vector<std::size_t>& runs) {
    const auto hash_and_position = sorted_baseline_hashes(plan, runs);
    std::vector<bool> needed_again(runs.size(), false);
    for (std::size_t k = 0; k + 1 < hash_and_position.size(); ++k)
        if (hash_and_position[k].first == hash_and_position[k + 1].first) needed_again[hash_and_position[k].second] = true;
    return needed_again;
}

// Thousands of baselines of the shipped models (a state of ~150 doubles each): enough for a
// vehicle run to find its treated twin's baseline in sweeps of that size, and a fixed cost
// however many runs a sweep has.
constexpr std::size_t baseline_cache_bytes = std::size_t{16} << 20;

// Finished runs on their way from the pipeline to the calling thread, which alone calls the sink
// (an MPI rank's sink sends messages, which only that thread may do). At most `capacity` batches
// wait, so a slow sink holds the pipeline back instead of letting results pile up.
class Handoff {
public:
    explicit Handoff(std::size_t capacity) : capacity_(capacity) {}

    // False when the receiver has given up (the batch is dropped).
    bool push(std::vector<RunOutcome>&& batch) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return batches_.size() < capacity_ || abandoned_; });
        if (abandoned_) return false;
        batches_.push_back(std::move(batch));
        changed_.notify_all();
        return true;
    }

    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        changed_.notify_all();
    }

    void abandon() {
        std::lock_guard lock(mutex_);
        abandoned_ = true;
        changed_.notify_all();
    }

    // The next batch, or nothing once the sender has closed and every batch is taken.
    std::optional<std::vector<RunOutcome>> pop() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !batches_.empty() || closed_; });
        if (batches_.empty()) return std::nullopt;
        auto batch = std::move(batches_.front());
        batches_.pop_front();
        changed_.notify_all();
        return batch;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<RunOutcome>> batches_;
    const std::size_t capacity_;
    bool closed_ = false, abandoned_ = false;
};

}  // namespace

std::size_t BaselineGroups::slice_end(std::size_t begin, std::size_t size, std::size_t most) const {
    auto boundary = [&](std::size_t k) { return k == runs.size() || starts_group[k]; };
    for (std::size_t end = begin + size; end <= std::min(runs.size(), begin + most); ++end)
        if (boundary(end)) return end;
    for (std::size_t end = begin + size - 1; end > begin; --end)
        if (boundary(end)) return end;
    return begin + size;
}

BaselineGroups group_by_baseline(const SweepPlan& plan, const std::vector<std::size_t>& runs) {
    const auto hash_and_position = sorted_baseline_hashes(plan, runs);
    // Each group as [begin, end) of hash_and_position; its first element is its first run.
    std::vector<std::pair<std::size_t, std::size_t>> groups;
    for (std::size_t begin = 0, end = 0; begin < hash_and_position.size(); begin = end) {
        while (end < hash_and_position.size() && hash_and_position[end].first == hash_and_position[begin].first) ++end;
        groups.emplace_back(begin, end);
    }
    std::sort(groups.begin(), groups.end(),
              [&](const auto& a, const auto& b) { return hash_and_position[a.first].second < hash_and_position[b.first].second; });
    BaselineGroups out;
    out.runs.reserve(runs.size());
    out.starts_group.reserve(runs.size());
    for (const auto& [begin, end] : groups)
        for (std::size_t k = begin; k < end; ++k) {
            out.runs.push_back(runs[hash_and_position[k].second]);
            out.starts_group.push_back(k == begin);
        }
    return out;
}

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

std::vector<std::size_t> SweepRunner::baselines_first(const SweepPlan& plan, const std::vector<std::size_t>& runs,
                                                      std::size_t begin, std::size_t end) const {
    std::vector<std::vector<std::size_t>> groups;
    std::unordered_map<std::string, std::size_t> group_of_key;
    for (std::size_t k = begin; k < end; ++k) {
        const auto [it, fresh] = group_of_key.emplace(baseline_key(plan.run(runs[k]).settings), groups.size());
        if (fresh) groups.emplace_back();
        groups[it->second].push_back(k);
    }
    std::vector<std::size_t> order;
    for (std::size_t round = 0; order.size() < end - begin; ++round)
        for (const auto& group : groups)
            if (round < group.size()) order.push_back(group[round]);
    return order;
}

void SweepRunner::run(const SweepPlan& plan, const std::vector<std::size_t>& runs, const RunnerOptions& options,
                      Progress& progress, const RunSink& sink) const {
    const int threads = options.threads ? static_cast<int>(options.threads) : tbb::info::default_concurrency();
    // `threads` workers run the pipeline while the calling thread only passes batches to the sink.
    // TBB caps workers at the core count unless told otherwise; honour an explicit request for more.
    tbb::global_control allow(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads) + 1);
    tbb::task_arena arena(threads, 0);
    // Integrators and output probes own scratch memory: one of each per thread.
    struct Worker {
        std::unique_ptr<solver::Integrator> integrator;
        std::unique_ptr<solver::Probe> outputs;
    };
    tbb::enumerable_thread_specific<Worker> workers;
    const std::size_t batch_runs = options.chunk_runs ? options.chunk_runs : 32 * static_cast<std::size_t>(threads);
    // A pathological model may stall in pre-equilibration as easily as in the dosed run.
    solver::SteadyStateOptions steady = options.steady;
    steady.integration.max_run_steps = options.solver.max_run_steps;
    steady.integration.max_run_seconds = options.solver.max_run_seconds;
    steady.integration.check_negative_states = options.solver.check_negative_states;

    struct Item {
        Run run;
        std::vector<double> inputs, x0;
        std::shared_ptr<Baseline> baseline;
        RunOutcome outcome;
    };
    // At most a batch of runs is in flight and they leave the pipeline in order, so run k can
    // take the slot of run k - batch_runs.
    std::vector<Item> items(batch_runs);
    BaselineCache cache(baseline_cache_bytes, system_.size());
    const std::vector<bool> needed_again = baseline_needed_again(plan, runs);
    std::size_t next = 0, passed = 0;
    std::vector<RunOutcome> batch;

    // Runs go through in order with at most a batch of them in flight, so a slow run (or
    // pre-equilibration) holds up only its own slot, never a whole batch of other runs.
    std::vector<std::size_t> window;            // positions in `runs` of the batch being taken, in taking order
    const auto take = [&](tbb::flow_control& flow) -> Item* {
        happens_after(&take_order);
        if (next == runs.size()) {
            flow.stop();
            happens_before(&take_order);
            return nullptr;
        }
        if (next % batch_runs == 0) window = baselines_first(plan, runs, next, std::min(runs.size(), next + batch_runs));
        Item* item = &items[next % items.size()];
        const std::size_t position = window[next % batch_runs];
        ++next;
        item->run = plan.run(runs[position]);
        item->outcome = RunOutcome{};
        run_inputs(item->run.settings, item->inputs, item->x0);
        item->baseline = cache.claim(baseline_key(item->run.settings), needed_again[position]);
        happens_before(&take_order);
        happens_before(item);
        return item;
    };
    const auto simulate = [&](Item* item) {
        happens_after(item);
        RunOutcome& out = item->outcome;
        try {
            Baseline& baseline = *item->baseline;
            std::call_once(baseline.computed, [&] {
                try {
                    baseline.result = solver::find_steady_state(system_, item->inputs, item->x0, steady);
                } catch (const std::exception& e) {
                    baseline.result.converged = false;
                    baseline.result.message = e.what();
                }
            });
            Worker& worker = workers.local();
            if (!worker.integrator) {
                worker.integrator = std::make_unique<solver::Integrator>(system_, options.solver);
                worker.outputs = std::make_unique<solver::Probe>(system_, outputs_);
            }
            out = run_one(item->run, item->inputs, baseline.result, options, *worker.integrator, *worker.outputs);
            add_metrics(out);
        } catch (const std::exception& e) {
            out = RunOutcome{};
            out.status = RunStatus::failed;
            out.message = e.what();
        }
        out.run = item->run.index;
        if (!options.keep_trajectories && !options.record_states) {
            out.times_s = {};
            out.values = {};
        }
        if (out.status != RunStatus::ok) progress.failed.fetch_add(1, std::memory_order_relaxed);
        progress.done.fetch_add(1, std::memory_order_relaxed);
        happens_before(item);
        return item;
    };
    Handoff handoff(2);
    tbb::task_group_context pipeline_context;
    const auto pass = [&](Item* item) {
        happens_after(item);
        happens_after(&pass_order);
        batch.push_back(std::move(item->outcome));
        item->baseline.reset();
        ++passed;
        if (batch.size() == batch_runs || passed == runs.size()) {
            std::sort(batch.begin(), batch.end(), [](const RunOutcome& a, const RunOutcome& b) { return a.run < b.run; });
            if (!handoff.push(std::move(batch))) pipeline_context.cancel_group_execution();
            batch = {};
        }
        happens_before(&pass_order);
    };

    tbb::task_group group;
    happens_before(&pipeline_start);
    arena.execute([&] {
        group.run([&] {
            happens_after(&pipeline_start);
            happens_before(&take_order);
            try {
                tbb::parallel_pipeline(batch_runs,
                                       tbb::make_filter<void, Item*>(tbb::filter_mode::serial_in_order, take) &
                                           tbb::make_filter<Item*, Item*>(tbb::filter_mode::parallel, simulate) &
                                           tbb::make_filter<Item*, void>(tbb::filter_mode::serial_in_order, pass),
                                       pipeline_context);
            } catch (...) {
                handoff.close();
                throw;
            }
            happens_after(&take_order);
            happens_after(&pass_order);
            happens_before(&pipeline_end);
            handoff.close();
        });
    });
    // A full arena runs `join` on one of its workers.
    const auto join = [&] {
        happens_after(&pipeline_wait);
        group.wait();
        happens_before(&pipeline_joined);
    };
    const auto wait = [&] {
        happens_before(&pipeline_wait);
        arena.execute(join);
        happens_after(&pipeline_joined);
    };
    try {
        while (auto finished = handoff.pop()) sink(std::move(*finished));
    } catch (...) {
        handoff.abandon();
        wait();
        throw;
    }
    wait();
    happens_after(&pipeline_end);
}

std::vector<RunOutcome> SweepRunner::run(const SweepPlan& plan, const RunnerOptions& options, Progress& progress) const {
    std::vector<std::size_t> all(plan.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    std::vector<RunOutcome> outcomes;
    outcomes.reserve(all.size());
    run(plan, all, options, progress, [&](std::vector<RunOutcome>&& finished) {
        for (auto& o : finished) outcomes.push_back(std::move(o));
    });
    return outcomes;
}

}  // namespace ntsim::scenarios
