// MathML (libSBML's ASTNode) -> the expression AST: n-ary operators folded, relations chained,
// function definitions inlined, csymbols time/avogadro/rateOf mapped. Internal to the SBML importer.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sbml/SBMLTypes.h>

#include "models/expression.hpp"

namespace ntsim::models {

// Names bound inside one piece of math: function arguments or a kinetic law's local parameters.
struct MathScope {
    std::unordered_map<std::string, ExprPtr> names;
};

class MathConverter {
public:
    // Takes the model's function definitions, which must outlive the converter.
    explicit MathConverter(const ::Model& model);

    // `where` names the element for messages. Throws std::invalid_argument for malformed math;
    // constructs ntsim does not simulate are recorded (see take_unsupported) and read as 0.
    ExprPtr convert(const ::ASTNode& node, const std::string& where, const MathScope* scope);

    // (element, construct) pairs recorded since the last call.
    std::vector<std::pair<std::string, std::string>> take_unsupported();

    // A renamed local parameter: rateOf of it is 0.
    void add_local_parameter(const std::string& id) { local_parameters_.insert(id); }

private:
    ExprPtr convert(const ::ASTNode& node, const std::string& where, const MathScope* scope, int depth);
    ExprPtr convert_node(const ::ASTNode& node, const std::string& where, const MathScope* scope, int depth);
    std::vector<ExprPtr> children(const ::ASTNode& node, const std::string& where, const MathScope* scope, int depth);
    ExprPtr call(const ::ASTNode& node, const std::string& where, const MathScope* scope, int depth);
    void record_unsupported(const std::string& where, const std::string& construct) { unsupported_.emplace_back(where, construct); }

    std::unordered_map<std::string, const ::FunctionDefinition*> functions_;
    // Depths of the nodes built for the expression being converted: an n-ary <plus> becomes a
    // chain n deep, so the tree is checked as it grows, before it is deep enough to overflow
    // the stack of a recursive walk (or of its own destruction).
    DepthMemo depths_;
    std::set<std::string> local_parameters_;
    std::vector<std::pair<std::string, std::string>> unsupported_;
};

}  // namespace ntsim::models
