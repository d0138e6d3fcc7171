// Entry point of the models layer: read a JSON model file (and its includes) into a validated
// Model, or throw ModelError naming the file, the JSON Pointer of the entry and the problem.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/model.hpp"

namespace ntsim::models {

struct LoadProblem {
    std::string file;
    std::string pointer;   // JSON Pointer; empty for the whole file
    std::string message;
};

// All problems found in one pass; what() lists them one per line as "file: pointer: message".
class ModelError : public std::runtime_error {
public:
    explicit ModelError(std::vector<LoadProblem> problems);
    const std::vector<LoadProblem>& problems() const { return problems_; }
private:
    std::vector<LoadProblem> problems_;
};

Model load(const std::filesystem::path& file);

// Loads several top files (e.g. a pathway model and compound files) into one model; the first
// names it.
Model load(const std::vector<std::filesystem::path>& files);

// Loads from text; `file` is the name used in messages and the base for relative includes.
Model load_from_string(const std::string& text, const std::filesystem::path& file);

}  // namespace ntsim::models
