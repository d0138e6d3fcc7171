// Location-tracking JSON reads for the model loader.
#include "models/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "models/limits.hpp"

namespace ntsim::models {

using nlohmann::json;

void Problems::add(const std::string& file, const std::string& pointer, const std::string& message) {
    list_.push_back({file, pointer, message});
    if (list_.size() == limits::max_problems) {
        list_.push_back({file, "", fmt::format("stopped after {} problems", limits::max_problems)});
        throw ModelError(list_);
    }
}

void Problems::fail(const std::string& file, const std::string& pointer, const std::string& message) {
    add(file, pointer, message);
    throw ModelError(list_);
}

void Problems::throw_if_any() const {
    if (!list_.empty()) throw ModelError(list_);
}

bool Problems::any_under(const std::string& file, const std::string& pointer) const {
    return std::any_of(list_.begin(), list_.end(), [&](const LoadProblem& p) {
        return p.file == file && p.pointer.compare(0, pointer.size(), pointer) == 0 &&
               (p.pointer.size() == pointer.size() || p.pointer[pointer.size()] == '/');
    });
}

namespace {

const json& null_json() {
    static const json null_value;
    return null_value;
}

std::string escape_pointer_token(const std::string& key) {
    std::string out;
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

const char* type_name(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::string: return "a string";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "a number";
        default: return "an unsupported value";
    }
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                              std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

}  // namespace

JsonReader::JsonReader(Problems& problems, std::string file, const json& value, std::string pointer, bool missing)
    : problems_(&problems), file_(std::move(file)), value_(value), pointer_(std::move(pointer)), missing_(missing) {}

void JsonReader::fail(const std::string& message) const { problems_->add(file_, pointer_, message); }

bool JsonReader::has_failed() const { return missing_ || problems_->any_under(file_, pointer_); }

void JsonReader::wrong_type(const char* expected) const {
    if (!missing_) fail(fmt::format("expected {}, found {}", expected, type_name(value_)));
}

bool JsonReader::require_object(const char* expected) const {
    if (value_.is_object()) return true;
    wrong_type(expected);
    return false;
}

bool JsonReader::require_array() const {
    if (value_.is_array()) return true;
    wrong_type("an array");
    return false;
}

void JsonReader::check_keys(const std::vector<const char*>& allowed) const {
    if (!value_.is_object()) return;
    for (const auto& item : value_.items()) {
        // A named reference rather than a structured binding: clang 14 (the fuzz build) cannot
        // capture structured bindings in a lambda.
        const std::string& key = item.key();
        if (std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) continue;
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        problems_->add(file_, pointer_ + "/" + escape_pointer_token(key),
                       fmt::format("unknown key '{}'; allowed keys: {}", key, list));
    }
}

JsonReader JsonReader::at(const char* key) const {
    const std::string child = pointer_ + "/" + escape_pointer_token(key);
    if (value_.is_object()) {
        const auto it = value_.find(key);
        if (it != value_.end()) return JsonReader(*problems_, file_, *it, child);
        if (!missing_) fail(fmt::format("missing required key '{}'", key));
    }
    return JsonReader(*problems_, file_, null_json(), child, true);
}

JsonReader JsonReader::at(std::size_t index) const {
    const std::string child = fmt::format("{}/{}", pointer_, index);
    if (value_.is_array() && index < value_.size()) return JsonReader(*problems_, file_, value_[index], child);
    return JsonReader(*problems_, file_, null_json(), child, true);
}

std::optional<JsonReader> JsonReader::optional(const char* key) const {
    if (!value_.is_object() || !value_.contains(key)) return std::nullopt;
    return at(key);
}

std::vector<std::string> JsonReader::keys() const {
    std::vector<std::string> names;
    if (value_.is_object())
        for (const auto& [key, v] : value_.items()) names.push_back(key);
    return names;
}

std::string JsonReader::string() const {
    if (value_.is_string()) return value_.get<std::string>();
    wrong_type("a string");
    return {};
}

double JsonReader::number() const {
    if (value_.is_number()) return value_.get<double>();
    wrong_type("a number");
    return 0.0;
}

bool JsonReader::boolean() const {
    if (value_.is_boolean()) return value_.get<bool>();
    wrong_type("true or false");
    return false;
}

double JsonReader::quantity(const char* value_key, const char* unit_key, const Dimension& dimension) const {
    const JsonReader value = at(value_key);
    const JsonReader unit = at(unit_key);
    const double number = value.number();
    const std::string text = unit.string();
    if (unit.has_failed()) return number;
    try {
        const Unit u = parse_unit(text);
        if (!(u.dimension == dimension)) {
            unit.fail(fmt::format("unit '{}' is {}, but this place needs {}", text, to_string(u.dimension),
                                  to_string(dimension)));
            return number;
        }
        if (!std::isfinite(number * u.to_internal)) {
            value.fail(fmt::format("{} {} is beyond the range of a double in internal units", number, text));
            return 0.0;
        }
        return number * u.to_internal;
    } catch (const UnitError& e) {
        unit.fail(e.what());
        return number;
    }
}

SourceKind classify_source(const JsonReader& entry, const std::string& text) {
    if (const auto problem = source_problem(text)) entry.fail(*problem);
    return source_kind_of(text);
}

namespace {

// Checked on the text before parsing, so a hostile document never becomes a deep tree: parsing is
// iterative, but other walks of a document (printing, JSON_DIAGNOSTICS' parent links) recurse.
void check_json_depth(Problems& problems, const std::string& text, const std::string& shown_name) {
    std::size_t depth = 0, line = 1, column = 0;
    bool in_string = false, escaped = false;
    for (const char c : text) {
        ++column;
        if (c == '\n') {
            ++line;
            column = 0;
        }
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limits::max_json_depth)
                problems.fail(shown_name, "", fmt::format("JSON nested deeper than the limit of {} levels at line {}, column {}",
                                                          limits::max_json_depth, line, column));
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

}  // namespace

nlohmann::json parse_json_text(Problems& problems, const std::string& text, const std::string& shown_name) {
    check_json_depth(problems, text, shown_name);
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        // parse_error for bad syntax, out_of_range for a number beyond double (1e400; a fuzz
        // finding: it escaped as a non-ModelError). "[json.exception.parse_error.101] parse error
        // at line 1, column 5: ..." -> from "parse error"
        const std::string what = e.what();
        const auto bracket = what.find("] ");
        problems.fail(shown_name, "", fmt::format("malformed JSON: {}", bracket == std::string::npos ? what : what.substr(bracket + 2)));
    }
}

nlohmann::json read_json_file(Problems& problems, const std::filesystem::path& file, const std::string& shown_name) {
    std::error_code error;
    if (std::filesystem::exists(file, error) && !std::filesystem::is_regular_file(file, error))
        problems.fail(shown_name, "", "is not a regular file");
    const std::uintmax_t bytes = std::filesystem::file_size(file, error);
    if (!error && bytes > limits::max_file_bytes)
        problems.fail(shown_name, "", fmt::format("file of {} bytes is larger than the limit of {} bytes ({} MiB)", bytes,
                                                  limits::max_file_bytes, limits::max_file_bytes >> 20));
    std::ifstream in(file, std::ios::binary);
    if (!in) problems.fail(shown_name, "", "cannot open file");
    std::stringstream text;
    text << in.rdbuf();
    return parse_json_text(problems, text.str(), shown_name);
}

bool is_identifier(const std::string& text) {
    if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

std::string known_list(std::vector<std::string> names, const std::string& wanted) {
    constexpr std::size_t shown = 10;
    if (names.empty()) return "(none)";
    // One distance per name (a comparator computing them would cost n log n of them), then only
    // the closest few ordered; ties keep the given order.
    std::vector<std::pair<std::size_t, std::size_t>> ranked;  // (distance, position)
    ranked.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) ranked.emplace_back(edit_distance(names[i], wanted), i);
    const std::size_t count = std::min(shown, names.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(count), ranked.end());
    std::string list;
    for (std::size_t i = 0; i < count; ++i) list += (i ? ", " : "") + names[ranked[i].second];
    if (names.size() > shown) list += fmt::format(", ... ({} in all)", names.size());
    return list;
}

}  // namespace ntsim::models
