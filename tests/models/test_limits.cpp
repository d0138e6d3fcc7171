// Resource limits on input (models/limits.hpp): absurd sizes get a clear error naming the file
// and the limit, quickly and without exhausting memory or the stack. Inputs are generated in a
// per-process temp dir; none is committed.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "models/limits.hpp"
#include "models/models.hpp"

namespace fs = std::filesystem;
using namespace ntsim;

namespace {

class TempDir {
public:
    TempDir() : path_(fs::temp_directory_path() / ("ntsim_test_limits_" + std::to_string(::getpid()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() { fs::remove_all(path_); }
    fs::path write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name, std::ios::binary) << text;
        return path_ / name;
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string species_list(std::size_t count) {
    std::string text;
    text.reserve(count * 45);
    for (std::size_t i = 0; i < count; ++i)
        text += (i ? "," : "") + std::string(R"({"id":"s)") + std::to_string(i) + R"(","initial":0,"unit":"nM"})";
    return text;
}

std::string error_of(const std::function<void()>& load) {
    try {
        load();
    } catch (const models::ModelError& e) {
        return e.what();
    }
    FAIL("no error");
    return {};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A model whose one reaction has `rate` as its expression.
std::string with_rate(const std::string& rate) {
    return R"({"species": [{"id": "A", "initial": 1, "unit": "nM"}],
      "parameters": [{"id": "k", "value": 1, "unit": "1/s", "source": "assumed: test"}],
      "reactions": [{"id": "r", "reactants": ["A"], "rate": {"type": "expression", "expression": ")" + rate + R"("}}]})";
}

}  // namespace

TEST_CASE("a 50 MB JSON file is refused by its size before it is read", "[limits]") {
    // Sparse, so the test writes nothing: only the size is looked at.
    const TempDir dir;
    const fs::path big = dir.path() / "big.json";
    std::ofstream(big).put('{');
    fs::resize_file(big, 50'000'000);
    const std::string what = error_of([&] { models::load(big); });
    CHECK_THAT(what, Catch::Contains("big.json: file of 50000000 bytes is larger than the limit of 33554432 bytes (32 MiB)"));
}

TEST_CASE("a model of a million species is refused, by file size or by species count", "[limits]") {
    // 10^6 compact species are about 44 MB: the file limit. 200,001 fit in 9 MB and reach the
    // species limit, checked on the arrays' sizes before any species is built.
    const TempDir dir;
    const fs::path million = dir.write("million.json", R"({"species": [)" + species_list(1'000'000) + "]}");
    CHECK_THAT(error_of([&] { models::load(million); }), Catch::Contains("million.json: file of") && Catch::Contains("(32 MiB)"));

    const fs::path many = dir.write("many.json", R"({"species": [)" + species_list(models::limits::max_species + 1) + "]}");
    const auto start = std::chrono::steady_clock::now();
    CHECK_THAT(error_of([&] { models::load(many); }), Catch::Contains("many.json: 200001 species, more than the limit of 200000"));
    CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("JSON nested 10^4 deep is refused with the line and column where it passes the limit", "[limits]") {
    const TempDir dir;
    const fs::path deep = dir.write("deep.json", R"({"notes": )" + std::string(10'000, '[') + std::string(10'000, ']') + "}");
    CHECK_THAT(error_of([&] { models::load(deep); }),
               Catch::Contains("deep.json: JSON nested deeper than the limit of 64 levels at line 1, column 74"));
    // Brackets inside strings are text, not nesting.
    const fs::path quoted = dir.write("quoted.json", R"({"name": ")" + std::string(10'000, '[') + R"(", "species": [{"id": "A", "initial": 1, "unit": "nM"}]})");
    CHECK(models::load(quoted).species.size() == 1);
}

TEST_CASE("an expression of 10^5 terms is refused by length and one of 10^4 terms by depth, without overflowing the stack", "[limits]") {
    std::string terms;
    for (int i = 0; i < 100'000; ++i) terms += i ? "+A" : "A";
    const std::string long_error = error_of([&] { models::load_from_string(with_rate("k*(" + terms + ")"), "long.json"); });
    CHECK_THAT(long_error, Catch::Contains("long.json: /reactions/0/rate/expression: cannot parse expression: expression of "
                                           "200003 characters is longer than the limit of 100000"));
    CHECK(long_error.size() < 400);  // the text is quoted around the column, not whole

    const std::string deep_error = error_of([&] { models::load_from_string(with_rate("k*(" + terms.substr(0, 20'000) + ")"), "deep.json"); });
    CHECK_THAT(deep_error, Catch::Contains("deep.json: /reactions/0/rate/expression: cannot parse expression: expression nested "
                                           "too deeply (limit 1000 levels)"));
    CHECK_THAT(deep_error, Catch::Contains("at column 2005 in '...+A+A+A"));
    CHECK(deep_error.size() < 400);

    const std::string parens = std::string(5'000, '(') + "A" + std::string(5'000, ')');
    CHECK_THAT(error_of([&] { models::load_from_string(with_rate("k*" + parens), "parens.json"); }),
               Catch::Contains("nested too deeply (limit 1000 levels)"));
}

TEST_CASE("a chain of observables is limited by the depth it has written out in full", "[limits]") {
    // o_k = o_(k-1) + A: each is shallow, but the solver inlines the chain, 2 levels per link
    // (the sum, and the reference), so o_500 nests 1000 levels and o_501 is the first too deep.
    std::string observables = R"({"id": "o0", "expression": "A"})";
    for (int k = 1; k < 2000; ++k)
        observables += R"(, {"id": "o)" + std::to_string(k) + R"(", "expression": "o)" + std::to_string(k - 1) + R"( + A"})";
    const std::string text = R"({"species": [{"id": "A", "initial": 1, "unit": "nM"}], "observables": [)" + observables + "]}";
    CHECK_THAT(error_of([&] { models::load_from_string(text, "chain.json"); }),
               Catch::Contains("chain.json: /observables/501/expression: with the observables it reads written out, the "
                               "expression nests 1002 levels, more than the limit of 1000"));
}

TEST_CASE("a file with 10^4 broken entries reports the first hundred problems, quickly", "[limits]") {
    // Every reaction names an unknown species; each "known:" hint ranks all 5000 species by edit
    // distance, so without the cap this would take minutes. The bound allows for a loaded machine.
    std::string reactions;
    for (int i = 0; i < 10'000; ++i)
        reactions += (i ? "," : "") + std::string(R"({"id": "r)") + std::to_string(i) +
                     R"(", "reactants": ["nope"], "rate": {"type": "mass_action", "kf": "k"}})";
    const std::string text = R"({"species": [)" + species_list(5000) +
                             R"(], "parameters": [{"id": "k", "value": 1, "unit": "1/s", "source": "assumed: test"}], "reactions": [)" +
                             reactions + "]}";
    const auto start = std::chrono::steady_clock::now();
    const std::string what = error_of([&] { models::load_from_string(text, "broken.json"); });
    CHECK(seconds_since(start) < 10.0);
    CHECK_THAT(what, Catch::Contains("broken.json: /reactions/99/reactants/0: unknown species 'nope'"));
    CHECK_THAT(what, Catch::Contains("broken.json: stopped after 100 problems"));
    CHECK_THAT(what, !Catch::Contains("/reactions/100/"));
}

TEST_CASE("a number too large for a double is a JSON error, not an escaping exception", "[limits]") {
    // The JSON library throws its out_of_range (not a parse error) for 1e999.
    const std::string text = R"({"species": [{"id": "A", "initial": 1e999, "unit": "nM"}]})";
    CHECK_THAT(error_of([&] { models::load_from_string(text, "huge.json"); }),
               Catch::Contains("huge.json: malformed JSON: number overflow parsing '1e999'"));
}

TEST_CASE("SBML math with 10^4 terms is refused by the expression limits, not by the stack", "[limits][sbml]") {
    // 10^4 arguments to one operator would fold into a chain 10^4 deep. libSBML reads a <plus>
    // as nested binary <plus>, which the MathML depth limit (500) refuses; a <max> stays n-ary
    // and meets the argument limit.
    std::string args;
    for (int i = 0; i < 10'000; ++i) args += "<ci>k</ci>";
    auto sbml = [&](const std::string& op) {
        return R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="wide">
    <listOfParameters>
      <parameter id="k" value="1" constant="true"/>
      <parameter id="x" value="0" constant="false"/>
    </listOfParameters>
    <listOfRules>
      <rateRule variable="x"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><)" + op + "/>" + args + R"(</apply></math></rateRule>
    </listOfRules>
  </model>
</sbml>)";
    };
    const auto start = std::chrono::steady_clock::now();
    CHECK_THAT(error_of([&] { models::load_sbml_from_string(sbml("plus"), "plus.xml", {.check_consistency = false}); }),
               Catch::Contains("plus.xml: rateRule for 'x': cannot read math: math nested more than 500 levels deep"));
    CHECK_THAT(error_of([&] { models::load_sbml_from_string(sbml("max"), "max.xml", {.check_consistency = false}); }),
               Catch::Contains("max.xml: rateRule for 'x': cannot read math: math with 10000 arguments to one operator, "
                               "more than the limit of 1000"));
    CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("SBML nested 10^5 elements deep is refused before libSBML reads it", "[limits][sbml]") {
    // libSBML's reader recursed past the stack (a segmentation fault) at about 10^4 levels; the
    // nesting is now counted on the text first. Comments and quoted '>' must not confuse it.
    const std::string sbml = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment with <tags> -->
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="deep" name="a > b">
    <notes><body xmlns="http://www.w3.org/1999/xhtml">)" + std::string(100'000 * 5, ' ') + R"(</body></notes>
  </model>
</sbml>)";
    std::string nested = sbml;
    std::string divs;
    for (int i = 0; i < 100'000; ++i) divs += "<div>";
    for (int i = 0; i < 100'000; ++i) divs += "</div>";
    nested.replace(nested.find(std::string(500'000, ' ')), 500'000, divs);
    const TempDir dir;
    const fs::path file = dir.write("deep.xml", nested);
    CHECK_THAT(error_of([&] { models::load_sbml(file); }), Catch::Contains("deep.xml: line 5: XML elements nested deeper than the limit of 1000"));
    CHECK_THAT(error_of([&] { models::load_sbml_from_string(nested, "deep.xml"); }), Catch::Contains("line 5: XML elements nested deeper"));
    // The same document without the nesting gets past the check (to libSBML's own complaint or none).
    const std::string flat = nested.replace(nested.find(divs), divs.size(), "<p>shallow</p>");
    try {
        models::load_sbml_from_string(flat, "flat.xml");
    } catch (const models::ModelError& e) {
        CHECK_THAT(e.what(), !Catch::Contains("nested deeper"));
    }
}
