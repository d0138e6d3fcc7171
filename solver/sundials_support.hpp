// Move-only owners for SUNDIALS handles, and the one place that turns a SUNDIALS return flag into
// an exception. Internal to solver/.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.hpp>
#include <sundials/sundials_linearsolver.h>
#include <sundials/sundials_matrix.h>

#include "solver/integrator.hpp"

namespace ntsim::solver::detail {

struct VectorDeleter { void operator()(N_Vector v) const { N_VDestroy(v); } };
struct MatrixDeleter { void operator()(SUNMatrix m) const { SUNMatDestroy(m); } };
struct LinearSolverDeleter { void operator()(SUNLinearSolver s) const { SUNLinSolFree(s); } };

using VectorHandle = std::unique_ptr<std::remove_pointer_t<N_Vector>, VectorDeleter>;
using MatrixHandle = std::unique_ptr<std::remove_pointer_t<SUNMatrix>, MatrixDeleter>;
using LinearSolverHandle = std::unique_ptr<std::remove_pointer_t<SUNLinearSolver>, LinearSolverDeleter>;

// Numbers live in a std::vector; SUNDIALS gets a non-owning view of them.
class SerialVector {
public:
    SerialVector(std::size_t size, SUNContext context)
        : data_(size, 0.0), handle_(N_VMake_Serial(static_cast<sunindextype>(size), data_.data(), context)) {
        if (!handle_) throw std::runtime_error("N_VMake_Serial failed");
    }
    N_Vector get() const { return handle_.get(); }
    std::vector<double>& data() { return data_; }
    const std::vector<double>& data() const { return data_; }

private:
    std::vector<double> data_;
    VectorHandle handle_;
};

// Text captured from SUNDIALS' error handler, so worker threads never print.
struct ErrorCapture {
    std::string last_message;
    static void handler(int code, const char* module, const char* function, char* message, void* self);
};

// The symbolic name of a SUNDIALS return flag, e.g. "CV_TOO_MUCH_WORK".
std::string name_of_flag(int flag, char* (*flag_name)(long int));

// The cause a failed CVode() call reports by its flag; `run_budget_binds` says the per-call step
// limit was the rest of the run's max_run_steps rather than max_steps. Non-finite values and the
// wall-clock limit are recognised by the integrator before it asks.
FailureCause cause_of_cvode_flag(int flag, bool run_budget_binds);

// Throws std::runtime_error "our_function: sundials_function failed with FLAG_NAME: message".
void check(int flag, const char* our_function, const char* sundials_function, const ErrorCapture& capture,
           char* (*flag_name)(long int));

}  // namespace ntsim::solver::detail
