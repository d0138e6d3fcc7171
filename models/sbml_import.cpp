// SBML -> Model: libSBML reads and checks the document (and flattens hierarchical composition);
// this file maps each SBML element onto the model (local parameters renamed to reaction-scoped
// ids, species references with ids as parameters); sbml_math.cpp translates the MathML.
#include "models/sbml_import.hpp"

#include "models/algebraic_rules.hpp"
#include "models/sbml_math.hpp"
#include "models/limits.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <numbers>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>
#include <sbml/SBMLTypes.h>
#include <sbml/conversion/ConversionProperties.h>
#include <sbml/extension/SBasePlugin.h>

namespace ntsim::models {

namespace {

constexpr const char* reserved_time = "time";
constexpr const char* renamed_time = "time_sbml";

// Packages that change what a model means; anything else (layout, render, groups...) is
// annotation as far as a simulation is concerned.
const std::set<std::string> semantic_packages = {"fbc", "qual", "distrib", "multi", "spatial", "arrays", "dyn", "req"};

// libSBML errors that do not touch what ntsim reads: 10313, a unit attribute naming an undefined
// unit definition (ntsim keeps numbers in the file's units and reads no unit definitions).
const std::set<unsigned> ignored_errors = {10313};

class Importer {
public:
    Importer(std::string file, const ::SBMLDocument& document)
        : file_(std::move(file)), document_(document), math_(*document.getModel()) {}

    Model run() {
        const ::Model* m = document_.getModel();
        if (!m) {
            error("model", "the document has no model");
            finish();
        }
        level_ = document_.getLevel();
        model_.name = m->isSetName() ? m->getName() : m->getId();
        if (model_.name.empty()) model_.name = file_;
        model_.files.push_back(file_);
        model_.internal_units = false;
        read_compartments(*m);
        read_species(*m);
        read_parameters(*m);
        read_species_reference_ids(*m);
        read_reactions(*m);
        read_rules(*m);
        read_initial_assignments(*m);
        read_events(*m);
        check_ids_in_math();
        for (const auto& rule : solve_algebraic_rules(model_, std::move(algebraic_)))
            unsupported(rule.origin.pointer, "an algebraic rule that is not linear in one undetermined variable (a differential-algebraic system)");
        finish();
        return std::move(model_);
    }

private:
    // ---- problems -------------------------------------------------------------------------------

    void error(const std::string& where, const std::string& message) { errors_.push_back({file_, where, message}); }
    void unsupported(const std::string& where, const std::string& construct) {
        unsupported_.push_back({file_, where, construct + " is not supported"});
    }
    void finish() {
        if (!errors_.empty()) throw SbmlError(errors_);
        if (!unsupported_.empty()) throw SbmlUnsupported(unsupported_);
    }

    static std::string element(const std::string& kind, const std::string& id) { return fmt::format("{} '{}'", kind, id); }

    // ---- ids ------------------------------------------------------------------------------------

    bool declare(const std::string& id, EntityKind kind, int index, const std::string& where) {
        if (!model_.ids.emplace(id, EntityRef{kind, index}).second) {
            error(where, fmt::format("duplicate id '{}'", id));
            return false;
        }
        return true;
    }

    std::string unique_id(const std::string& wanted) {
        std::string id = wanted;
        while (model_.ids.count(id)) id += "_";
        return id;
    }

    // ---- math -----------------------------------------------------------------------------------

    ExprPtr math(const ::ASTNode* node, const std::string& where, const MathScope* scope = nullptr) {
        if (!node) {
            error(where, "missing math");
            return number(0.0);
        }
        try {
            ExprPtr e = math_.convert(*node, where, scope);
            for (auto& [element, construct] : math_.take_unsupported()) unsupported(element, construct);
            math_read_.emplace_back(where, e);
            return e;
        } catch (const std::invalid_argument& e) {
            error(where, fmt::format("cannot read math: {}", e.what()));
            return number(0.0);
        }
    }

