// SBML meaning through compile and integration: amounts and concentrations in changing
// compartments, rules, initial assignments and events (delays, priorities, persistence,
// initial values), each against a hand-derived answer.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>

#include "models/models.hpp"
#include "solver/solver.hpp"

using namespace ntsim;

namespace {

std::string sbml(const std::string& body) {
    return R"(<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="inline">)" + body + R"(</model>
</sbml>)";
}

std::string math(const std::string& inner) { return R"(<math xmlns="http://www.w3.org/1998/Math/MathML">)" + inner + "</math>"; }

// Values of `expressions` (infix, over model ids) at `times`, row by row.
std::vector<std::vector<double>> run(const std::string& body, const std::vector<std::string>& expressions,
                                     const std::vector<double>& times) {
    const models::Model model = models::load_sbml_from_string(sbml(body), "inline.xml");
    const models::Network network(model);
    const solver::OdeSystem system = solver::compile(network);
    std::vector<models::ExprPtr> parsed;
    for (const auto& e : expressions) parsed.push_back(models::parse_expression(e));
    solver::Probe probe(system, parsed);
    solver::SolverOptions options;
    options.rtol = 1e-10;
    options.atol = 1e-12;
    const auto result = solver::simulate(system, system.default_inputs(), system.default_state(), times, options);
    REQUIRE_FALSE(result.failure);
    solver::Workspace ws(system);
    std::vector<std::vector<double>> rows;
    for (std::size_t k = 0; k < result.trajectory.times.size(); ++k) {
        std::vector<double> row(expressions.size());
        probe.evaluate(ws, times[k], result.trajectory.states.data() + k * system.size(), row.data());
        rows.push_back(row);
    }
    return rows;
}

}  // namespace

TEST_CASE("an extent-rate reaction changes amounts, and concentrations follow the compartment size", "[solver][sbml]") {
    // Protects d(amount)/dt = sum stoichiometry * rate with the rate an extent: A (amount 4 in
    // 2 L) -> 2 B with rate k*[A]*V, so [A] = 2*exp(-k t) and B's amount (hasOnlySubstanceUnits)
    // is 2*(4 - amount of A).
    const std::string body = R"(
    <listOfCompartments><compartment id="c" size="2" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialAmount="4" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="c" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="k" value="0.3" constant="true"/></listOfParameters>
    <listOfReactions>
      <reaction id="r" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="2" constant="true"/></listOfProducts>
        <kineticLaw>)" + math("<apply><times/><ci> k </ci><ci> A </ci><ci> c </ci></apply>") + R"(</kineticLaw>
      </reaction>
    </listOfReactions>)";
    const auto rows = run(body, {"A", "B", "r"}, {0.0, 1.0, 5.0});
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const double t = std::vector<double>{0.0, 1.0, 5.0}[k];
        const double a = 2.0 * std::exp(-0.3 * t);
        CHECK(rows[k][0] == Approx(a).epsilon(1e-8));
        CHECK(rows[k][1] == Approx(2.0 * (4.0 - a * 2.0)).epsilon(1e-8).margin(1e-10));
        CHECK(rows[k][2] == Approx(0.3 * a * 2.0).epsilon(1e-8));
    }
}

TEST_CASE("a growing compartment keeps amounts and dilutes concentrations", "[solver][sbml]") {
    // Protects amount states in a compartment with a rate rule: V = 1 + t, S has no reactions,
    // so its amount stays 3 and its concentration is 3/(1 + t); a constant species keeps its
    // amount too (SBML test suite 01117).
    const std::string body = R"(
    <listOfCompartments><compartment id="c" size="1" constant="false"/></listOfCompartments>
    <listOfSpecies>
      <species id="S" compartment="c" initialAmount="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="K" compartment="c" initialConcentration="2" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="true"/>
    </listOfSpecies>
    <listOfRules><rateRule variable="c">)" + math("<cn> 1 </cn>") + R"(</rateRule></listOfRules>)";
    const auto rows = run(body, {"S", "S*c", "K*c", "c"}, {0.0, 1.0, 3.0});
    const double t[] = {0.0, 1.0, 3.0};
    for (std::size_t k = 0; k < rows.size(); ++k) {
        CHECK(rows[k][0] == Approx(3.0 / (1.0 + t[k])).epsilon(1e-9));
        CHECK(rows[k][1] == Approx(3.0).epsilon(1e-9));
        CHECK(rows[k][2] == Approx(2.0).epsilon(1e-9));
        CHECK(rows[k][3] == Approx(1.0 + t[k]).epsilon(1e-9));
    }
}

