// SUNDIALS error capture and flag checking.
#include "solver/sundials_support.hpp"

#include <cstdlib>

#include <cvode/cvode.h>
#include <fmt/format.h>

namespace ntsim::solver::detail {

void ErrorCapture::handler(int code, const char* module, const char* function, char* message, void* self) {
    auto* capture = static_cast<ErrorCapture*>(self);
    capture->last_message = fmt::format("{} {} (code {}): {}", module ? module : "", function ? function : "", code,
                                        message ? message : "");
}

FailureCause cause_of_cvode_flag(int flag, bool run_budget_binds) {
    switch (flag) {
        case CV_TOO_MUCH_WORK: return run_budget_binds ? FailureCause::step_limit : FailureCause::too_much_work;
        case CV_ERR_FAILURE: return FailureCause::error_test_failures;
        case CV_CONV_FAILURE: return FailureCause::convergence_failures;
        default: return FailureCause::solver_error;
    }
}

std::string name_of_flag(int flag, char* (*flag_name)(long int)) {
    if (!flag_name) return std::to_string(flag);
    // SUNDIALS 6 returns a malloc'ed copy that the caller must free.
    char* name = flag_name(flag);
    std::string text = name ? name : std::to_string(flag);
    std::free(name);
    return text;
}

void check(int flag, const char* our_function, const char* sundials_function, const ErrorCapture& capture,
           char* (*flag_name)(long int)) {
    if (flag >= 0) return;
    throw std::runtime_error(fmt::format("{}: {} failed with {}: {}", our_function, sundials_function,
                                         name_of_flag(flag, flag_name), capture.last_message));
}

}  // namespace ntsim::solver::detail
