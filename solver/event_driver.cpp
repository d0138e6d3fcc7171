// The event loop: at every stop, re-evaluate triggers, schedule what fired, drop non-persistent
// executions whose trigger turned false, and execute due events one at a time by priority,
// re-evaluating after each (SBML Level 3 semantics).
#include "solver/event_driver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace ntsim::solver {

namespace {

// Event executions at one instant beyond this mean a trigger re-arms itself without time
// passing (e.g. an event whose assignment makes its own trigger false and then true again).
constexpr int max_executions_per_instant = 100'000;

// A root function this close to zero after an event still sits on its crossing: the comparison
// keeps the side its crossing direction gave, instead of the rounding of a direct evaluation.
constexpr double on_root = 1e-10;

}  // namespace

EventDriver::EventDriver(const OdeSystem& system, Integrator& integrator)
    : system_(system), integrator_(integrator), trigger_(system.events().size(), 0), g_(system.root_count(), 0.0) {}

void EventDriver::evaluate() {
    const auto x = integrator_.state();
    system_.evaluate_events(integrator_.workspace(), integrator_.time(), x.data());
}

void EventDriver::set_atoms_directly(const std::vector<int>& fired_roots) {
    Workspace& ws = integrator_.workspace();
    const auto x = integrator_.state();
    if (!g_.empty()) system_.roots(ws, integrator_.time(), x.data(), g_.data());
    evaluate();
    const auto& atoms = system_.trigger_atoms();
    for (const auto& atom : atoms) {
        const bool fired = std::find(fired_roots.begin(), fired_roots.end(), atom.root) != fired_roots.end();
        if (fired && std::fabs(g_[atom.root]) <= on_root) continue;
        ws.set_value(atom.slot, ws.value(atom.direct));
    }
    evaluate();
}

void EventDriver::begin() {
    set_atoms_directly({});
    for (std::size_t e = 0; e < system_.events().size(); ++e) trigger_[e] = system_.events()[e].initial_value;
    process({});
}

double EventDriver::next_pending_time() const {
    double next = std::numeric_limits<double>::infinity();
    for (const auto& p : pending_) next = std::min(next, p.time);
    return next;
}

bool EventDriver::advance(double t_out, double t_end) {
    while (integrator_.time() < t_out) {
        const double next = next_pending_time();
        const double t_stop = std::min(t_end, next);
        if (!integrator_.advance(std::min(t_out, t_stop), t_stop)) return false;
        if (integrator_.stopped_at_event_root()) {
            Workspace& ws = integrator_.workspace();
            const auto directions = integrator_.root_directions();
            std::vector<int> fired;
            for (const auto& atom : system_.trigger_atoms()) {
                const int d = directions[atom.root];
                if (d == 0) continue;
                fired.push_back(atom.root);
                ws.set_value(atom.slot, (d > 0) == atom.true_above ? 1.0 : 0.0);
            }
            process(fired);
        } else if (next <= integrator_.time()) {
            process({});
        }
    }
    return true;
}

void EventDriver::fire(int e) {
    const CompiledEvent& event = system_.events()[e];
    const Workspace& ws = integrator_.workspace();
    Pending p{e, integrator_.time(), {}, sequence_++};
    if (event.delay) {
        const double delay = ws.value(*event.delay);
        if (!(delay >= 0)) throw std::runtime_error(fmt::format("event '{}': delay is {} at t = {}", event.id, delay, integrator_.time()));
        p.time += delay;
    }
    if (event.use_values_from_trigger_time)
        for (const auto& a : event.assignments) p.values.push_back(ws.value(a.value));
    pending_.push_back(std::move(p));
}