TEST_CASE("assignment rules are inlined and initial assignments evaluated in dependency order", "[solver][sbml]") {
    // Protects rules and initial assignments: r = 2*s (initial assignment reading another one,
    // s = 1.5, declared after it), p' = r, q = p + r; so p = 3 t and q = 3 t + 3.
    const std::string body = R"(
    <listOfParameters>
      <parameter id="p" value="0" constant="false"/>
      <parameter id="q" constant="false"/>
      <parameter id="r" value="99" constant="true"/>
      <parameter id="s" value="99" constant="true"/>
    </listOfParameters>
    <listOfInitialAssignments>
      <initialAssignment symbol="r">)" + math("<apply><times/><cn> 2 </cn><ci> s </ci></apply>") + R"(</initialAssignment>
      <initialAssignment symbol="s">)" + math("<cn> 1.5 </cn>") + R"(</initialAssignment>
    </listOfInitialAssignments>
    <listOfRules>
      <rateRule variable="p">)" + math("<ci> r </ci>") + R"(</rateRule>
      <assignmentRule variable="q">)" + math("<apply><plus/><ci> p </ci><ci> r </ci></apply>") + R"(</assignmentRule>
    </listOfRules>)";
    const auto rows = run(body, {"p", "q"}, {0.0, 2.0});
    CHECK(rows[0][0] == Approx(0.0).margin(1e-12));
    CHECK(rows[0][1] == Approx(3.0));
    CHECK(rows[1][0] == Approx(6.0).epsilon(1e-9));
    CHECK(rows[1][1] == Approx(9.0).epsilon(1e-9));
}

namespace {

// x counts up by one at each execution of `event`, the rest given by `attributes`.
std::string counting_event(const std::string& trigger_attributes, const std::string& trigger, const std::string& extra) {
    return R"(
    <listOfParameters>
      <parameter id="x" value="0" constant="false"/>
      <parameter id="y" value="0" constant="false"/>
    </listOfParameters>
    <listOfEvents>
      <event id="count" useValuesFromTriggerTime="true">
        <trigger )" + trigger_attributes + ">" + math(trigger) + R"(</trigger>)" + extra + R"(
        <listOfEventAssignments>
          <eventAssignment variable="x">)" + math("<apply><plus/><ci> x </ci><cn> 1 </cn></apply>") + R"(</eventAssignment>
        </listOfEventAssignments>
      </event>
    </listOfEvents>)";
}

const char* after_one = "<apply><geq/><csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\"> t </csymbol><cn> 1 </cn></apply>";

}  // namespace

TEST_CASE("an event fires once when its trigger turns true, after its delay", "[solver][sbml][events]") {
    // Protects trigger transitions and delays: time >= 1 with delay 0.5 sets x = 1 at t = 1.5,
    // and never again (the trigger stays true).
    const auto rows = run(counting_event(R"(initialValue="true" persistent="true")", after_one,
                                         "<delay>" + math("<cn> 0.5 </cn>") + "</delay>"),
                          {"x"}, {0.0, 1.0, 1.4, 1.6, 5.0});
    const double expected[] = {0, 0, 0, 1, 1};
    for (std::size_t k = 0; k < rows.size(); ++k) CHECK(rows[k][0] == expected[k]);
}

TEST_CASE("a trigger true at the start fires then only if its initial value is false", "[solver][sbml][events]") {
    // Protects initialValue: the trigger time >= 0 is true at t = 0.
    const char* at_start = "<apply><geq/><csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\"> t </csymbol><cn> 0 </cn></apply>";
    CHECK(run(counting_event(R"(initialValue="false" persistent="true")", at_start, ""), {"x"}, {0.0, 1.0})[1][0] == 1.0);
    CHECK(run(counting_event(R"(initialValue="true" persistent="true")", at_start, ""), {"x"}, {0.0, 1.0})[1][0] == 0.0);
}

