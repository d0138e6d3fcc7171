// SBML import: what each element becomes in the Model, and the located errors for files ntsim
// refuses (malformed XML, libSBML consistency errors, unsupported constructs).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "models/models.hpp"

using namespace ntsim;
using Catch::Matchers::Contains;

namespace {

const std::filesystem::path data = std::filesystem::path(NTSIM_SOURCE_DIR) / "tests/models/data/sbml";

// A Level 3 Version 2 document around `body` (the inside of <model>).
std::string sbml(const std::string& body) {
    return R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="inline">)" + body + R"(</model>
</sbml>)";
}

template <class Error> std::string message_of(const std::filesystem::path& file) {
    try {
        models::load_sbml(file);
    } catch (const Error& e) {
        return e.what();
    }
    FAIL("no error thrown for " << file);
    return "";
}

const char* two_species = R"(
    <listOfFunctionDefinitions>
      <functionDefinition id="mass_action">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <lambda><bvar><ci> k </ci></bvar><bvar><ci> x </ci></bvar><apply><times/><ci> k </ci><ci> x </ci></apply></lambda>
        </math>
      </functionDefinition>
    </listOfFunctionDefinitions>
    <listOfCompartments>
      <compartment id="c" size="2" constant="true"/>
    </listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialAmount="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="c" initialConcentration="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k" value="0.5" constant="true"/>
      <parameter id="time" value="7" constant="true"/>
    </listOfParameters>
    <listOfReactions>
      <reaction id="conversion" reversible="false">
        <listOfReactants><speciesReference id="nu" species="A" stoichiometry="2" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw>
          <math xmlns="http://www.w3.org/1998/Math/MathML">
            <apply><times/><ci> c </ci><apply><ci> mass_action </ci><ci> k </ci><ci> A </ci></apply><ci> time </ci></apply>
          </math>
          <listOfLocalParameters><localParameter id="k" value="0.25"/></listOfLocalParameters>
        </kineticLaw>
      </reaction>
    </listOfReactions>)";

}  // namespace

TEST_CASE("SBML elements become the model's species, parameters and extent-rate reactions", "[models][sbml]") {
    // Protects the element mapping: amounts vs concentrations, species reference ids as
    // parameters, local parameters renamed per reaction, function definitions inlined, and the
    // reserved id 'time' renamed. Expected values are read off the inline document.
    const models::Model m = models::load_sbml_from_string(sbml(two_species), "inline.xml");
    REQUIRE(m.species.size() == 2);
    CHECK(m.species[0].initial_is_amount);
    CHECK(m.species[0].initial_nm == 3.0);
    CHECK_FALSE(m.species[0].only_substance_units);
    CHECK(m.species[1].only_substance_units);
    CHECK_FALSE(m.species[1].initial_is_amount);
    REQUIRE(m.reactions.size() == 1);
    const auto& r = m.reactions[0];
    CHECK(r.rate_is_extent);
    REQUIRE(r.reactants.size() == 1);
    REQUIRE(r.reactants[0].stoichiometry_expression);
    CHECK(models::to_string(r.reactants[0].stoichiometry_expression) == "nu");
    CHECK(m.parameter_index("nu"));
    CHECK(m.parameter_index("conversion__k"));
    CHECK(m.parameter_index("time_sbml"));
    CHECK(models::model_id_of_sbml_id("time") == "time_sbml");
    // The local k (0.25) shadows the global k inside the kinetic law; the function is inlined.
    CHECK(models::to_string(r.rate) == "c*(conversion__k*A)*time_sbml");
}

TEST_CASE("malformed XML is an SbmlError naming the line", "[models][sbml][errors]") {
    // Protects the first gate: libSBML's XML errors, located by line.
    const std::string message = message_of<models::SbmlError>(data / "malformed_xml.xml");
    CHECK_THAT(message, Contains("malformed_xml.xml: line 8") && Contains("not well-formed"));
}

