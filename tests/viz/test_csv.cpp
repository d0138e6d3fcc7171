// The CSV reader of result tables: quoting as the sweep writes it, and located errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "viz/csv.hpp"

using namespace ntsim::viz;

namespace {

std::filesystem::path write_file(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::path(NTSIM_VIZ_OUTPUT_DIR) / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

}  // namespace

TEST_CASE("read_csv takes quoted fields with commas, quotes and newlines", "[viz][csv]") {
    // The expectations table quotes claims like "a, b" and details with "quotes"; expected by hand.
    const auto file = write_file("quoted.csv", "id,claim,detail\r\nx,\"a, b\",\"say \"\"hi\"\"\nnext line\"\ny,plain,\n");
    const CsvTable t = read_csv(file);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][1] == "a, b");
    CHECK(t.rows[0][2] == "say \"hi\"\nnext line");
    CHECK(t.rows[1][2].empty());
    CHECK(t.require_column("detail") == 2);
}

TEST_CASE("read_csv names the file, line and the columns it has", "[viz][csv]") {
    // Error path: a short row and an unknown column must say where and what exists.
    const auto file = write_file("short_row.csv", "a,b\n1,2\n3\n");
    CHECK_THROWS_WITH(read_csv(file), Catch::Contains("short_row.csv:3: 1 fields, but the header has 2"));
    const auto good = write_file("columns.csv", "a,b\n1,2\n");
    CHECK_THROWS_WITH(read_csv(good).require_column("c"), Catch::Contains("no column 'c'; columns: a, b"));
    CHECK_THROWS_WITH(read_csv(std::filesystem::path(NTSIM_VIZ_OUTPUT_DIR) / "missing.csv"), Catch::Contains("cannot read"));
}

TEST_CASE("csv_number reads the sweep's number forms", "[viz][csv]") {
    // The sweep writes NaN, Inf and -Inf by name and subnormal values in e notation.
    CHECK(std::isnan(csv_number("NaN")));
    CHECK(std::isnan(csv_number("")));
    CHECK(csv_number("Inf") == INFINITY);
    CHECK(csv_number("-Inf") == -INFINITY);
    CHECK(csv_number("2.5e-3") == 2.5e-3);
    CHECK(csv_number("4.9e-320") > 0);
    CHECK_THROWS_WITH(csv_number("3 mg"), Catch::Contains("not a number: '3 mg'"));
}