TEST_CASE("a non-persistent event is dropped when its trigger turns false before the delay", "[solver][sbml][events]") {
    // Protects persistence: the trigger 1 <= t < 1.2 holds for 0.2, the delay is 0.5.
    const std::string window = std::string("<apply><and/>") + after_one +
        "<apply><lt/><csymbol encoding=\"text\" definitionURL=\"http://www.sbml.org/sbml/symbols/time\"> t </csymbol><cn> 1.2 </cn></apply></apply>";
    const std::string delay = "<delay>" + math("<cn> 0.5 </cn>") + "</delay>";
    CHECK(run(counting_event(R"(initialValue="true" persistent="false")", window, delay), {"x"}, {0.0, 3.0})[1][0] == 0.0);
    CHECK(run(counting_event(R"(initialValue="true" persistent="true")", window, delay), {"x"}, {0.0, 3.0})[1][0] == 1.0);
}

TEST_CASE("simultaneous events execute by priority, each seeing the previous one's result", "[solver][sbml][events]") {
    // Protects priorities and re-evaluation between executions: at t = 1 'first' (priority 10)
    // sets y = 1, then 'second' (priority 1) sets x = y + 1 = 2.
    const std::string body = R"(
    <listOfParameters>
      <parameter id="x" value="0" constant="false"/>
      <parameter id="y" value="0" constant="false"/>
    </listOfParameters>
    <listOfEvents>
      <event id="second" useValuesFromTriggerTime="false">
        <trigger initialValue="true" persistent="true">)" + math(after_one) + R"(</trigger>
        <priority>)" + math("<cn> 1 </cn>") + R"(</priority>
        <listOfEventAssignments>
          <eventAssignment variable="x">)" + math("<apply><plus/><ci> y </ci><cn> 1 </cn></apply>") + R"(</eventAssignment>
        </listOfEventAssignments>
      </event>
      <event id="first" useValuesFromTriggerTime="false">
        <trigger initialValue="true" persistent="true">)" + math(after_one) + R"(</trigger>
        <priority>)" + math("<cn> 10 </cn>") + R"(</priority>
        <listOfEventAssignments>
          <eventAssignment variable="y">)" + math("<cn> 1 </cn>") + R"(</eventAssignment>
        </listOfEventAssignments>
      </event>
    </listOfEvents>)";
    const auto rows = run(body, {"x", "y"}, {0.0, 2.0});
    CHECK(rows[1][0] == 2.0);
    CHECK(rows[1][1] == 1.0);
}

TEST_CASE("an event on a state crossing a threshold fires at the crossing", "[solver][sbml][events]") {
    // Protects root finding on a state: x' = 1 from 0; when x >= 2 (t = 2) the event resets x to
    // 0, so x(t) = t mod 2 and the event fires at t = 2, 4, 6.
    const std::string body = R"(
    <listOfParameters>
      <parameter id="x" value="0" constant="false"/>
      <parameter id="n" value="0" constant="false"/>
    </listOfParameters>
    <listOfRules><rateRule variable="x">)" + math("<cn> 1 </cn>") + R"(</rateRule></listOfRules>
    <listOfEvents>
      <event id="reset" useValuesFromTriggerTime="true">
        <trigger initialValue="true" persistent="true">)" + math("<apply><geq/><ci> x </ci><cn> 2 </cn></apply>") + R"(</trigger>
        <listOfEventAssignments>
          <eventAssignment variable="x">)" + math("<cn> 0 </cn>") + R"(</eventAssignment>
          <eventAssignment variable="n">)" + math("<apply><plus/><ci> n </ci><cn> 1 </cn></apply>") + R"(</eventAssignment>
        </listOfEventAssignments>
      </event>
    </listOfEvents>)";
    const auto rows = run(body, {"x", "n"}, {0.0, 1.0, 3.0, 6.5});
    CHECK(rows[1][0] == Approx(1.0).epsilon(1e-8));
    CHECK(rows[2][0] == Approx(1.0).epsilon(1e-6));
    CHECK(rows[2][1] == 1.0);
    CHECK(rows[3][0] == Approx(0.5).epsilon(1e-6));
    CHECK(rows[3][1] == 3.0);
}

