// Reading the sweep's CSV result tables (RFC 4180: quoted fields may hold commas, quotes and
// newlines), as written by scenarios/output.cpp. Rows stream one at a time, so a states.csv of
// millions of rows is never held as strings.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ntsim::viz {

class CsvReader {
public:
    // Reads the header line; throws std::invalid_argument if the file cannot be read or is empty.
    explicit CsvReader(const std::filesystem::path& file);

    const std::vector<std::string>& header() const { return header_; }
    std::optional<std::size_t> column(std::string_view name) const;
    // The column's index; throws std::invalid_argument naming the file and the columns it has.
    std::size_t require_column(std::string_view name) const;

    // The next row into `fields` (as many as the header); false at the end of the file. Throws
    // std::invalid_argument naming file and line for a row of the wrong length.
    bool next(std::vector<std::string>& fields);

    const std::string& file() const { return file_; }

private:
    bool read_record(std::vector<std::string>& fields);

    std::string file_;
    std::ifstream in_;
    std::vector<std::string> header_;
    std::size_t line_ = 0;
};

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::string file;
    std::optional<std::size_t> column(std::string_view name) const;
    std::size_t require_column(std::string_view name) const;
};

// The whole file; for the small tables (runs, summary, ec50, expectations).
CsvTable read_csv(const std::filesystem::path& file);

// A number as written by the sweep ("NaN", "Inf" and "-Inf" included); NaN for an empty field.
// Throws std::invalid_argument for text that is not a number.
double csv_number(const std::string& field);

}  // namespace ntsim::viz