TEST_CASE("a device given as the SBML file is an SbmlError before anything is read", "[models][sbml][errors]") {
    // Protects the regular-file rule of limits::max_file_bytes: /dev/zero has no size and would
    // be read forever.
    CHECK(message_of<models::SbmlError>("/dev/zero") == "/dev/zero: is not a regular file");
}

TEST_CASE("a model failing libSBML's consistency check is an SbmlError with libSBML's reason", "[models][sbml][errors]") {
    // Protects the consistency gate: a species in an undeclared compartment.
    const std::string message = message_of<models::SbmlError>(data / "inconsistent_model.xml");
    CHECK_THAT(message, Contains("inconsistent_model.xml: line 8") && Contains("refers to the compartment 'nowhere'"));
}

TEST_CASE("unsupported constructs are refused, naming the element and the construct", "[models][sbml][errors]") {
    // Protects "never a silent wrong simulation": each construct ntsim cannot integrate
    // faithfully has a file and a message.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"algebraic_rule.xml", "algebraicRule 1: an algebraic rule that is not linear in one undetermined variable "
                               "(a differential-algebraic system) is not supported"},
        {"fast_reaction.xml", "reaction 'binding': a fast reaction (rapid equilibrium) is not supported"},
        {"no_kinetic_law.xml", "reaction 'binding': a reaction without a kinetic law (SBML leaves its rate undefined; "
                               "write the kinetic law 0 for a reaction that does not proceed) is not supported"},
        {"delay_csymbol.xml", "rateRule for 'x': the delay csymbol (a delay differential equation) is not supported"},
        {"fbc_package.xml", "the 'fbc' package is not supported"},
    };
    for (const auto& [file, expected] : cases) {
        INFO(file);
        CHECK_THAT(message_of<models::SbmlUnsupported>(data / file), Contains(file + ": ") && Contains(expected));
    }
}