TEST_CASE("a linear algebraic rule becomes the assignment rule it implies", "[solver][sbml]") {
    // Protects the algebraic-rule reduction: 0 = S1 + S2 - T with S1 decaying (k = 0.5) and S2 in
    // no reaction, so S2 = T - S1 = 2 - exp(-0.5 t) (the pattern of SBML test 00039).
    const std::string body = R"(
    <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="S1" compartment="c" initialAmount="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="S2" compartment="c" initialAmount="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k" value="0.5" constant="true"/>
      <parameter id="T" value="2" constant="true"/>
    </listOfParameters>
    <listOfRules>
      <algebraicRule>)" + math("<apply><minus/><apply><plus/><ci> S1 </ci><ci> S2 </ci></apply><ci> T </ci></apply>") + R"(</algebraicRule>
    </listOfRules>
    <listOfReactions>
      <reaction id="decay" reversible="false">
        <listOfReactants><speciesReference species="S1" stoichiometry="1" constant="true"/></listOfReactants>
        <kineticLaw>)" + math("<apply><times/><ci> k </ci><ci> S1 </ci></apply>") + R"(</kineticLaw>
      </reaction>
    </listOfReactions>)";
    const auto rows = run(body, {"S1", "S2"}, {0.0, 2.0});
    CHECK(rows[1][0] == Approx(std::exp(-1.0)).epsilon(1e-8));
    CHECK(rows[1][1] == Approx(2.0 - std::exp(-1.0)).epsilon(1e-8));
}

TEST_CASE("rateOf is the time derivative of what its id stands for", "[solver][sbml]") {
    // Protects the rateOf csymbol: A decays with k = 0.5 from concentration 2 in a compartment
    // of size 4, so rateOf(A) = -0.5 [A] (a concentration rate, not an amount rate); for p with
    // the rate rule p' = A, rateOf(p) = A. (SBML forbids rateOf on assignment-rule variables.)
    auto rate_of = [](const char* id) {
        return std::string(R"(<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf"> rateOf </csymbol><ci> )") +
               id + " </ci></apply>";
    };
    const std::string body = R"(
    <listOfCompartments><compartment id="c" size="4" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialConcentration="2" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k" value="0.5" constant="true"/>
      <parameter id="p" value="0" constant="false"/>
      <parameter id="da" constant="false"/>
      <parameter id="dp" constant="false"/>
    </listOfParameters>
    <listOfRules>
      <rateRule variable="p">)" + math("<ci> A </ci>") + R"(</rateRule>
      <assignmentRule variable="da">)" + math(rate_of("A")) + R"(</assignmentRule>
      <assignmentRule variable="dp">)" + math(rate_of("p")) + R"(</assignmentRule>
    </listOfRules>
    <listOfReactions>
      <reaction id="decay" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <kineticLaw>)" + math("<apply><times/><ci> k </ci><ci> A </ci><ci> c </ci></apply>") + R"(</kineticLaw>
      </reaction>
    </listOfReactions>)";
    const auto rows = run(body, {"A", "da", "dp"}, {0.0, 1.0});
    CHECK(rows[1][0] == Approx(2.0 * std::exp(-0.5)).epsilon(1e-8));
    for (const auto& row : rows) {
        CHECK(row[1] == Approx(-0.5 * row[0]).epsilon(1e-10));
        CHECK(row[2] == Approx(row[0]).epsilon(1e-10));
    }
}

TEST_CASE("the steady state of a rate-rule variable is found, not held at its start value", "[solver][sbml][steady]") {
    // Protects the conservation analysis for SBML models: p' = 2 - p has no reactions, so
    // without its own flux it would look conserved and stay at 0; the steady state is p = 2.
    const std::string body = R"(
    <listOfParameters><parameter id="p" value="0" constant="false"/></listOfParameters>
    <listOfRules><rateRule variable="p">)" + math("<apply><minus/><cn> 2 </cn><ci> p </ci></apply>") + R"(</rateRule></listOfRules>)";
    const models::Model model = models::load_sbml_from_string(sbml(body), "steady.xml");
    const models::Network network(model);
    const solver::OdeSystem system = solver::compile(network);
    const auto steady = solver::find_steady_state(system, system.default_inputs(), system.default_state());
    REQUIRE(steady.converged);
    CHECK(steady.state.at(0) == Approx(2.0).epsilon(1e-8));
}
