// Model -> SBML L3V2: every entity onto its SBML element, expressions onto MathML ASTs (with
// booleans and numbers kept apart as MathML requires), then libSBML's consistency check.
#include "models/sbml_export.hpp"

#include <cmath>
#include <fstream>
#include <memory>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <sbml/SBMLTypes.h>

#include "models/sbml_import.hpp"
#include "models/xml_escape.hpp"

namespace ntsim::models {

namespace {

constexpr unsigned level = 3, version = 2;
constexpr const char* effective_suffix = "_effective";

bool is_boolean(Op op) {
    switch (op) {
        case Op::lt: case Op::le: case Op::gt: case Op::ge: case Op::eq: case Op::ne:
        case Op::logical_and: case Op::logical_or: case Op::logical_not:
            return true;
        default:
            return false;
    }
}

std::unique_ptr<::ASTNode> node(::ASTNodeType_t type) { return std::make_unique<::ASTNode>(type); }

// ExprPtr -> MathML. MathML separates booleans (relations, logic, piecewise conditions) from
// numbers, while ntsim's expressions use 1 and 0: a number where a boolean is wanted becomes
// x != 0, a boolean where a number is wanted becomes piecewise(1, b, 0).
class MathWriter {
public:
    explicit MathWriter(std::unordered_map<std::string, ExprPtr> replacements) : replacements_(std::move(replacements)) {}

    std::unique_ptr<::ASTNode> number_math(const ExprPtr& e) { return write(e, false); }
    std::unique_ptr<::ASTNode> boolean_math(const ExprPtr& e) { return write(e, true); }

private:
    std::unique_ptr<::ASTNode> write(const ExprPtr& e, bool want_boolean) {
        if (want_boolean && !is_boolean(e->op)) {
            auto n = node(AST_RELATIONAL_NEQ);
            n->addChild(write(e, false).release());
            n->addChild(write(number(0.0), false).release());
            return n;
        }
        if (!want_boolean && is_boolean(e->op)) {
            auto n = node(AST_FUNCTION_PIECEWISE);
            n->addChild(write(number(1.0), false).release());
            n->addChild(write(e, true).release());
            n->addChild(write(number(0.0), false).release());
            return n;
        }
        switch (e->op) {
            case Op::number: {
                auto n = node(AST_REAL);
                n->setValue(e->value);
                return n;
            }
            case Op::symbol: return symbol_math(e->name);
            case Op::select: {
                auto n = node(AST_FUNCTION_PIECEWISE);
                n->addChild(write(e->args[1], false).release());
                n->addChild(write(e->args[0], true).release());
                n->addChild(write(e->args[2], false).release());
                return n;
            }
            default: break;
        }
        const bool logical = e->op == Op::logical_and || e->op == Op::logical_or || e->op == Op::logical_not;
        auto n = node(type_of(e->op));
        for (const auto& a : e->args) n->addChild(write(a, logical).release());
        return n;
    }

    std::unique_ptr<::ASTNode> symbol_math(const std::string& name) {
        if (const auto it = replacements_.find(name); it != replacements_.end()) return symbol_math_plain(it->second->name);
        return symbol_math_plain(name);
    }

    static std::unique_ptr<::ASTNode> symbol_math_plain(const std::string& name) {
        if (name == "time") {
            auto n = node(AST_NAME_TIME);
            n->setName("time");
            return n;
        }
        if (const auto target = rate_of_target(name)) {
            auto n = node(AST_FUNCTION_RATE_OF);
            n->setName("rateOf");
            auto arg = node(AST_NAME);
            arg->setName(target->c_str());
            n->addChild(arg.release());
            return n;
        }
        auto n = node(AST_NAME);
        n->setName(name.c_str());
        return n;
    }