void EventDriver::process(const std::vector<int>& fired_roots) {
    std::vector<int> fired = fired_roots;
    for (int round = 0; round < max_executions_per_instant; ++round) {
        evaluate();
        const Workspace& ws = integrator_.workspace();
        const auto& events = system_.events();
        for (std::size_t e = 0; e < events.size(); ++e) {
            const bool now = ws.value(events[e].trigger) != 0.0;
            if (now && !trigger_[e]) fire(static_cast<int>(e));
            if (!now && trigger_[e] && !events[e].persistent)
                std::erase_if(pending_, [&](const Pending& p) { return p.event == static_cast<int>(e); });
            trigger_[e] = now;
        }
        // Due now: the one with the highest priority; events without one go after all that
        // have one, in firing order. Equal explicit priorities are drawn at random, as SBML
        // asks (from a fixed seed, so runs are reproducible).
        const double t = integrator_.time();
        std::vector<std::size_t> top;
        double top_priority = -std::numeric_limits<double>::infinity();
        bool top_explicit = false;
        for (std::size_t i = 0; i < pending_.size(); ++i) {
            const Pending& p = pending_[i];
            if (p.time > t) continue;
            const auto& slot = events[p.event].priority;
            const double priority = slot ? ws.value(*slot) : -std::numeric_limits<double>::infinity();
            if (top.empty() || priority > top_priority || (slot && !top_explicit)) {
                top = {i};
                top_priority = priority;
                top_explicit = slot.has_value();
            } else if (priority == top_priority && slot.has_value() == top_explicit) {
                top.push_back(i);
            }
        }
        auto best = pending_.end();
        if (!top.empty()) {
            std::size_t pick = top.front();
            if (top_explicit && top.size() > 1) {
                pick = top[std::uniform_int_distribution<std::size_t>(0, top.size() - 1)(random_)];
            } else {
                for (std::size_t i : top)
                    if (pending_[i].time < pending_[pick].time ||
                        (pending_[i].time == pending_[pick].time && pending_[i].sequence < pending_[pick].sequence))
                        pick = i;
            }
            best = pending_.begin() + static_cast<std::ptrdiff_t>(pick);
        }
        if (best == pending_.end()) return;
        const Pending chosen = *best;
        pending_.erase(best);
        execute(chosen);
        set_atoms_directly(fired);
    }
    throw std::runtime_error(fmt::format("events keep firing at t = {} without time advancing", integrator_.time()));
}

void EventDriver::execute(const Pending& pending) {
    const CompiledEvent& event = system_.events()[pending.event];
    const Workspace& ws = integrator_.workspace();
    evaluate();  // sizes (and values, unless captured at trigger time) as of now
    std::vector<double> values = pending.values;
    if (values.empty())
        for (const auto& a : event.assignments) values.push_back(ws.value(a.value));
    x_.assign(integrator_.state().begin(), integrator_.state().end());
    // All assignments of one event act at once: a species value assigned together with its
    // compartment's size is converted with the size before the event (SBML test 01779).
    // A compartment's new size keeps its species' amounts, including a concentration just
    // assigned by this event (SBML test 01506).
    const auto before = integrator_.state();
    for (std::size_t i = 0; i < event.assignments.size(); ++i) {
        const auto& a = event.assignments[i];
        if (!a.concentration_states.empty())
            for (std::size_t j = 0; j < event.assignments.size(); ++j)
                if (std::find(a.concentration_states.begin(), a.concentration_states.end(), event.assignments[j].state) !=
                    a.concentration_states.end())
                    values[j] *= before[a.state] / values[i];
        for (int s : a.concentration_states) x_[s] = before[s] * before[a.state] / values[i];
    }
    for (std::size_t i = 0; i < event.assignments.size(); ++i) {
        const auto& a = event.assignments[i];
        if (!a.volume) {
            x_[a.state] = values[i];
            continue;
        }
        const double volume = ws.value(*a.volume);
        x_[a.state] = a.multiply_by_volume ? values[i] * volume : values[i] / volume;
    }
    integrator_.reset_state(x_);
    ++executed_;
}

}  // namespace ntsim::solver