    // libSBML's consistency check does not always reach its rule for undeclared ids in math: it
    // stops after a category with errors, including errors ntsim ignores (10313). A fuzzed model
    // with an undefined unit and a rate rule reading an undeclared id imported, then failed to
    // compile. Checked once everything is declared, since math may name any later element.
    void check_ids_in_math() {
        for (const auto& [where, e] : math_read_) {
            for (const std::string& name : symbols(e)) {
                const auto target = rate_of_target(name);
                const std::string& id = target ? *target : name;
                if (id != "time" && !model_.ids.count(id))
                    error(where, fmt::format("the math reads '{}', which is not a compartment, species, parameter or reaction", id));
            }
        }
    }

    // ---- elements -------------------------------------------------------------------------------

    // Only 0 (no size; the compartment's species are amounts) changes what ntsim computes. Level 3
    // allows the value to be unset (NaN), fractional or huge; those are stored as 3 rather than
    // cast to int, which would be undefined for NaN and out-of-range values.
    int spatial_dimensions(const ::Compartment& c) const {
        const double d = level_ >= 3 ? c.getSpatialDimensionsAsDouble() : c.getSpatialDimensions();
        return d >= 0 && d <= 3 && d == std::floor(d) ? static_cast<int>(d) : 3;
    }

    void read_compartments(const ::Model& m) {
        for (unsigned i = 0; i < m.getNumCompartments(); ++i) {
            const ::Compartment& c = *m.getCompartment(i);
            Compartment out;
            out.id = model_id_of_sbml_id(c.getId());
            out.name = c.isSetName() ? c.getName() : c.getId();
            out.origin = {file_, element("compartment", c.getId())};
            out.spatial_dimensions = spatial_dimensions(c);
            // Level 2 sizes default to 1; a Level 3 size left unset must come from a rule or
            // initial assignment (NaN shows it if nothing sets it).
            out.size_l = c.isSetSize() ? c.getSize() : (level_ < 3 ? 1.0 : std::numeric_limits<double>::quiet_NaN());
            if (level_ >= 3 && !c.isSetSize() && out.spatial_dimensions == 0) out.size_l = 1.0;
            out.constant = c.getConstant();
            const int index = static_cast<int>(model_.compartments.size());
            if (declare(out.id, EntityKind::compartment, index, out.origin.pointer)) model_.compartments.push_back(std::move(out));
        }
    }

    void read_species(const ::Model& m) {
        const std::string model_factor = m.isSetConversionFactor() ? model_id_of_sbml_id(m.getConversionFactor()) : "";
        for (unsigned i = 0; i < m.getNumSpecies(); ++i) {
            const ::Species& s = *m.getSpecies(i);
            Species out;
            out.id = model_id_of_sbml_id(s.getId());
            out.name = s.isSetName() ? s.getName() : s.getId();
            out.origin = {file_, element("species", s.getId())};
            const auto c = model_.compartment_index(model_id_of_sbml_id(s.getCompartment()));
            if (!c) {
                error(out.origin.pointer, fmt::format("unknown compartment '{}'", s.getCompartment()));
                continue;
            }
            out.compartment = *c;
            if (s.isSetInitialAmount()) {
                out.initial_nm = s.getInitialAmount();
                out.initial_is_amount = true;
            } else if (s.isSetInitialConcentration()) {
                out.initial_nm = s.getInitialConcentration();
            } else {
                out.initial_nm = std::numeric_limits<double>::quiet_NaN();  // a rule or initial assignment must set it
            }
            out.only_substance_units = s.getHasOnlySubstanceUnits();
            out.boundary = s.getBoundaryCondition();
            out.constant = s.getConstant();
            out.as_written = true;
            const std::string factor = s.isSetConversionFactor() ? model_id_of_sbml_id(s.getConversionFactor()) : model_factor;
            if (!factor.empty()) conversion_factor_of_[out.id] = factor;
            const int index = static_cast<int>(model_.species.size());
            if (declare(out.id, EntityKind::species, index, out.origin.pointer)) model_.species.push_back(std::move(out));
        }
    }

    Parameter make_parameter(const std::string& id, double value, bool constant, const std::string& where, const std::string& source) {
        Parameter p;
        p.id = id;
        p.name = id;
        p.value = value;
        p.constant = constant;
        p.dimension = Dimension::none();
        p.source = source;
        p.as_written = true;
        p.origin = {file_, where};
        return p;
    }