    static ::ASTNodeType_t type_of(Op op) {
        switch (op) {
            case Op::add: return AST_PLUS;
            case Op::sub: case Op::neg: return AST_MINUS;
            case Op::mul: return AST_TIMES;
            case Op::div: return AST_DIVIDE;
            case Op::pow: return AST_POWER;
            case Op::exp: return AST_FUNCTION_EXP;
            case Op::log: return AST_FUNCTION_LN;
            case Op::log10: return AST_FUNCTION_LOG;  // one argument: base 10
            case Op::sqrt: return AST_FUNCTION_ROOT;  // one argument: degree 2
            case Op::abs: return AST_FUNCTION_ABS;
            case Op::sin: return AST_FUNCTION_SIN;
            case Op::cos: return AST_FUNCTION_COS;
            case Op::tan: return AST_FUNCTION_TAN;
            case Op::asin: return AST_FUNCTION_ARCSIN;
            case Op::acos: return AST_FUNCTION_ARCCOS;
            case Op::atan: return AST_FUNCTION_ARCTAN;
            case Op::sinh: return AST_FUNCTION_SINH;
            case Op::cosh: return AST_FUNCTION_COSH;
            case Op::tanh: return AST_FUNCTION_TANH;
            case Op::asinh: return AST_FUNCTION_ARCSINH;
            case Op::acosh: return AST_FUNCTION_ARCCOSH;
            case Op::atanh: return AST_FUNCTION_ARCTANH;
            case Op::floor: return AST_FUNCTION_FLOOR;
            case Op::ceil: return AST_FUNCTION_CEILING;
            case Op::factorial: return AST_FUNCTION_FACTORIAL;
            case Op::min: return AST_FUNCTION_MIN;
            case Op::max: return AST_FUNCTION_MAX;
            case Op::lt: return AST_RELATIONAL_LT;
            case Op::le: return AST_RELATIONAL_LEQ;
            case Op::gt: return AST_RELATIONAL_GT;
            case Op::ge: return AST_RELATIONAL_GEQ;
            case Op::eq: return AST_RELATIONAL_EQ;
            case Op::ne: return AST_RELATIONAL_NEQ;
            case Op::logical_and: return AST_LOGICAL_AND;
            case Op::logical_or: return AST_LOGICAL_OR;
            case Op::logical_not: return AST_LOGICAL_NOT;
            default: break;
        }
        throw std::logic_error("sbml export: no MathML for this operator");
    }

    std::unordered_map<std::string, ExprPtr> replacements_;  // effect targets -> their effective parameter
};

class Exporter {
public:
    explicit Exporter(const Model& model) : model_(model), document_(level, version) {}

    std::string run() {
        m_ = document_.createModel();
        m_->setId(sid(model_.name.empty() ? "model" : model_.name));
        if (!model_.name.empty()) m_->setName(model_.name);
        if (model_.internal_units) declare_units();
        plan_effects();
        plan_species_references();
        writer_ = std::make_unique<MathWriter>(effective_);
        for (const auto& c : model_.compartments) write_compartment(c);
        for (const auto& s : model_.species) write_species(s);
        for (const auto& p : model_.parameters) write_parameter(p);
        for (const auto& r : model_.reactions) write_reaction(r);
        for (const auto& o : model_.observables) write_observable(o);
        write_effects();
        for (const auto& r : model_.initial_assignments) {
            ::InitialAssignment* a = m_->createInitialAssignment();
            a->setSymbol(id_of(r.variable));
            set_math(a, r.expression);
        }
        for (const auto& r : model_.assignment_rules) add_assignment_rule(id_of(r.variable), r.expression);
        for (const auto& r : model_.rate_rules) {
            ::RateRule* rule = m_->createRateRule();
            rule->setVariable(id_of(r.variable));
            set_math(rule, r.expression);
        }
        for (const auto& e : model_.events) write_event(e);
        check();
        char* text = ::writeSBMLToString(&document_);
        std::string out(text ? text : "");
        free(text);
        return out;
    }

private:
    // A model name as an SBML id: letters, digits and '_', not starting with a digit.
    static std::string sid(const std::string& name) {
        std::string id;
        for (char c : name) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "_" + id;
        return id;
    }

    const std::string& id_of(const EntityRef& ref) const { return model_.id_of(ref); }

    void declare_units() {
        auto unit = [&](const char* id, ::UnitKind_t kind, int scale) {
            ::UnitDefinition* d = m_->createUnitDefinition();
            d->setId(id);
            ::Unit* u = d->createUnit();
            u->setKind(kind);
            u->setExponent(1.0);
            u->setScale(scale);
            u->setMultiplier(1.0);
        };
        // ntsim's internal units: amounts in nmol, volumes in L, time in s (concentrations nM).
        unit("nmol", UNIT_KIND_MOLE, -9);
        unit("litre_unit", UNIT_KIND_LITRE, 0);
        unit("second_unit", UNIT_KIND_SECOND, 0);
        m_->setSubstanceUnits("nmol");
        m_->setExtentUnits("nmol");
        m_->setVolumeUnits("litre_unit");
        m_->setTimeUnits("second_unit");
    }

