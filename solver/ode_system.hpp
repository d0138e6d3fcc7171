// A model compiled to an ODE system dx/dt = N·v(x, p, t) + r(x, p, t): flat arrays and
// instruction tapes for the reaction rates v, rate rules r, their analytic partial derivatives,
// the observables, event triggers and initial values. The system is immutable and shared;
// everything that changes per run lives in a Workspace.
//
// States are the quantities that change over a run: non-constant species (their concentration
// for JSON models, their amount when reactions are SBML extent rates or the compartment may
// change), and parameters or compartments with a rate rule or an event assignment. Inputs are
// the quantities fixed during a run: parameters, constant species and compartment sizes. SBML
// assignment rules, observables and reaction ids are inlined wherever they are read, so every
// tape reads only states, inputs and time.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/network.hpp"
#include "solver/tape.hpp"

namespace ntsim::solver {

// Compressed sparse column pattern of the Jacobian; the diagonal is always present because
// CVODE factors I - gamma*J.
struct SparsityPattern {
    std::vector<int> column_starts;  // size n+1
    std::vector<int> rows;           // size nnz
};

// Which model quantity a state holds.
struct StateInfo {
    models::EntityKind kind;   // species, parameter or compartment
    int index;                 // into the model's list of that kind
    bool amount = false;       // species: the state is its amount, not its concentration
};

struct CompiledEventAssignment {
    int state;                      // the state it sets
    Slot value;                     // event tape slot: the value the variable's id stands for
    std::optional<Slot> volume;     // species: compartment size turning that value into the state
    bool multiply_by_volume = true; // amount state of a concentration (x = value*V), else x = value/V
    // A compartment's new size keeps the amounts of its species: these concentration states
    // (rate-rule species) are scaled by old size / new size.
    std::vector<int> concentration_states;
};

// An SBML event with its expressions on the event tape (see models::Event).
struct CompiledEvent {
    std::string id;
    Slot trigger = 0;
    std::optional<Slot> delay, priority;
    bool initial_value = true;
    bool persistent = true;
    bool use_values_from_trigger_time = true;
    std::vector<CompiledEventAssignment> assignments;
};

// A comparison inside a trigger. Triggers read the comparison from `slot`, which the event
// driver sets: from the direction of the root function `root` when that root is found (so a
// crossing located a hair early or late still counts), else from the comparison's own value
// `direct` on the event tape.
struct TriggerAtom {
    Slot slot = 0;
    Slot direct = 0;
    int root = 0;
    bool true_above = true;    // true when the root function is positive (a > b, a >= b)
};

class Workspace;

class OdeSystem {
public:
    std::size_t size() const { return state_ids_.size(); }

    // State: non-constant species in model order, then parameters and compartments that rules
    // or events change. Inputs: parameters, then constant species, then compartment sizes; a run
    // may override any of them.
    const std::vector<std::string>& state_ids() const { return state_ids_; }
    const std::vector<StateInfo>& state_info() const { return state_info_; }
    const std::vector<std::string>& input_ids() const { return input_ids_; }
    const std::vector<std::string>& observable_ids() const { return observable_ids_; }
    const std::vector<std::string>& reaction_ids() const { return reaction_ids_; }
    const std::vector<double>& default_state() const { return default_state_; }
    const std::vector<double>& default_inputs() const { return default_inputs_; }
    std::optional<int> state_index(const std::string& id) const;
    std::optional<int> input_index(const std::string& id) const;
    std::optional<int> observable_index(const std::string& id) const;

    const SparsityPattern& jacobian_pattern() const { return pattern_; }
    std::size_t tape_instructions() const { return rate_tape_.size() + jacobian_tape_.size(); }

    // dx/dt at (t, x). Returns false if a rate is not finite; `ws.problem()` then names the
    // reaction or rate rule, its expression and the subexpression that failed. Allocates nothing
    // unless a value is not finite: one pass over dx/dt detects that.
    bool rhs(Workspace& ws, double t, const double* x, double* dxdt) const;

    // Jacobian values in the order of jacobian_pattern(). Allocates nothing.
    void jacobian(Workspace& ws, double t, const double* x, double* values) const;

    void observables(Workspace& ws, double t, const double* x, double* out) const;

    // After observables() at time t: a message naming the first observable of `which` (indices)
    // whose value is not finite, with its expression and the subexpression that failed; empty
    // when all of them are finite.
    std::string non_finite_observable(const Workspace& ws, double t, std::span<const int> which) const;

    struct StoichiometricEntry {
        int state, reaction;
        double coefficient;  // signed, volume-scaled for the workspace's inputs
    };
    // The non-zeros of the stoichiometric matrix N (dx/dt = N·v); entries whose coefficient
    // changes during a run (SBML variable stoichiometry) are left out.
    std::vector<StoichiometricEntry> stoichiometric_matrix(const Workspace& ws) const;
    void rates(Workspace& ws, double t, const double* x, double* out) const;
    // States whose rate is not N·v with a fixed N (SBML rate rules, variable stoichiometry), in
    // order: the stoichiometric matrix says nothing about what they conserve.
    std::vector<int> states_outside_stoichiometry() const;

    // Initial values at time t0 for the given inputs: sets `x0` and the inputs that SBML initial
    // assignments define (they may read other inputs). default_state() and default_inputs() are
    // this applied to the model's declared values at t0 = 0.
    void initial_values(std::vector<double>& inputs, std::vector<double>& x0, double t0 = 0.0) const;

    // Rewrites an expression over model ids (species as their model meaning, parameters,
    // compartments, reactions, observables, time) into one over this system's states and inputs.
    // Throws std::invalid_argument for an unknown id.
    models::ExprPtr expand(const models::ExprPtr& expression) const;

