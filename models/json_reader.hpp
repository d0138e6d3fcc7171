// Reading JSON model entries while tracking where we are: every reader knows its file and JSON
// Pointer, so each problem it reports names the exact entry. Problems are collected, not thrown,
// so one load reports every independent mistake of a file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/load.hpp"
#include "models/model.hpp"
#include "models/units.hpp"

namespace ntsim::models {

class Problems {
public:
    void add(const std::string& file, const std::string& pointer, const std::string& message);
    [[noreturn]] void fail(const std::string& file, const std::string& pointer, const std::string& message);
    void throw_if_any() const;
    bool any_under(const std::string& file, const std::string& pointer) const;

private:
    std::vector<LoadProblem> list_;
};

class JsonReader {
public:
    JsonReader(Problems& problems, std::string file, const nlohmann::json& value, std::string pointer,
               bool missing = false);

    const std::string& file() const { return file_; }
    const std::string& pointer() const { return pointer_; }

    bool require_object(const char* expected = "an object") const;
    bool require_array() const;
    bool is_string() const { return value_.is_string(); }
    bool is_number() const { return value_.is_number(); }
    bool is_null() const { return !missing_ && value_.is_null(); }
    std::size_t size() const { return value_.is_array() ? value_.size() : 0; }

    // Reports every key not in `allowed`, listing the allowed ones.
    void check_keys(const std::vector<const char*>& allowed) const;

    JsonReader at(const char* key) const;       // missing key: reported at this entry
    JsonReader at(std::size_t index) const;
    std::optional<JsonReader> optional(const char* key) const;
    std::vector<std::string> keys() const;      // of an object, in document order

    // Typed reads: on a wrong type, report and return a neutral value.
    std::string string() const;
    double number() const;
    bool boolean() const;

    // value_key in units of unit_key, converted to internal units, checked against `dimension`.
    double quantity(const char* value_key, const char* unit_key, const Dimension& dimension) const;

    void fail(const std::string& message) const;
    bool has_failed() const;

private:
    void wrong_type(const char* expected) const;

    Problems* problems_;
    std::string file_;
    const nlohmann::json& value_;
    std::string pointer_;
    bool missing_;
};

// Reads and parses a JSON file; an unreadable file or malformed JSON (with line and column) is
// reported and thrown at once, since nothing else in the file can be checked.
nlohmann::json read_json_file(Problems& problems, const std::filesystem::path& file, const std::string& shown_name);
nlohmann::json parse_json_text(Problems& problems, const std::string& text, const std::string& shown_name);

bool is_identifier(const std::string& text);

// The kind of a `source` entry: a citation, "assumed: <reason>" or "calibrated: <to what>"; a
// bare "assumed" or an empty source is reported at `entry`.
SourceKind classify_source(const JsonReader& entry, const std::string& text);

// "A, B, C" with the names closest to `wanted` first, at most ten, for "known: ..." hints.
std::string known_list(std::vector<std::string> names, const std::string& wanted);

}  // namespace ntsim::models