    void add_parameter(Parameter p) {
        const int index = static_cast<int>(model_.parameters.size());
        if (declare(p.id, EntityKind::parameter, index, p.origin.pointer)) model_.parameters.push_back(std::move(p));
    }

    void read_parameters(const ::Model& m) {
        for (unsigned i = 0; i < m.getNumParameters(); ++i) {
            const ::Parameter& p = *m.getParameter(i);
            const std::string where = element("parameter", p.getId());
            Parameter out = make_parameter(model_id_of_sbml_id(p.getId()),
                                           p.isSetValue() ? p.getValue() : std::numeric_limits<double>::quiet_NaN(), p.getConstant(),
                                           where, source_of(fmt::format("id '{}'", p.getId())));
            out.name = p.isSetName() ? p.getName() : p.getId();
            out.unit = p.getUnits();
            // Notes that would not pass as a source in a JSON model (ntsim convert writes one) are
            // left out, in favour of the file and element.
            if (std::string notes = notes_text(p); !source_problem(notes)) {
                out.source = std::move(notes);
                out.source_kind = source_kind_of(out.source);
            }
            add_parameter(std::move(out));
        }
        // Conversion factors are resolved once the parameters exist.
        for (auto& s : model_.species) {
            const auto it = conversion_factor_of_.find(s.id);
            if (it == conversion_factor_of_.end()) continue;
            const auto p = model_.parameter_index(it->second);
            if (!p) error(s.origin.pointer, fmt::format("unknown conversion factor '{}'", it->second));
            else s.conversion_factor = *p;
        }
    }

    // A species reference with an id is a quantity of its own (its stoichiometry): a parameter.
    void read_species_reference_ids(const ::Model& m) {
        for (unsigned r = 0; r < m.getNumReactions(); ++r) {
            const ::Reaction& reaction = *m.getReaction(r);
            for (const ::ListOfSpeciesReferences* list : {reaction.getListOfReactants(), reaction.getListOfProducts()}) {
                for (unsigned i = 0; i < list->size(); ++i) {
                    const auto* ref = static_cast<const ::SpeciesReference*>(list->get(i));
                    if (!ref->isSetId()) continue;
                    const double value = ref->isSetStoichiometry() ? ref->getStoichiometry() : (level_ < 3 ? 1.0 : std::numeric_limits<double>::quiet_NaN());
                    add_parameter(make_parameter(model_id_of_sbml_id(ref->getId()), value, level_ < 3 || ref->getConstant(),
                                                 element("speciesReference", ref->getId()),
                                                 source_of(fmt::format("speciesReference '{}', a stoichiometry", ref->getId()))));
                }
            }
        }
    }

    std::vector<SpeciesRef> read_refs(const ::ListOfSpeciesReferences& list, const std::string& where) {
        std::vector<SpeciesRef> refs;
        for (unsigned i = 0; i < list.size(); ++i) {
            const auto* ref = static_cast<const ::SpeciesReference*>(list.get(i));
            const auto s = model_.species_index(model_id_of_sbml_id(ref->getSpecies()));
            if (!s) {
                error(where, fmt::format("unknown species '{}'", ref->getSpecies()));
                continue;
            }
            SpeciesRef out;
            out.species = *s;
            if (ref->isSetStoichiometryMath()) {
                const ::StoichiometryMath* sm = ref->getStoichiometryMath();
                if (sm->isSetMath()) out.stoichiometry_expression = math(sm->getMath(), where + " stoichiometryMath");
            } else if (ref->isSetId()) {
                out.stoichiometry_expression = symbol(model_id_of_sbml_id(ref->getId()));
            } else {
                // Unset in Level 3 means undefined; 1 is what every Level 2 default and tool uses.
                out.stoichiometry = ref->isSetStoichiometry() ? ref->getStoichiometry() : 1.0;
            }
            if (out.stoichiometry_expression && out.stoichiometry_expression->op == Op::number) {
                out.stoichiometry = out.stoichiometry_expression->value;
                out.stoichiometry_expression = nullptr;
            }
            refs.push_back(out);
        }
        return refs;
    }

