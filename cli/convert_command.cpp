// `ntsim convert IN OUT`: a model file into another format, chosen by the output's extension
// (.xml or .sbml: SBML Level 3 Version 2).
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "models/models.hpp"

namespace ntsim::cli {

int run_convert(const ConvertArgs& args) {
    return guarded([&] {
        const models::Model model = models::is_sbml_file(args.input) ? models::load_sbml(args.input) : models::load(args.input);
        if (!models::is_sbml_file(args.output))
            throw std::invalid_argument(fmt::format("cannot write '{}': ntsim converts to SBML (.xml or .sbml)", args.output));
        models::write_sbml(model, args.output);
        fmt::print(stderr, "{}: {} species, {} reactions written to {}\n", model.name, model.species.size(), model.reactions.size(),
                   args.output);
        return 0;
    });
}

}  // namespace ntsim::cli
