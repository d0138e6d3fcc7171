// Writing every figure of a results directory.
#include "viz/plots.hpp"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

namespace ntsim::viz {

std::vector<std::filesystem::path> write_plots(const Results& results, const PlotOptions& options,
                                               const std::filesystem::path& directory) {
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec) throw std::invalid_argument(fmt::format("cannot create '{}': {}", directory.string(), ec.message()));
    std::vector<std::filesystem::path> written;
    for (auto* make : {&time_course_figures, &dose_response_figures, &heat_map_figures}) {
        for (const Figure& figure : make(results, options)) {
            const auto path = directory / figure.file_name;
            std::ofstream out(path, std::ios::binary);
            out << figure.svg;
            if (!out) throw std::invalid_argument(fmt::format("cannot write '{}'", path.string()));
            written.push_back(path);
        }
    }
    return written;
}

}  // namespace ntsim::viz