    void read_reactions(const ::Model& m) {
        for (unsigned r = 0; r < m.getNumReactions(); ++r) {
            const ::Reaction& reaction = *m.getReaction(r);
            const std::string where = element("reaction", reaction.getId());
            if (reaction.isSetFast() && reaction.getFast()) unsupported(where, "a fast reaction (rapid equilibrium)");
            Reaction out;
            out.id = model_id_of_sbml_id(reaction.getId());
            out.name = reaction.isSetName() ? reaction.getName() : reaction.getId();
            out.origin = {file_, where};
            out.rate_is_extent = true;
            out.kind = RateLawKind::expression;
            out.reactants = read_refs(*reaction.getListOfReactants(), where);
            out.products = read_refs(*reaction.getListOfProducts(), where);
            for (unsigned i = 0; i < reaction.getNumModifiers(); ++i) {
                const auto s = model_.species_index(model_id_of_sbml_id(reaction.getModifier(i)->getSpecies()));
                if (s) out.modifiers.push_back({*s, ModifierRole::enzyme});
                else error(where, fmt::format("unknown modifier species '{}'", reaction.getModifier(i)->getSpecies()));
            }
            if (!out.reactants.empty()) out.compartment = model_.species[out.reactants[0].species].compartment;
            else if (!out.products.empty()) out.compartment = model_.species[out.products[0].species].compartment;
            // SBML leaves the rate of a reaction without a kinetic law undefined (such files often
            // draw a network rather than define its dynamics); taking it as 0 would be a silent guess.
            if (!reaction.isSetKineticLaw() || !reaction.getKineticLaw()->isSetMath())
                unsupported(where, "a reaction without a kinetic law (SBML leaves its rate undefined; write the kinetic "
                                   "law 0 for a reaction that does not proceed)");
            out.rate = number(0.0);  // stands in until finish() refuses the file for the missing law
            if (reaction.isSetKineticLaw()) {
                const ::KineticLaw& law = *reaction.getKineticLaw();
                MathScope scope;
                auto add_local = [&](const ::Parameter& p) {
                    const std::string id = unique_id(fmt::format("{}__{}", out.id, p.getId()));
                    add_parameter(make_parameter(id, p.isSetValue() ? p.getValue() : std::numeric_limits<double>::quiet_NaN(), true,
                                                 where + fmt::format(" local parameter '{}'", p.getId()),
                                                 source_of(fmt::format("local parameter '{}' of reaction '{}'", p.getId(), reaction.getId()))));
                    scope.names[p.getId()] = symbol(id);
                    math_.add_local_parameter(id);
                };
                for (unsigned i = 0; i < law.getNumLocalParameters(); ++i) add_local(*law.getLocalParameter(i));
                if (level_ < 3)
                    for (unsigned i = 0; i < law.getNumParameters(); ++i) add_local(*law.getParameter(i));
                if (law.isSetMath()) out.rate = math(law.getMath(), where, &scope);
            }
            add_unlisted_modifiers(out);
            const int index = static_cast<int>(model_.reactions.size());
            if (declare(out.id, EntityKind::reaction, index, where)) model_.reactions.push_back(std::move(out));
        }
    }

    // SBML lets a kinetic law read a species the reaction does not list; ntsim's network graph
    // (and its JSON format) wants every influence on a reaction visible, so it becomes a modifier.
    void add_unlisted_modifiers(Reaction& r) const {
        for (const std::string& name : symbols(r.rate)) {
            const auto s = model_.species_index(name);
            if (!s) continue;
            auto same = [&](const auto& x) { return x.species == *s; };
            if (std::any_of(r.reactants.begin(), r.reactants.end(), same) || std::any_of(r.products.begin(), r.products.end(), same) ||
                std::any_of(r.modifiers.begin(), r.modifiers.end(), same))
                continue;
            r.modifiers.push_back({*s, ModifierRole::enzyme});
        }
    }

