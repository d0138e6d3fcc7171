// CSV parsing for the result tables.
#include "viz/csv.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

namespace ntsim::viz {

namespace {

std::optional<std::size_t> find_column(const std::vector<std::string>& header, std::string_view name) {
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return i;
    return std::nullopt;
}

std::size_t require(const std::vector<std::string>& header, std::string_view name, const std::string& file) {
    if (auto c = find_column(header, name)) return *c;
    std::string known;
    for (const auto& h : header) known += (known.empty() ? "" : ", ") + h;
    throw std::invalid_argument(fmt::format("{}: no column '{}'; columns: {}", file, name, known));
}

}  // namespace

CsvReader::CsvReader(const std::filesystem::path& file) : file_(file.string()), in_(file, std::ios::binary) {
    if (!in_) throw std::invalid_argument(fmt::format("cannot read '{}'", file_));
    if (!read_record(header_)) throw std::invalid_argument(fmt::format("{}: empty file, expected a header line", file_));
}

std::optional<std::size_t> CsvReader::column(std::string_view name) const { return find_column(header_, name); }

std::size_t CsvReader::require_column(std::string_view name) const { return require(header_, name, file_); }

// One record: a line, continued over newlines inside quotes. Skips blank lines.
bool CsvReader::read_record(std::vector<std::string>& fields) {
    std::string line;
    do {
        if (!std::getline(in_, line)) return false;
        ++line_;
    } while (line.empty() || line == "\r");
    const std::size_t first_line = line_;
    fields.clear();
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0;; ++i) {
        if (i == line.size()) {
            if (!quoted) break;
            std::string more;
            if (!std::getline(in_, more))
                throw std::invalid_argument(fmt::format("{}:{}: unterminated quoted field", file_, first_line));
            ++line_;
            field += '\n';
            line = std::move(more);
            i = static_cast<std::size_t>(-1);
            continue;
        }
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    fields.push_back(std::move(field));
    if (!header_.empty() && fields.size() != header_.size())
        throw std::invalid_argument(
            fmt::format("{}:{}: {} fields, but the header has {}", file_, first_line, fields.size(), header_.size()));
    return true;
}

bool CsvReader::next(std::vector<std::string>& fields) { return read_record(fields); }

std::optional<std::size_t> CsvTable::column(std::string_view name) const { return find_column(header, name); }

std::size_t CsvTable::require_column(std::string_view name) const { return require(header, name, file); }

CsvTable read_csv(const std::filesystem::path& file) {
    CsvReader reader(file);
    CsvTable table{reader.header(), {}, reader.file()};
    std::vector<std::string> row;
    while (reader.next(row)) table.rows.push_back(row);
    return table;
}

double csv_number(const std::string& field) {
    if (field.empty() || field == "NaN") return NAN;
    if (field == "Inf") return INFINITY;
    if (field == "-Inf") return -INFINITY;
    // strtod, not stod: a subnormal value (a species decayed to ~1e-310 nM) is a number, not an error.
    char* end = nullptr;
    const double value = std::strtod(field.c_str(), &end);
    if (end != field.c_str() + field.size()) throw std::invalid_argument(fmt::format("not a number: '{}'", field));
    return value;
}

}  // namespace ntsim::viz
