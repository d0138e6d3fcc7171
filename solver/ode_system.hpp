// A model compiled to an ODE system dx/dt = N·v(x, p, t): flat arrays and instruction tapes for
// the reaction rates, their analytic partial derivatives and the observables. The system is
// immutable and shared; everything that changes per run lives in a Workspace.
#pragma once

#include <optional>
#include <span>
#include <string>
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

class Workspace;

class OdeSystem {
public:
    std::size_t size() const { return state_ids_.size(); }

    // State: non-constant species, in model order. Inputs: parameters, then constant species,
    // then compartment sizes; a run may override any of them.
    const std::vector<std::string>& state_ids() const { return state_ids_; }
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
    // reaction. Allocates nothing.
    bool rhs(Workspace& ws, double t, const double* x, double* dxdt) const;

    // Jacobian values in the order of jacobian_pattern(). Allocates nothing.
    void jacobian(Workspace& ws, double t, const double* x, double* values) const;

    void observables(Workspace& ws, double t, const double* x, double* out) const;

    struct StoichiometricEntry {
        int state, reaction;
        double coefficient;  // signed, volume-scaled for the workspace's inputs
    };
    // The non-zeros of the stoichiometric matrix N (dx/dt = N·v).
    std::vector<StoichiometricEntry> stoichiometric_matrix(const Workspace& ws) const;
    void rates(Workspace& ws, double t, const double* x, double* out) const;

private:
    friend OdeSystem compile(const models::Network& network);
    friend class Workspace;

    void load_point(Workspace& ws, double t, const double* x) const;

    struct Term {
        Slot rate_or_partial;  // slot of v_r, or of dv_r/dx_j
        int coefficient;       // index into Workspace::coefficients_
    };
    struct StoichiometryEntry {
        int state, reaction;
        double stoichiometry;  // signed
        int reaction_compartment, species_compartment;  // input indices of the volumes
    };

    std::vector<std::string> state_ids_, input_ids_, observable_ids_, reaction_ids_;
    std::vector<double> default_state_, default_inputs_;
    std::vector<StoichiometryEntry> stoichiometry_;
    std::vector<Slot> rate_slots_;                 // one per reaction
    std::vector<int> rhs_term_starts_;             // per state, into rhs_terms_
    std::vector<Term> rhs_terms_;
    std::vector<int> jacobian_term_starts_;        // per pattern entry, into jacobian_terms_
    std::vector<Term> jacobian_terms_;
    std::vector<Slot> observable_slots_;
    SparsityPattern pattern_;
    Tape rate_tape_, jacobian_tape_, observable_tape_;
    Slot time_slot_ = 0, input_slot_begin_ = 0, slot_count_ = 0;
};

// Derives the ODE system from the network graph (stoichiometry from its edges, rate laws from
// the reactions they connect).
OdeSystem compile(const models::Network& network);

// Per-run scratch: the slot array and the volume-scaled stoichiometry for the current inputs.
class Workspace {
public:
    explicit Workspace(const OdeSystem& system);

    // Sets all inputs (in input_ids() order) and rescales stoichiometry by compartment volumes.
    void set_inputs(std::span<const double> inputs);
    std::span<const double> inputs() const;

    const std::string& problem() const { return problem_; }
    void clear_problem() { problem_.clear(); }

private:
    friend class OdeSystem;
    const OdeSystem* system_;
    std::vector<double> slots_;
    std::vector<double> coefficients_;
    std::string problem_;
};

}  // namespace ntsim::solver