    // The text of an element's notes, white space collapsed: where ntsim's export, and some other
    // tools, put a parameter's source.
    static std::string notes_text(const ::SBase& element) {
        static const std::set<std::string, std::less<>> inline_elements = {"a", "b", "em", "i", "span", "strong", "sub", "sup"};
        std::string text;
        std::function<void(const ::XMLNode&)> collect = [&](const ::XMLNode& node) {
            if (node.isText()) {
                text += node.getCharacters();
                return;
            }
            const bool block = !inline_elements.count(node.getName());
            if (block) text += ' ';
            for (unsigned i = 0; i < node.getNumChildren(); ++i) collect(node.getChild(i));
            if (block) text += ' ';
        };
        if (const ::XMLNode* notes = element.getNotes()) collect(*notes);
        std::string collapsed;
        for (const char c : text) {
            const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
            if (!space) collapsed += c;
            else if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
        }
        if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
        return collapsed;
    }

    // The `source` of a parameter read from this file without notes: where it came from, so the
    // rule that every parameter cites a source holds for imported models too.
    std::string source_of(const std::string& what) const {
        return fmt::format("imported from {} (SBML {})", std::filesystem::path(file_).filename().string(), what);
    }

    std::optional<EntityRef> variable(const std::string& sbml_id, const std::string& where) {
        const auto it = model_.ids.find(model_id_of_sbml_id(sbml_id));
        if (it == model_.ids.end() || it->second.kind == EntityKind::reaction || it->second.kind == EntityKind::observable) {
            error(where, fmt::format("'{}' is not a compartment, species, parameter or species reference", sbml_id));
            return std::nullopt;
        }
        return it->second;
    }

    void read_rules(const ::Model& m) {
        for (unsigned i = 0; i < m.getNumRules(); ++i) {
            const ::Rule& rule = *m.getRule(i);
            if (rule.isAlgebraic()) {
                const std::string where = fmt::format("algebraicRule {}", i + 1);
                if (rule.isSetMath()) algebraic_.push_back({math(rule.getMath(), where), {file_, where}});
                continue;
            }
            const std::string where = fmt::format("{} for '{}'", rule.isAssignment() ? "assignmentRule" : "rateRule", rule.getVariable());
            if (!rule.isSetMath()) continue;  // no math: the rule says nothing
            const auto target = variable(rule.getVariable(), where);
            if (!target) continue;
            Rule out{*target, math(rule.getMath(), where), {file_, where}};
            (rule.isAssignment() ? model_.assignment_rules : model_.rate_rules).push_back(std::move(out));
        }
    }

    void read_initial_assignments(const ::Model& m) {
        for (unsigned i = 0; i < m.getNumInitialAssignments(); ++i) {
            const ::InitialAssignment& a = *m.getInitialAssignment(i);
            const std::string where = fmt::format("initialAssignment for '{}'", a.getSymbol());
            if (!a.isSetMath()) continue;
            const auto target = variable(a.getSymbol(), where);
            if (!target) continue;
            model_.initial_assignments.push_back({*target, math(a.getMath(), where), {file_, where}});
        }
    }

    void read_events(const ::Model& m) {
        for (unsigned i = 0; i < m.getNumEvents(); ++i) {
            const ::Event& e = *m.getEvent(i);
            const std::string id = e.isSetId() ? e.getId() : fmt::format("event{}", i + 1);
            const std::string where = element("event", id);
            if (!e.isSetTrigger() || !e.getTrigger()->isSetMath()) continue;  // never fires
            Event out;
            out.id = id;
            out.origin = {file_, where};
            const ::Trigger& trigger = *e.getTrigger();
            out.trigger = math(trigger.getMath(), where + " trigger");
            if (level_ >= 3) {
                out.initial_value = trigger.getInitialValue();
                out.persistent = trigger.getPersistent();
            }
            if (e.isSetDelay() && e.getDelay()->isSetMath()) out.delay = math(e.getDelay()->getMath(), where + " delay");
            if (e.isSetPriority() && e.getPriority()->isSetMath()) out.priority = math(e.getPriority()->getMath(), where + " priority");
            out.use_values_from_trigger_time = e.getUseValuesFromTriggerTime();
            for (unsigned k = 0; k < e.getNumEventAssignments(); ++k) {
                const ::EventAssignment& a = *e.getEventAssignment(k);
                const std::string a_where = fmt::format("{} assignment to '{}'", where, a.getVariable());
                if (!a.isSetMath()) continue;
                const auto target = variable(a.getVariable(), a_where);
                if (target) out.assignments.push_back({*target, math(a.getMath(), a_where)});
            }
            model_.events.push_back(std::move(out));
        }
    }

