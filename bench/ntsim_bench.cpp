// Benchmark driver: times K parameter-perturbed runs of one ntsim model, mimicking the C/CVODE
// program written by shared/bench/gen_network.py (same output times, perturbation, re-used
// integrator and printed fields), so bench/run can compare the two line by line.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "models/load.hpp"
#include "models/network.hpp"
#include "solver/solver.hpp"

// Every heap allocation of the process (operator new ends in malloc too), counted so the
// benchmark can show that the right-hand side and the Jacobian allocate nothing. glibc lets an
// executable interpose malloc and forward to __libc_malloc.
std::atomic<long> heap_allocations{0};

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* malloc(std::size_t size) {
    heap_allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
    heap_allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) {
    heap_allocations.fetch_add(1, std::memory_order_relaxed);
    return __libc_realloc(pointer, size);
}
}

namespace {

using namespace ntsim;

// Allocations made by `calls` right-hand side and `calls` Jacobian evaluations at the model's
// initial state (expected: none).
long allocations_in_rhs_and_jacobian(const solver::OdeSystem& system, int calls) {
    solver::Workspace workspace(system);
    const std::vector<double> x = system.default_state();
    std::vector<double> dxdt(system.size()), jacobian(system.jacobian_pattern().rows.size());
    const long before = heap_allocations.load();
    for (int i = 0; i < calls; ++i) {
        system.rhs(workspace, 0.0, x.data(), dxdt.data());
        system.jacobian(workspace, 0.0, x.data(), jacobian.data());
    }
    return heap_allocations.load() - before;
}

// The perturbation rule of gen_network.py (its json form's "perturbation" block): run 0 is
// nominal; run r > 0 multiplies every parameter, in declaration order, by a log-uniform factor in
// [0.8, 1.25] drawn from splitmix64 seeded with seed*1000003 + r.
constexpr double perturbation_low = 0.8;
constexpr double perturbation_high = 1.25;
constexpr std::uint64_t seed_stride = 1000003ULL;
constexpr double two_to_minus_53 = 1.0 / 9007199254740992.0;

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Multiplies inputs[0, parameter_count) in place; the remaining inputs (constant species,
// compartment sizes) are not parameters and stay as they are.
void perturb(std::vector<double>& inputs, std::size_t parameter_count, int run, std::uint64_t seed) {
    if (run == 0) return;
    std::uint64_t state = seed * seed_stride + static_cast<std::uint64_t>(run);
    const double lo = std::log(perturbation_low), hi = std::log(perturbation_high);
    for (std::size_t i = 0; i < parameter_count; ++i) {
        const double u = static_cast<double>(splitmix64(state) >> 11) * two_to_minus_53;
        inputs[i] *= std::exp(lo + (hi - lo) * u);
    }
}

double wall_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Args {
    std::string model;
    int runs = 20;
    double t_end_s = 3600.0;
    int points = 100;
    std::uint64_t seed = 1;
    double rtol = 1e-6;
    double atol = 1e-9;
    std::string linear_solver = "automatic";
    bool per_run = false;
    // The generator's --dosing variant: dose 0 is in the initial values, doses 1..N-1 add
    // dose_amount to each dose species every dose_interval_s (the neutral JSON's simulation.dosing).
    int doses = 1;
    double dose_interval_s = 43200.0;
    double dose_amount = 0.0;
    std::string dose_species;  // comma-separated ids
};

solver::LinearSolverKind kind_of(const std::string& name) {
    if (name == "dense") return solver::LinearSolverKind::dense;
    if (name == "klu") return solver::LinearSolverKind::klu;
    return solver::LinearSolverKind::automatic;
}

int run(const Args& args) {
    // CPU time per phase as well as wall time: issue 7's goal for load + compile is CPU-bound work.
    const double load_start = wall_seconds(), load_cpu_start = cpu_seconds();
    const models::Model model = models::load(args.model);
    const double load_cpu = cpu_seconds();
    const models::Network network(model);
    const double network_cpu = cpu_seconds();
    const solver::OdeSystem system = solver::compile(network);
    const double compile_cpu = cpu_seconds();
    const double load_compile_seconds = wall_seconds() - load_start;

    // The perturbation relies on parameters coming first among the inputs, in model order.
    const std::size_t parameter_count = model.parameters.size();
    for (std::size_t i = 0; i < parameter_count; ++i) {
        if (i >= system.input_ids().size() || system.input_ids()[i] != model.parameters[i].id)
            throw std::logic_error(fmt::format("input {} is not parameter '{}'", i, model.parameters[i].id));
    }

    // linspace(0, t_end, points), as the C driver computes it.
    std::vector<double> output_times(static_cast<std::size_t>(args.points));
    for (int i = 0; i < args.points; ++i)
        output_times[static_cast<std::size_t>(i)] = args.points > 1 ? args.t_end_s * i / (args.points - 1) : args.t_end_s;

    solver::SolverOptions options;
    options.rtol = args.rtol;
    options.atol = args.atol;
    options.linear_solver = kind_of(args.linear_solver);

    const std::size_t n = system.size();
    std::vector<std::size_t> dose_states;
    for (std::size_t begin = 0; begin < args.dose_species.size();) {
        const std::size_t end = std::min(args.dose_species.find(',', begin), args.dose_species.size());
        const std::string id = args.dose_species.substr(begin, end - begin);
        begin = end + 1;
        const auto i = system.state_index(id);
        if (!i) throw std::invalid_argument(fmt::format("--dose-species: '{}' is not a state of {}", id, args.model));
        dose_states.push_back(static_cast<std::size_t>(*i));
    }
    std::vector<double> trajectory(output_times.size() * n);  // kept, like the C driver's output array
    std::vector<double> final0;
    std::vector<long> run_steps;
    std::vector<double> run_seconds;
    solver::SolverStats stats0;

    const double t0 = wall_seconds(), c0 = cpu_seconds();
    solver::Integrator integrator(system, options);
    long allocations_after_run0 = 0;
    for (int r = 0; r < args.runs; ++r) {
        if (r == 1) allocations_after_run0 = heap_allocations.load();
        const double run_start = wall_seconds();
        std::vector<double> inputs = system.default_inputs();
        perturb(inputs, parameter_count, r, args.seed);
        integrator.start(0.0, system.default_state(), inputs);
        // Segments between doses, as the C driver runs them: each ends exactly at the next dose
        // (or t_end), the dose is added there and integration restarts; an output at a dose
        // time reports the state after the dose.
        auto advance_to = [&](double t_out, double t_stop) {
            if (integrator.advance(t_out, t_stop)) return;
            const auto& failure = *integrator.failure();
            throw std::runtime_error(fmt::format("run {} failed at t = {} s: {}", r, failure.time, failure.message));
        };
        auto record = [&](std::size_t k) {
            const auto x = integrator.state();
            std::copy(x.begin(), x.end(), trajectory.begin() + static_cast<std::ptrdiff_t>(k * n));
        };
        std::size_t k = 0;
        for (int next_dose = 1;; ++next_dose) {
            const double t_dose = next_dose * args.dose_interval_s;
            const bool dose_ahead = next_dose < args.doses && t_dose < args.t_end_s;
            const double t_stop = dose_ahead ? t_dose : args.t_end_s;
            while (k < output_times.size() && output_times[k] <= integrator.time()) record(k++);
            for (; k < output_times.size() && output_times[k] < t_stop; ++k) {
                advance_to(output_times[k], t_stop);
                record(k);
            }
            advance_to(t_stop, t_stop);
            if (!dose_ahead) break;
            std::vector<double> x(integrator.state().begin(), integrator.state().end());
            for (std::size_t i : dose_states) x[i] += args.dose_amount;
            integrator.reset_state(x);
        }
        while (k < output_times.size()) record(k++);
        const solver::SolverStats stats = integrator.stats();
        run_steps.push_back(stats.steps);
        run_seconds.push_back(wall_seconds() - run_start);
        if (r == 0) {
            stats0 = stats;
            const auto x = integrator.state();
            final0.assign(x.begin(), x.end());
        }
    }
    const double elapsed = wall_seconds() - t0, cpu_elapsed = cpu_seconds() - c0;
    const long allocations_in_later_runs = args.runs > 1 ? heap_allocations.load() - allocations_after_run0 : 0;
    constexpr int counted_calls = 1000;
    const long allocations_in_calls = allocations_in_rhs_and_jacobian(system, counted_calls);

    fmt::print("impl: ntsim CVODE BDF, {} linear solver, symbolic Jacobian (nnz={})\n",
               solver::to_string(integrator.linear_solver()), system.jacobian_pattern().rows.size());
    fmt::print("species: {} runs: {} t_end: {} points: {}\n", n, args.runs, args.t_end_s, args.points);
    fmt::print("load_compile_seconds: {:.6f}\n", load_compile_seconds);
    fmt::print("load_compile_cpu_seconds: {:.6f} (load {:.6f}, network {:.6f}, compile {:.6f})\n",
               compile_cpu - load_cpu_start, load_cpu - load_cpu_start, network_cpu - load_cpu, compile_cpu - network_cpu);
    fmt::print("total_seconds: {:.6f}\n", elapsed);
    fmt::print("seconds_per_sim: {:.6e}\n", elapsed / args.runs);
    fmt::print("cpu_seconds_per_sim: {:.6e}\n", cpu_elapsed / args.runs);
    fmt::print("allocations_in_{}_rhs_and_jacobian_calls: {}\n", counted_calls, allocations_in_calls);
    if (args.runs > 1)
        fmt::print("allocations_per_run_after_the_first: {:.1f}\n", static_cast<double>(allocations_in_later_runs) / (args.runs - 1));
    fmt::print("run0_steps: {}\nrun0_rhs_evals: {}\nrun0_jac_evals: {}\nrun0_lu_setups: {}\n", stats0.steps,
               stats0.rhs_evaluations, stats0.jacobian_evaluations, stats0.linear_setups);
    if (args.per_run) {
        fmt::print("run_steps: {}\n", fmt::join(run_steps, " "));
        fmt::print("run_seconds:");
        for (double s : run_seconds) fmt::print(" {:.4e}", s);
        fmt::print("\n");
    }
    for (std::size_t i = 0; i < n; ++i) fmt::print("final {} {:.10e}\n", system.state_ids()[i], final0[i]);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    CLI::App app{"ntsim_bench: time K perturbed runs of a model the way shared/bench's C driver does"};
    app.add_option("model", args.model, "ntsim model file (bench/convert_network.py output)")->required();
    app.add_option("runs", args.runs, "K: run 0 nominal, runs 1..K-1 perturbed")->default_val(20)->check(CLI::PositiveNumber);
    app.add_option("--t-end", args.t_end_s, "End time, s (the neutral JSON's simulation.t_end)")->default_val(3600.0);
    app.add_option("--points", args.points, "Output times, linspace(0, t_end, points)")->default_val(100)->check(CLI::Range(1, 10'000'000));
    app.add_option("--seed", args.seed, "Perturbation seed (the neutral JSON's perturbation.default_seed)")->default_val(1);
    app.add_option("--rtol", args.rtol, "Relative tolerance")->default_val(1e-6);
    app.add_option("--atol", args.atol, "Absolute tolerance, nM")->default_val(1e-9);
    app.add_option("--linear-solver", args.linear_solver, "dense, klu or automatic (ntsim's own choice)")
        ->default_val("automatic")->check(CLI::IsMember({"automatic", "dense", "klu"}));
    app.add_flag("--per-run", args.per_run, "Also print steps and seconds of every run");
    app.add_option("--doses", args.doses, "N doses, the first in the initial values")->default_val(1)->check(CLI::PositiveNumber);
    app.add_option("--dose-interval", args.dose_interval_s, "Time between doses, s")->default_val(43200.0)->check(CLI::PositiveNumber);
    app.add_option("--dose-amount", args.dose_amount, "Added to each dose species, nM")->default_val(0.0);
    app.add_option("--dose-species", args.dose_species, "Species that receive each dose, comma-separated");
    CLI11_PARSE(app, argc, argv);
    try {
        return run(args);
    } catch (const std::exception& e) {
        fmt::print(stderr, "ntsim_bench: {}\n", e.what());
        return 1;
    }
}