    std::string unused_id(const std::string& wanted) const {
        std::string id = wanted;
        while (model_.ids.count(id) || taken_.count(id)) id += "_";
        return id;
    }

    void plan_effects() {
        for (const auto& e : model_.effects) {
            const std::string& p = model_.parameters.at(e.target).id;
            if (effective_.count(p)) continue;
            const std::string id = unused_id(p + effective_suffix);
            taken_.insert(id);
            effective_.emplace(p, symbol(id));
        }
    }

    // A stoichiometry given by a parameter becomes a species reference with that id (the
    // parameter itself is then not declared); other variable stoichiometries get a new
    // species reference id set by an assignment rule.
    void plan_species_references() {
        for (const auto& r : model_.reactions)
            for (const auto* refs : {&r.reactants, &r.products})
                for (const auto& ref : *refs)
                    if (ref.stoichiometry_expression && ref.stoichiometry_expression->op == Op::symbol &&
                        model_.parameter_index(ref.stoichiometry_expression->name))
                        reference_parameters_.insert(ref.stoichiometry_expression->name);
    }

    template <class Element> void set_math(Element* element, const ExprPtr& e, bool boolean = false) {
        auto ast = boolean ? writer_->boolean_math(e) : writer_->number_math(e);
        element->setMath(ast.get());
    }