TEST_CASE("rules, initial assignments and events are imported with their SBML attributes", "[models][sbml]") {
    // Protects the mapping of rules and event attributes (defaults and explicit values).
    const models::Model m = models::load_sbml_from_string(sbml(R"(
    <listOfParameters>
      <parameter id="p" value="1" constant="false"/>
      <parameter id="q" constant="false"/>
      <parameter id="r" value="0" constant="true"/>
    </listOfParameters>
    <listOfInitialAssignments>
      <initialAssignment symbol="r"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 4 </cn></math></initialAssignment>
    </listOfInitialAssignments>
    <listOfRules>
      <rateRule variable="p"><math xmlns="http://www.w3.org/1998/Math/MathML"><ci> r </ci></math></rateRule>
      <assignmentRule variable="q"><math xmlns="http://www.w3.org/1998/Math/MathML"><apply><times/><cn> 2 </cn><ci> p </ci></apply></math></assignmentRule>
    </listOfRules>
    <listOfEvents>
      <event id="reset" useValuesFromTriggerTime="false">
        <trigger initialValue="false" persistent="false">
          <math xmlns="http://www.w3.org/1998/Math/MathML"><apply><geq/><ci> p </ci><cn> 3 </cn></apply></math>
        </trigger>
        <delay><math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 0.5 </cn></math></delay>
        <priority><math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 2 </cn></math></priority>
        <listOfEventAssignments>
          <eventAssignment variable="p"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 0 </cn></math></eventAssignment>
        </listOfEventAssignments>
      </event>
    </listOfEvents>)"), "rules.xml");
    REQUIRE(m.rate_rules.size() == 1);
    REQUIRE(m.assignment_rules.size() == 1);
    REQUIRE(m.initial_assignments.size() == 1);
    CHECK(models::to_string(m.assignment_rules[0].expression) == "2*p");
    REQUIRE(m.events.size() == 1);
    const auto& e = m.events[0];
    CHECK(e.id == "reset");
    CHECK_FALSE(e.initial_value);
    CHECK_FALSE(e.persistent);
    CHECK_FALSE(e.use_values_from_trigger_time);
    REQUIRE(e.delay);
    REQUIRE(e.priority);
    CHECK(models::to_string(e.trigger) == "p >= 3");
    REQUIRE(e.assignments.size() == 1);
    CHECK(m.parameters[static_cast<std::size_t>(e.assignments[0].variable.index)].id == "p");
}

TEST_CASE("MathML beyond the JSON expression language maps onto the AST", "[models][sbml]") {
    // Protects the MathML translation of n-ary relations, logic, trigonometry, root/log bases,
    // quotient/rem and piecewise; values are computed by hand.
    const models::Model m = models::load_sbml_from_string(sbml(R"(
    <listOfParameters>
      <parameter id="a" value="7" constant="true"/>
      <parameter id="y" constant="false"/>
    </listOfParameters>
    <listOfRules>
      <assignmentRule variable="y">
        <math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply><plus/>
            <apply><root/><degree><cn> 3 </cn></degree><cn> 27 </cn></apply>
            <apply><log/><logbase><cn> 2 </cn></logbase><cn> 8 </cn></apply>
            <apply><quotient/><ci> a </ci><cn> 2 </cn></apply>
            <apply><rem/><ci> a </ci><cn> 2 </cn></apply>
            <apply><sin/><pi/></apply>
            <piecewise>
              <piece><cn> 100 </cn><apply><lt/><cn> 1 </cn><ci> a </ci><cn> 10 </cn></apply></piece>
              <otherwise><cn> 0 </cn></otherwise>
            </piecewise>
            <apply><xor/><true/><false/></apply>
          </apply>
        </math>
      </assignmentRule>
    </listOfRules>)"), "math.xml");
    const double value = models::evaluate(m.assignment_rules.at(0).expression, [](const std::string& name) {
        return name == "a" ? 7.0 : std::nan("");
    });
    // 3 + 3 + 3 + 1 + sin(pi) + 100 + 1
    CHECK(value == Approx(111.0).margin(1e-12));
}

TEST_CASE("a parameter's notes are its source, as plain text; without usable notes the source names the file", "[models][sbml]") {
    const auto model = models::load_sbml_from_string(sbml(R"(
    <listOfParameters>
      <parameter id="k_cited" value="1" constant="true">
        <notes><body xmlns="http://www.w3.org/1999/xhtml"><p>Kholodenko <i>et al.</i>
          2000 &amp; Huang</p><p>Table 1</p></body></notes>
      </parameter>
      <parameter id="k_assumed" value="1" constant="true">
        <notes><body xmlns="http://www.w3.org/1999/xhtml"><p>assumed: a typical rate</p></body></notes>
      </parameter>
      <parameter id="k_bare" value="1" constant="true"/>
      <parameter id="k_unsaid" value="1" constant="true">
        <notes><body xmlns="http://www.w3.org/1999/xhtml"><p>assumed</p></body></notes>
      </parameter>
    </listOfParameters>)"),
                                                     "notes.xml");
    REQUIRE(model.parameters.size() == 4);
    CHECK(model.parameters[0].source == "Kholodenko et al. 2000 & Huang Table 1");
    CHECK(model.parameters[0].source_kind == models::SourceKind::citation);
    CHECK(model.parameters[1].source == "assumed: a typical rate");
    CHECK(model.parameters[1].source_kind == models::SourceKind::assumed);
    CHECK(model.parameters[2].source == "imported from notes.xml (SBML id 'k_bare')");
    // A JSON model could not say this (no reason given), so the file and element stand in.
    CHECK(model.parameters[3].source == "imported from notes.xml (SBML id 'k_unsaid')");
    CHECK(model.parameters[3].source_kind == models::SourceKind::citation);
}

TEST_CASE("fuzz finding: an unset, fractional or huge Level 3 spatialDimensions reads as a sized compartment", "[models][sbml][fuzz]") {
    // Found by tests/fuzz (fuzz_sbml, on an SBML Test Suite seed): an unset spatialDimensions is
    // NaN in libSBML and was cast to int (undefined behaviour). Only 0 changes the simulation.
    const char* species = R"(<listOfSpecies>
      <species id="A" compartment="c" initialAmount="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>)";
    for (const std::string dims : {"", R"(spatialDimensions="1e300")", R"(spatialDimensions="0.5")", R"(spatialDimensions="-2")"}) {
        const auto model = models::load_sbml_from_string(
            sbml(R"(<listOfCompartments><compartment id="c" size="2" constant="true" )" + dims + "/></listOfCompartments>" + species),
            "dims.xml");
        CHECK(model.compartments.at(0).spatial_dimensions == 3);
    }
    const auto dimensionless = models::load_sbml_from_string(
        sbml(R"(<listOfCompartments><compartment id="c" spatialDimensions="0" constant="true"/></listOfCompartments>)" + std::string(species)),
        "dims.xml");
    CHECK(dimensionless.compartments.at(0).spatial_dimensions == 0);
}

TEST_CASE("fuzz finding: math reading an undeclared id is an SbmlError even when libSBML's check stops early", "[models][sbml][errors][fuzz]") {
    // Found by tests/fuzz (fuzz_sbml, from SBML Test Suite case 00716): with an undefined unit
    // (error 10313, which ntsim ignores) libSBML skipped its check of ids in math, the model
    // imported and solver::compile threw "unknown id". A model that imports must compile.
    const std::string text = sbml(R"(
    <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialConcentration="1" substanceUnits="sujstance" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfRules>
      <rateRule variable="A"><math xmlns="http://www.w3.org/1998/Math/MathML"><ci> ghost </ci></math></rateRule>
    </listOfRules>)");
    try {
        models::load_sbml_from_string(text, "ghost.xml");
        FAIL("no error for math reading an undeclared id");
    } catch (const models::SbmlError& e) {
        CHECK_THAT(e.what(), Contains("ghost.xml: ") && Contains("the math reads 'ghost', which is not a compartment, species, parameter or reaction"));
    }
}

TEST_CASE("fuzz finding: rateOf without an argument is an SbmlError, not a crash in libSBML's check", "[models][sbml][errors][fuzz]") {
    // Found by tests/fuzz (fuzz_sbml, mutated case 01409): libSBML's consistency check read the
    // missing argument of `rateOf()` and crashed (SEGV), wherever the math was.
    const std::string rate_of_nothing =
        R"(<math xmlns="http://www.w3.org/1998/Math/MathML"><apply>)"
        R"(<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf"> rateOf </csymbol>)"
        R"(</apply></math>)";
    const std::string declarations = R"(
    <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="p" value="1" constant="false"/></listOfParameters>)";
    const std::vector<std::pair<std::string, std::string>> placements = {
        {"<listOfRules><assignmentRule variable=\"p\">" + rate_of_nothing + "</assignmentRule></listOfRules>", "assignmentRule 'p'"},
        {"<listOfInitialAssignments><initialAssignment symbol=\"p\">" + rate_of_nothing +
             "</initialAssignment></listOfInitialAssignments>",
         "initialAssignment 'p'"},
        {R"(<listOfReactions><reaction id="J" reversible="false"><listOfReactants>)"
         R"(<speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants><kineticLaw>)" +
             rate_of_nothing + "</kineticLaw></reaction></listOfReactions>",
         "kineticLaw"},
    };
    for (const auto& [math_holder, named] : placements) {
        try {
            models::load_sbml_from_string(sbml(declarations + math_holder), "rate_of.xml");
            FAIL("no error for rateOf() in " << named);
        } catch (const models::SbmlError& e) {
            CHECK_THAT(e.what(), Contains("rate_of.xml: line ") &&
                                     Contains("rateOf in the math of " + named + " takes one identifier, found 0 arguments"));
        }
    }
}