    // Root functions for CVODE: first one per trigger atom (events), then one per comparison in
    // a rate or rule (discontinuities the integrator restarts at).
    std::size_t root_count() const { return root_slots_.size(); }
    std::size_t event_root_count() const { return atoms_.size(); }
    void roots(Workspace& ws, double t, const double* x, double* g) const;

    const std::vector<CompiledEvent>& events() const { return events_; }
    const std::vector<TriggerAtom>& trigger_atoms() const { return atoms_; }
    // Runs the event tape at (t, x): triggers (from the atoms' current slots), delays,
    // priorities, assignment values and atoms' direct values, read back with Workspace::value.
    void evaluate_events(Workspace& ws, double t, const double* x) const;

private:
    friend class Compiler;
    friend class Workspace;
    friend class Probe;

    void load_point(Workspace& ws, double t, const double* x) const;

    // A reaction rate, rate rule or observable as the model writes it and as its tape computes it
    // into `slot`, kept to explain a value that is not finite.
    struct Formula {
        std::string what;              // "reaction 'R1'", "rate rule for 'x'", "observable 'o'"
        models::ExprPtr written;       // over model ids, as in the file
        models::ExprPtr expanded;      // over states, inputs and time
        Slot slot = 0;
    };
    std::string explain(const Formula& f, const double* slots, double t) const;

    struct Term {
        Slot rate_or_partial;  // slot of v_r (or of a rule, or a variable-stoichiometry flux), or its partial
        int coefficient;       // index into stoichiometry_
    };
    // Sums of coefficient * slot, one per output (a state's derivative, a Jacobian entry). Kept
    // as parallel arrays and paired with per-workspace weights (Workspace::set_inputs), so the
    // hot loop reads two contiguous arrays instead of chasing a coefficient index.
    struct WeightedSums {
        std::vector<int> starts;          // per output, into slots; one past the end last
        std::vector<Slot> slots;
        std::vector<int> coefficients;    // per term, index into stoichiometry_
        void append(const std::vector<Term>& terms);
        void evaluate(const double* weights, const double* slot_values, double* out) const;
    };
    // coefficient = constant * prod(inputs[i]^exponent): stoichiometry, volumes, conversion factors.
    struct StoichiometryEntry {
        int state, reaction;   // reaction -1: a rate rule
        double constant;
        std::vector<std::pair<int, int>> input_powers;  // (input index, +1 or -1)
        bool variable = false; // the term's slot carries a run-time factor (variable stoichiometry)
    };

    std::vector<std::string> state_ids_, input_ids_, observable_ids_, reaction_ids_;
    std::vector<StateInfo> state_info_;
    std::vector<double> default_state_, default_inputs_;
    std::vector<StoichiometryEntry> stoichiometry_;
    std::vector<Slot> rate_slots_;                 // one per reaction
    WeightedSums rhs_sums_;        // per state
    WeightedSums jacobian_sums_;   // per pattern entry
    std::vector<Slot> observable_slots_;
    std::vector<Formula> rate_formulas_;           // reactions, then rate rules of states
    std::vector<Formula> observable_formulas_;     // one per observable
    SparsityPattern pattern_;
    Tape rate_tape_, jacobian_tape_, observable_tape_, root_tape_, event_tape_, initial_tape_;
    std::vector<Slot> root_slots_;
    std::vector<CompiledEvent> events_;
    std::vector<TriggerAtom> atoms_;
    std::vector<Slot> initial_state_slots_;                 // per state
    std::vector<std::pair<int, Slot>> initial_input_slots_; // (input index, slot)
    std::unordered_map<std::string, models::ExprPtr> expansion_;  // model id -> expression over slots
    Slot time_slot_ = 0, input_slot_begin_ = 0, slot_count_ = 0;
};

// Derives the ODE system from the network's model (stoichiometry, rate laws, rules, events).
// Throws std::invalid_argument when an expression names an unknown id or rules depend on each
// other in a cycle.
OdeSystem compile(const models::Network& network);

// Per-run scratch: the slot array and the volume-scaled stoichiometry for the current inputs.
class Workspace {
public:
    explicit Workspace(const OdeSystem& system);

    // Sets all inputs (in input_ids() order) and rescales stoichiometry by compartment volumes.
    void set_inputs(std::span<const double> inputs);
    std::span<const double> inputs() const;

    // A slot's value after the last tape run (events, atoms); sets a trigger atom.
    double value(Slot slot) const { return slots_[slot]; }
    void set_value(Slot slot, double value) { slots_[slot] = value; }

    const std::string& problem() const { return problem_; }
    void clear_problem() { problem_.clear(); }

private:
    friend class OdeSystem;
    friend class Probe;
    const OdeSystem* system_;
    std::vector<double> slots_;
    std::vector<double> coefficients_;                     // per stoichiometry entry
    std::vector<double> rhs_weights_, jacobian_weights_;  // coefficients_ in term order
    std::string problem_;
};

// Extra quantities evaluated along a trajectory (e.g. the variables a test case asks for),
// given as expressions over model ids; each Probe owns its scratch, so use one per thread.
class Probe {
public:
    Probe(const OdeSystem& system, const std::vector<models::ExprPtr>& expressions);
    void evaluate(const Workspace& ws, double t, const double* x, double* out);
    std::size_t size() const { return slots_.size(); }

private:
    const OdeSystem* system_;
    Tape tape_;
    std::vector<Slot> slots_;
    std::vector<double> scratch_;
};

}  // namespace ntsim::solver
