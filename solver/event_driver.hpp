// SBML event semantics on top of an Integrator: trigger transitions (with initial values and
// persistence), delays, priorities and values from trigger or execution time. The integrator
// stops at trigger roots and at pending execution times; the driver decides what fires.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "solver/integrator.hpp"

namespace ntsim::solver {

class EventDriver {
public:
    // `integrator` must have been started; the driver reads and resets its state.
    EventDriver(const OdeSystem& system, Integrator& integrator);

    // Sets the trigger atoms at the start time and executes the events due there (a trigger that
    // is true at the start with initial_value false). Throws std::runtime_error when events keep
    // firing without time advancing.
    void begin();

    // Integrates to `t_out` (never past `t_end`), executing events on the way; false on an
    // integration failure (see Integrator::failure()).
    bool advance(double t_out, double t_end);

    std::size_t executed() const { return executed_; }

private:
    // Seed for drawing among simultaneous events of equal priority.
    static constexpr std::uint64_t tie_break_seed = 20240611;

    struct Pending {
        int event;
        double time;
        std::vector<double> values;  // captured at trigger time, or empty
        std::uint64_t sequence;      // order of firing, for ties
    };

    void evaluate();
    void set_atoms_directly(const std::vector<int>& fired_roots);
    void process(const std::vector<int>& fired_roots);
    void fire(int event);
    void execute(const Pending& pending);
    double next_pending_time() const;

    const OdeSystem& system_;
    Integrator& integrator_;
    std::vector<char> trigger_;      // each event's trigger value as last seen
    std::vector<Pending> pending_;
    std::vector<double> x_, g_;
    std::uint64_t sequence_ = 0;
    std::mt19937_64 random_{tie_break_seed};
    std::size_t executed_ = 0;
};

}  // namespace ntsim::solver