    std::string file_;
    const ::SBMLDocument& document_;
    unsigned level_ = 3;
    Model model_;
    MathConverter math_;
    std::unordered_map<std::string, std::string> conversion_factor_of_;
    std::vector<LoadProblem> errors_, unsupported_;
    std::vector<AlgebraicRule> algebraic_;
    std::vector<std::pair<std::string, ExprPtr>> math_read_;  // (element, expression) for check_ids_in_math
};

// libSBML 5.19's consistency checks (RateOfCycles, RateOfAssignmentMathCheck) read the argument
// of every rateOf without checking that there is one, and crash on `rateOf()`; refuse it first.
void check_rate_of_arguments(const ::SBMLDocument& doc, const std::string& file) {
    std::vector<LoadProblem> problems;
    std::function<void(const ::ASTNode&, const ::SBase&)> visit = [&](const ::ASTNode& node, const ::SBase& owner) {
        if (node.getType() == AST_FUNCTION_RATE_OF && node.getNumChildren() != 1) {
            const std::string id = owner.isSetId() ? fmt::format(" '{}'", owner.getId()) : "";
            problems.push_back({file, fmt::format("line {}", owner.getLine()),
                                fmt::format("rateOf in the math of {}{} takes one identifier, found {} arguments",
                                            owner.getElementName(), id, node.getNumChildren())});
        }
        for (unsigned i = 0; i < node.getNumChildren(); ++i) visit(*node.getChild(i), owner);
    };
    // getAllElements is not const in libSBML, though it only reads.
    std::unique_ptr<::List> elements(const_cast<::Model*>(doc.getModel())->getAllElements());
    for (unsigned i = 0; i < elements->getSize(); ++i) {
        const auto* element = static_cast<const ::SBase*>(elements->get(i));
        if (const ::ASTNode* math = element->getMath()) visit(*math, *element);
    }
    if (!problems.empty()) throw SbmlError(std::move(problems));
}

// libSBML's own problems with the document (XML errors, then, if asked, consistency errors).
void check_document(::SBMLDocument& doc, const std::string& file, const SbmlOptions& options) {
    auto collect = [&](unsigned from) {
        std::vector<LoadProblem> problems;
        for (unsigned i = from; i < doc.getNumErrors(); ++i) {
            const ::SBMLError* e = doc.getError(i);
            if (e->getSeverity() < LIBSBML_SEV_ERROR || ignored_errors.count(e->getErrorId())) continue;
            std::string message = e->getMessage();
            while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
            problems.push_back({file, fmt::format("line {}", e->getLine()), message});
        }
        return problems;
    };
    if (auto problems = collect(0); !problems.empty()) throw SbmlError(std::move(problems));
    if (!doc.getModel()) throw SbmlError({{file, "", "no SBML model in the file"}});
    for (unsigned i = 0; i < doc.getNumPlugins(); ++i) {
        const std::string package = doc.getPlugin(i)->getPackageName();
        if (semantic_packages.count(package) && doc.isPackageEnabled(package))
            throw SbmlUnsupported({{file, "sbml", fmt::format("the '{}' package is not supported", package)}});
    }
    // libSBML resolves comp submodels through a process-wide registry: one flattening at a time.
    static std::mutex comp_mutex;
    std::unique_lock<std::mutex> comp_lock(comp_mutex, std::defer_lock);
    if (doc.isPackageEnabled("comp")) {
        comp_lock.lock();
        ConversionProperties props;
        props.addOption("flatten comp", true);
        props.addOption("leave_ports", false);
        const unsigned before = doc.getNumErrors();
        if (doc.convert(props) != LIBSBML_OPERATION_SUCCESS) {
            auto problems = collect(before);
            if (problems.empty()) problems.push_back({file, "comp", "hierarchical model could not be flattened"});
            throw SbmlError(std::move(problems));
        }
    }
    if (options.check_consistency) {
        doc.setConsistencyChecks(LIBSBML_CAT_UNITS_CONSISTENCY, false);
        doc.setConsistencyChecks(LIBSBML_CAT_MODELING_PRACTICE, false);
        check_rate_of_arguments(doc, file);
        const unsigned before = doc.getNumErrors();
        doc.checkConsistency();
        if (auto problems = collect(before); !problems.empty()) throw SbmlError(std::move(problems));
    }
}

// Start tags not closed yet, counted with comments, CDATA, declarations and quoted attribute
// values skipped; throws SbmlError at the first element beyond the limit.
void check_xml_depth(const std::string& text, const std::string& file) {
    auto skip_past = [&](std::size_t from, std::string_view end) {
        const std::size_t at = text.find(end, from);
        return at == std::string::npos ? text.size() : at + end.size() - 1;
    };
    std::size_t depth = 0;
    for (std::size_t i = text.find('<'); i < text.size(); i = text.find('<', i + 1)) {
        if (text.compare(i, 4, "<!--") == 0) i = skip_past(i, "-->");
        else if (text.compare(i, 9, "<![CDATA[") == 0) i = skip_past(i, "]]>");
        else if (i + 1 < text.size() && (text[i + 1] == '?' || text[i + 1] == '!')) i = skip_past(i, ">");
        else if (i + 1 < text.size() && text[i + 1] == '/') {
            if (depth > 0) --depth;
            i = skip_past(i, ">");
        } else {
            std::size_t end = i + 1;
            for (char quote = 0; end < text.size(); ++end) {
                const char c = text[end];
                if (quote) quote = c == quote ? 0 : quote;
                else if (c == '"' || c == '\'') quote = c;
                else if (c == '>') break;
            }
            const bool self_closing = end < text.size() && text[end - 1] == '/';
            if (!self_closing && ++depth > limits::max_xml_depth) {
                const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(i), '\n');
                throw SbmlError({{file, fmt::format("line {}", line),
                                  fmt::format("XML elements nested deeper than the limit of {}", limits::max_xml_depth)}});
            }
            i = end;
        }
    }
}

Model import_document(std::unique_ptr<::SBMLDocument> doc, const std::string& file, const SbmlOptions& options) {
    if (!doc) throw SbmlError({{file, "", "libSBML could not read the file"}});
    check_document(*doc, file, options);
    const ::Model& m = *doc->getModel();
    limits::check_model_size(file, m.getNumSpecies(),
                             m.getNumCompartments() + m.getNumSpecies() + m.getNumParameters() + m.getNumReactions() +
                                 m.getNumRules() + m.getNumEvents());
    return Importer(file, *doc).run();
}

}  // namespace