    static void set_notes(::SBase* element, const std::string& text) {
        if (text.empty()) return;
        element->setNotes("<body xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + xml_escape(text) + "</p></body>");
    }

    void write_compartment(const Compartment& c) {
        ::Compartment* out = m_->createCompartment();
        out->setId(c.id);
        if (c.name != c.id) out->setName(c.name);
        out->setSpatialDimensions(static_cast<double>(c.spatial_dimensions));
        if (std::isfinite(c.size_l)) out->setSize(c.size_l);
        out->setConstant(c.constant);
        if (model_.internal_units) out->setUnits("litre_unit");
    }

    void write_species(const Species& s) {
        ::Species* out = m_->createSpecies();
        out->setId(s.id);
        if (s.name != s.id) out->setName(s.name);
        out->setCompartment(model_.compartments.at(s.compartment).id);
        if (std::isfinite(s.initial_nm)) {
            if (s.initial_is_amount) out->setInitialAmount(s.initial_nm);
            else out->setInitialConcentration(s.initial_nm);
        }
        out->setHasOnlySubstanceUnits(s.only_substance_units);
        // A JSON constant species is a clamped input: SBML needs it on the boundary to sit in reactions.
        out->setBoundaryCondition(s.boundary || s.constant);
        out->setConstant(s.constant);
        if (s.conversion_factor >= 0) out->setConversionFactor(model_.parameters.at(s.conversion_factor).id);
        if (model_.internal_units) out->setSubstanceUnits("nmol");
    }

    void write_parameter(const Parameter& p) {
        if (reference_parameters_.count(p.id)) return;
        ::Parameter* out = m_->createParameter();
        out->setId(p.id);
        if (p.name != p.id) out->setName(p.name);
        if (std::isfinite(p.value)) out->setValue(p.value);
        out->setConstant(p.constant);
        set_notes(out, p.source);
    }

    void write_reaction(const Reaction& r) {
        ::Reaction* out = m_->createReaction();
        out->setId(r.id);
        if (r.name != r.id) out->setName(r.name);
        out->setReversible(false);
        auto write_refs = [&](const std::vector<SpeciesRef>& refs, bool products) {
            for (const auto& ref : refs) {
                ::SpeciesReference* sr = products ? out->createProduct() : out->createReactant();
                sr->setSpecies(model_.species.at(ref.species).id);
                if (!ref.stoichiometry_expression) {
                    sr->setStoichiometry(ref.stoichiometry);
                    sr->setConstant(true);
                    continue;
                }
                const ExprPtr& e = ref.stoichiometry_expression;
                if (e->op == Op::symbol && reference_parameters_.count(e->name)) {
                    const Parameter& p = model_.parameters[*model_.parameter_index(e->name)];
                    sr->setId(p.id);
                    if (std::isfinite(p.value)) sr->setStoichiometry(p.value);
                    sr->setConstant(p.constant);
                } else {
                    const std::string id = unused_id(fmt::format("{}_{}_stoichiometry", r.id, model_.species.at(ref.species).id));
                    taken_.insert(id);
                    sr->setId(id);
                    sr->setConstant(false);
                    add_assignment_rule(id, e);
                }
            }
        };
        write_refs(r.reactants, false);
        write_refs(r.products, true);
        for (const auto& m : r.modifiers) out->createModifier()->setSpecies(model_.species.at(m.species).id);
        if (!r.rate) return;
        // JSON rates are concentration/time in the reaction's compartment; SBML kinetic laws are extents.
        const ExprPtr extent = r.rate_is_extent ? r.rate : make(Op::mul, {r.rate, symbol(model_.compartments.at(r.compartment).id)});
        set_math(out->createKineticLaw(), extent);
        out->setCompartment(model_.compartments.at(r.compartment).id);
    }

    void write_observable(const Observable& o) {
        ::Parameter* out = m_->createParameter();
        out->setId(o.id);
        if (o.name != o.id) out->setName(o.name);
        out->setConstant(false);
        set_notes(out, "ntsim observable");
        add_assignment_rule(o.id, o.expression);
    }

    // p_effective = p * factor... + addend..., in the order the effects are declared.
    void write_effects() {
        std::unordered_map<std::string, ExprPtr> value;
        std::vector<std::string> order;
        for (const auto& e : model_.effects) {
            const std::string& p = model_.parameters.at(e.target).id;
            auto [it, fresh] = value.emplace(p, symbol(p));
            if (fresh) order.push_back(p);
            it->second = make(e.kind == EffectKind::add ? Op::add : Op::mul, {it->second, e.term});
        }
        for (const auto& p : order) {
            const std::string& id = effective_.at(p)->name;
            ::Parameter* out = m_->createParameter();
            out->setId(id);
            out->setConstant(false);
            set_notes(out, fmt::format("'{}' with the compound effects on it applied", p));
            // The rule reads the declared p, not p_effective: write it without the replacement.
            ::AssignmentRule* rule = m_->createAssignmentRule();
            rule->setVariable(id);
            auto ast = MathWriter({}).number_math(value.at(p));
            rule->setMath(ast.get());
        }
    }

    void add_assignment_rule(const std::string& variable, const ExprPtr& e) {
        ::AssignmentRule* rule = m_->createAssignmentRule();
        rule->setVariable(variable);
        set_math(rule, e);
    }

    void write_event(const Event& e) {
        ::Event* out = m_->createEvent();
        out->setId(e.id);
        out->setUseValuesFromTriggerTime(e.use_values_from_trigger_time);
        ::Trigger* trigger = out->createTrigger();
        trigger->setInitialValue(e.initial_value);
        trigger->setPersistent(e.persistent);
        set_math(trigger, e.trigger, /*boolean=*/true);
        if (e.delay) set_math(out->createDelay(), e.delay);
        if (e.priority) set_math(out->createPriority(), e.priority);
        for (const auto& a : e.assignments) {
            ::EventAssignment* ea = out->createEventAssignment();
            ea->setVariable(id_of(a.variable));
            set_math(ea, a.expression);
        }
    }

    void check() {
        document_.setConsistencyChecks(LIBSBML_CAT_MODELING_PRACTICE, false);
        document_.checkConsistency();
        std::vector<LoadProblem> problems;
        for (unsigned i = 0; i < document_.getNumErrors(); ++i) {
            const ::SBMLError* e = document_.getError(i);
            if (e->getSeverity() < LIBSBML_SEV_ERROR) continue;
            problems.push_back({model_.name, fmt::format("SBML export (libSBML {})", e->getErrorId()), e->getMessage()});
        }
        if (!problems.empty()) throw SbmlError(std::move(problems));
    }

    const Model& model_;
    ::SBMLDocument document_;
    ::Model* m_ = nullptr;
    std::unordered_map<std::string, ExprPtr> effective_;  // effect target -> its effective parameter
    std::set<std::string> reference_parameters_, taken_;
    std::unique_ptr<MathWriter> writer_;
};

}  // namespace

std::string to_sbml(const Model& model) { return Exporter(model).run(); }

void write_sbml(const Model& model, const std::filesystem::path& file) {
    const std::string text = to_sbml(model);
    std::ofstream out(file);
    if (!out) throw std::invalid_argument(fmt::format("cannot write '{}'", file.string()));
    out << text;
    if (!out) throw std::runtime_error(fmt::format("writing '{}' failed", file.string()));
}

}  // namespace ntsim::models