std::string model_id_of_sbml_id(std::string_view sbml_id) {
    if (sbml_id == reserved_time) return renamed_time;
    return std::string(sbml_id);
}

bool is_sbml_file(const std::filesystem::path& file) {
    const std::string ext = file.extension().string();
    return ext == ".xml" || ext == ".sbml";
}

Model load_sbml(const std::filesystem::path& file, const SbmlOptions& options) {
    if (!std::filesystem::exists(file)) throw SbmlError({{file.string(), "", "file not found"}});
    if (!std::filesystem::is_regular_file(file)) throw SbmlError({{file.string(), "", "is not a regular file"}});
    std::error_code error;
    const std::uintmax_t bytes = std::filesystem::file_size(file, error);
    if (!error && bytes > limits::max_file_bytes)
        throw SbmlError({{file.string(), "", fmt::format("file of {} bytes is larger than the limit of {} bytes ({} MiB)", bytes,
                                                         limits::max_file_bytes, limits::max_file_bytes >> 20)}});
    {
        std::ifstream in(file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        check_xml_depth(text.str(), file.string());
    }
    ::SBMLReader reader;
    // An absolute path lets libSBML find the external model files of hierarchical models.
    const std::string absolute = std::filesystem::absolute(file).lexically_normal().string();
    return import_document(std::unique_ptr<::SBMLDocument>(reader.readSBMLFromFile(absolute)), file.string(), options);
}

Model load_sbml_from_string(const std::string& text, const std::string& name, const SbmlOptions& options) {
    check_xml_depth(text, name);
    ::SBMLReader reader;
    return import_document(std::unique_ptr<::SBMLDocument>(reader.readSBMLFromString(text)), name, options);
}

}  // namespace ntsim::models
