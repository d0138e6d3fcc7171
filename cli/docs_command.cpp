// `ntsim docs`: Markdown reference of a model generated from its JSON files, one section per module
// file (what it represents, species, reactions, parameters with sources, observables, citations,
// known limits), then region profiles and the assumed/calibrated parameters. Generated, so
// docs/models.md cannot drift from the files; a ctest compares the two.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "models/models.hpp"

namespace ntsim::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // keeps keys in the order the file has them

// One file of the model as written: its path for display and its parsed text.
struct SourceFile {
    std::string name;   // as the loader names it (origins refer to it)
    std::string shown;  // stable display path, e.g. models/pathways/erk_cascade.json
    json document;
};

json read_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument(fmt::format("cannot read '{}'", path));
    return json::parse(in);
}

// Paths shown relative to the directory above the top model file (models/neurotrophin.json, not
// /home/.../models/neurotrophin.json), so the output does not depend on how the file was named.
class PathDisplay {
public:
    explicit PathDisplay(const std::string& top_file)
        : base_(fs::weakly_canonical(fs::path(top_file)).parent_path()) {}
    std::string operator()(const std::string& file) const {
        const fs::path relative = fs::weakly_canonical(fs::path(file)).lexically_relative(base_);
        return (base_.filename() / relative).generic_string();
    }

private:
    fs::path base_;
};

// Markdown table cell: one line, pipes escaped (also inside code spans, as GitHub tables need).
std::string cell(std::string text) {
    std::string out;
    for (char c : text) {
        if (c == '\n' || c == '\r') out += ' ';
        else if (c == '|') out += "\\|";
        else out += c;
    }
    return out;
}

std::string code(const std::string& text) { return "`" + text + "`"; }

// A value as written in the file, in the file's unit.
std::string number(const json& value) { return value.is_number() ? fmt::format("{:.6g}", value.get<double>()) : value.dump(); }

const json& entry_at(const SourceFile& file, const std::string& pointer) { return file.document.at(json::json_pointer(pointer)); }

std::vector<std::string> notes_of(const json& object) {
    std::vector<std::string> notes;
    if (!object.contains("notes")) return notes;
    const json& n = object.at("notes");
    if (n.is_string()) notes.push_back(n.get<std::string>());
    else if (n.is_array())
        for (const auto& item : n) notes.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    return notes;
}

// An entry's own notes appended to a cell, if it has any.
std::string with_notes(const std::string& text, const json& entry) {
    std::string out = text;
    for (const auto& note : notes_of(entry)) out += (out.empty() ? "" : " ") + ("(note: " + note + ")");
    return out;
}

// ---- citations ------------------------------------------------------------------------------

// "Sasagawa et al. 2005", "Jahr & Stevens 1990", "Destexhe, Mainen & Sejnowski 1994",
// "Kholodenko 2000"; the journal reference when it follows (", Nat Cell Biol 7:365-373 (PMID ...)"
// or " (Neurochem Int 54:385)"). Database entries (BIOMD..., ModelDB ...) count as references too.
const std::regex& author_year() {
    static const std::regex re(R"(([A-Z][A-Za-z'-]+(?:(?:, [A-Z][A-Za-z'-]+)* & [A-Z][A-Za-z'-]+| et al\.)?),? ((?:19|20)\d\d)\b)");
    return re;
}
const std::regex& journal_after() {
    static const std::regex re(R"(^(?:, | \()([A-Z][A-Za-z. ]+ \d+:\d+(?:-\d+)?(?: \(PMID \d+\))?))");
    return re;
}
const std::regex& database_entry() {
    static const std::regex re(R"(BIOMD\d{10}|ModelDB \d+)");
    return re;
}

struct Citation {
    std::string authors;                 // longest form seen, e.g. "Sasagawa et al."; or the database id
    std::string year;                    // empty for a database entry
    std::string journal;                 // first journal reference seen, may be empty
    std::vector<std::string> source_of;  // parameters whose source cites it
    std::vector<std::string> behind;     // assumed or calibrated parameters whose reason mentions it
    std::vector<std::string> in_text;    // "the description", "the notes"
};

// Where a text that mentions a citation comes from.
struct Mention {
    std::string id;                      // parameter id, or "the description" / "the notes"
    enum class Kind { citation, assumption, text } kind;
};

// Citations of one module, keyed by first author + year (or the database id), in order of first mention.
class CitationList {
public:
    void scan(const std::string& text, const Mention& by) {
        for (auto it = std::sregex_iterator(text.begin(), text.end(), author_year()); it != std::sregex_iterator(); ++it) {
            const std::string authors = (*it)[1].str(), year = (*it)[2].str();
            const std::string first = authors.substr(0, authors.find_first_of(" ,"));
            Citation& c = at(first + " " + year);
            c.year = year;
            if (authors.size() > c.authors.size()) c.authors = authors;
            std::smatch journal;
            const std::string rest = text.substr(static_cast<std::size_t>(it->position(0) + it->length(0)));
            if (c.journal.empty() && std::regex_search(rest, journal, journal_after())) c.journal = journal[1].str();
            add(c, by);
        }
        for (auto it = std::sregex_iterator(text.begin(), text.end(), database_entry()); it != std::sregex_iterator(); ++it) {
            Citation& c = at(it->str());
            c.authors = it->str();
            add(c, by);
        }
    }
    bool empty() const { return order_.empty(); }

    void write(std::ostream& os) const {
        for (const auto& key : order_) {
            const Citation& c = citations_.at(key);
            os << "- " << c.authors << (c.year.empty() ? " (model database entry)" : " " + c.year)
               << (c.journal.empty() ? "" : ", " + c.journal) << " — ";
            std::vector<std::string> parts;
            // A database entry sits beside its paper in the same sources: a count says enough.
            if (c.year.empty() && !c.source_of.empty()) parts.push_back(fmt::format("source of {} parameters", c.source_of.size()));
            else if (!c.source_of.empty()) parts.push_back("source of " + code_list(c.source_of));
            if (!c.behind.empty()) parts.push_back("in the reasons for assumed or calibrated " + code_list(c.behind));
            for (const auto& t : c.in_text) parts.push_back("in " + t);
            for (std::size_t i = 0; i < parts.size(); ++i) os << (i ? "; " : "") << parts[i];
            os << "\n";
        }
    }

private:
    Citation& at(const std::string& key) {
        if (!citations_.count(key)) order_.push_back(key);
        return citations_[key];
    }
    static void add(Citation& c, const Mention& by) {
        auto& list = by.kind == Mention::Kind::citation ? c.source_of : by.kind == Mention::Kind::assumption ? c.behind : c.in_text;
        if (std::find(list.begin(), list.end(), by.id) == list.end()) list.push_back(by.id);
    }
    static std::string code_list(const std::vector<std::string>& ids) {
        std::string text;
        for (std::size_t i = 0; i < ids.size(); ++i) text += (i ? ", " : "") + code(ids[i]);
        return text;
    }
    std::map<std::string, Citation> citations_;
    std::vector<std::string> order_;
};

// ---- model queries --------------------------------------------------------------------------

// Parameters a rate reads, directly or through observables, in declaration order.
std::vector<int> parameters_of(const models::Model& model, const models::ExprPtr& rate) {
    std::set<int> found;
    std::set<std::string> seen;
    std::vector<std::string> pending;
    for (const auto& s : models::symbols(rate)) pending.push_back(s);
    while (!pending.empty()) {
        const std::string name = pending.back();
        pending.pop_back();
        if (!seen.insert(name).second) continue;
        if (const auto p = model.parameter_index(name)) found.insert(*p);
        else if (const auto o = model.observable_index(name))
            for (const auto& s : models::symbols(model.observables[*o].expression)) pending.push_back(s);
    }
    return {found.begin(), found.end()};
}

std::string side(const models::Model& model, const std::vector<models::SpeciesRef>& refs) {
    if (refs.empty()) return "∅";
    std::string text;
    for (const auto& r : refs) {
        if (!text.empty()) text += " + ";
        if (r.stoichiometry != 1.0) text += fmt::format("{:g} ", r.stoichiometry);
        text += model.species[r.species].id;
    }
    return text;
}

std::string kind_label(models::SourceKind kind) {
    switch (kind) {
        case models::SourceKind::citation: return "cited";
        case models::SourceKind::assumed: return "assumed";
        case models::SourceKind::calibrated: return "calibrated";
    }
    return "?";
}

// ---- writer ---------------------------------------------------------------------------------

class DocsWriter {
public:
    DocsWriter(const models::Model& model, const std::vector<SourceFile>& files, const std::vector<std::string>& region_files,
               const PathDisplay& display)
        : model_(model), files_(files), region_files_(region_files), display_(display) {}

    void write(std::ostream& os) const {
        const SourceFile& top = files_.front();
        os << "# Model reference: " << model_.name << "\n\n";
        os << "<!-- Generated by `ntsim docs` from the model files. Do not edit by hand: edit the JSON and regenerate. -->\n\n";
        os << "Generated from `" << top.shown << "`";
        if (!region_files_.empty()) {
            os << " and the region profiles";
            for (const auto& r : region_files_) os << " `" << display_(r) << "`";
        }
        os << " by `ntsim docs`; the test `models_doc_is_current` fails when this file no longer matches "
              "them. Values are shown in the units written in the files. Research and teaching use only; "
              "nothing here is dosing advice.\n\n";
        write_summary(os);
        os << "## Modules\n\n";
        for (const auto& f : files_) os << "- [" << module_name(f) << "](#module-" << anchor(module_name(f)) << ") — `" << f.shown << "`\n";
        if (!region_files_.empty()) os << "- [Region profiles](#region-profiles)\n";
        os << "- [Assumed and calibrated parameters](#assumed-and-calibrated-parameters)\n\n";
        for (const auto& f : files_) write_module(os, f);
        if (!region_files_.empty()) write_regions(os);
        write_assumptions(os);
    }

private:
    static std::string module_name(const SourceFile& f) { return f.document.value("name", fs::path(f.shown).stem().string()); }
    static std::string anchor(const std::string& name) {
        std::string a;
        for (char c : name) a += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return a;
    }

    void write_summary(std::ostream& os) const {
        std::size_t constant = 0;
        for (const auto& s : model_.species) constant += s.constant;
        std::map<models::SourceKind, std::size_t> kinds;
        for (const auto& p : model_.parameters) ++kinds[p.source_kind];
        os << fmt::format("The network has {} module files, {} compartments, {} species ({} constant inputs), {} reactions, "
                          "{} parameters ({} cited, {} assumed, {} calibrated) and {} observables.\n\n",
                          files_.size(), model_.compartments.size(), model_.species.size(), constant, model_.reactions.size(),
                          model_.parameters.size(), kinds[models::SourceKind::citation], kinds[models::SourceKind::assumed],
                          kinds[models::SourceKind::calibrated], model_.observables.size());
    }

    void write_module(std::ostream& os, const SourceFile& f) const {
        const std::string name = module_name(f);
        os << "<a id=\"module-" << anchor(name) << "\"></a>\n\n";
        os << "## Module " << name << " (`" << f.shown << "`)\n\n";
        os << "### What it represents\n\n" << f.document.value("description", "(no description in the file)") << "\n\n";
        if (f.document.contains("include")) {
            os << "Includes:";
            for (const auto& i : f.document.at("include")) os << " `" << i.get<std::string>() << "`";
            os << "\n\n";
        }
        write_compartments(os, f);
        write_species(os, f);
        write_reactions(os, f);
        write_parameters(os, f);
        write_observables(os, f);
        write_citations(os, f);
        os << "### Known limits\n\n";
        const auto notes = notes_of(f.document);
        if (notes.empty()) os << "(none stated in the file)\n";
        for (const auto& n : notes) os << "- " << n << "\n";
        os << "\n";
    }

    void write_compartments(std::ostream& os, const SourceFile& f) const {
        bool header = false;
        for (const auto& c : model_.compartments) {
            if (c.origin.file != f.name) continue;
            if (!header) os << "### Compartments\n\n| id | name | size |\n|---|---|---|\n";
            header = true;
            const json& e = entry_at(f, c.origin.pointer);
            os << "| " << code(c.id) << " | " << cell(with_notes(c.name, e)) << " | " << number(e.at("size")) << " "
               << e.at("unit").get<std::string>() << " |\n";
        }
        if (header) os << "\n";
    }

    void write_species(std::ostream& os, const SourceFile& f) const {
        bool header = false;
        for (const auto& s : model_.species) {
            if (s.origin.file != f.name) continue;
            if (!header) os << "### Species\n\n| id | name | compartment | initial | role |\n|---|---|---|---|---|\n";
            header = true;
            const json& e = entry_at(f, s.origin.pointer);
            os << "| " << code(s.id) << " | " << cell(with_notes(s.name, e)) << " | " << model_.compartments[s.compartment].id
               << " | " << number(e.at("initial")) << " " << e.at("unit").get<std::string>() << " | "
               << (s.constant ? "input (constant)" : "state") << " |\n";
        }
        if (header) os << "\n";
    }

    void write_reactions(std::ostream& os, const SourceFile& f) const {
        bool header = false;
        for (const auto& r : model_.reactions) {
            if (r.origin.file != f.name) continue;
            if (!header)
                os << "### Reactions\n\n| id | reaction | modifiers (role) | rate law | parameters |\n|---|---|---|---|---|\n";
            header = true;
            const json& e = entry_at(f, r.origin.pointer);
            std::string modifiers;
            for (const auto& m : r.modifiers)
                modifiers += (modifiers.empty() ? "" : ", ") + model_.species[m.species].id + " (" + models::to_string(m.role) + ")";
            const json& rate = e.at("rate");
            std::string law = models::to_string(r.kind);
            if (r.kind == models::RateLawKind::expression) {
                law += ": " + code(rate.at("expression").get<std::string>());
            } else {
                std::string arguments;  // kf = k1, Km = K1, ... in the file's order
                for (const auto& [key, value] : rate.items())
                    if (key != "type") arguments += (arguments.empty() ? "" : ", ") + key + " = " + code(value.get<std::string>());
                law += " (" + arguments + ")";
            }
            const bool reversible = r.kind == models::RateLawKind::mass_action && rate.contains("kr");
            std::string parameters;
            for (int p : parameters_of(model_, r.rate)) {
                const auto& par = model_.parameters[p];
                const json& pe = entry_at(file_of(par.origin.file), par.origin.pointer);
                parameters += (parameters.empty() ? "" : "; ") + code(par.id) + " = " + number(pe.at("value")) + " " + par.unit;
                if (par.origin.file != f.name) parameters += " (" + par.module + ")";
            }
            const std::string title = r.name == r.id ? "" : r.name + ": ";
            os << "| " << code(r.id) << " | " << cell(with_notes(title + side(model_, r.reactants) + (reversible ? " ⇌ " : " → ") + side(model_, r.products), e))
               << " | " << cell(modifiers) << " | " << cell(law) << " | " << cell(parameters) << " |\n";
        }
        if (header) os << "\n";
    }

    void write_parameters(std::ostream& os, const SourceFile& f) const {
        bool header = false;
        for (const auto& p : model_.parameters) {
            if (p.origin.file != f.name) continue;
            if (!header) os << "### Parameters\n\n| id | name | value | unit | source |\n|---|---|---|---|---|\n";
            header = true;
            const json& e = entry_at(f, p.origin.pointer);
            os << "| " << code(p.id) << " | " << cell(p.name) << " | " << number(e.at("value")) << " | " << cell(p.unit) << " | "
               << cell(with_notes(p.source, e)) << " |\n";
        }
        if (header) os << "\n";
    }

    void write_observables(std::ostream& os, const SourceFile& f) const {
        bool header = false;
        for (const auto& o : model_.observables) {
            if (o.origin.file != f.name) continue;
            if (!header) os << "### Observables\n\n| id | name | expression |\n|---|---|---|\n";
            header = true;
            const json& e = entry_at(f, o.origin.pointer);
            os << "| " << code(o.id) << " | " << cell(with_notes(o.name, e)) << " | "
               << cell(code(e.at("expression").get<std::string>())) << " |\n";
        }
        if (header) os << "\n";
    }

    void write_citations(std::ostream& os, const SourceFile& f) const {
        CitationList citations;
        for (const auto& p : model_.parameters) {
            if (p.origin.file != f.name) continue;
            citations.scan(p.source, {p.id, p.source_kind == models::SourceKind::citation ? Mention::Kind::citation
                                                                                         : Mention::Kind::assumption});
        }
        citations.scan(f.document.value("description", ""), {"the description", Mention::Kind::text});
        for (const auto& n : notes_of(f.document)) citations.scan(n, {"the notes", Mention::Kind::text});
        os << "### Sources\n\n";
        if (citations.empty()) os << "(no citation in the file)\n";
        else citations.write(os);
        os << "\n";
    }

    void write_regions(std::ostream& os) const {
        os << "## Region profiles\n\n"
              "Overrides applied on top of the module defaults when a region is selected: a parameter, the "
              "value of a constant input, or the initial value of a species.\n\n";
        for (const auto& path : region_files_) {
            const models::Region region = models::load_region(path, model_);
            const json document = read_json(path);
            os << "### " << region.name << " (`" << display_(path) << "`)\n\n" << region.description << "\n\n";
            os << "| overrides | value | unit | source |\n|---|---|---|---|\n";
            for (const auto& o : region.overrides) {
                const json& e = document.at(json::json_pointer(o.origin.pointer));
                const auto species = model_.species_index(o.id);
            const char* what = !species ? "parameter" : model_.species[*species].constant ? "constant input" : "initial value";
            os << "| " << code(o.id) << " (" << what << ") | " << number(e.at("value")) << " | "
                   << cell(o.unit) << " | " << cell(with_notes(o.source, e)) << " |\n";
            }
            os << "\n";
            const auto notes = notes_of(document);
            if (!notes.empty()) {
                os << "Known limits:\n\n";
                for (const auto& n : notes) os << "- " << n << "\n";
                os << "\n";
            }
        }
    }

    void write_assumptions(std::ostream& os) const {
        os << "## Assumed and calibrated parameters\n\n"
              "No measured value stands behind these; they are the natural axes of sensitivity sweeps "
              "(`ntsim check` lists the same).\n\n";
        os << "| parameter | module | value | unit | kind | reason |\n|---|---|---|---|---|---|\n";
        for (const auto& p : model_.parameters) {
            if (p.source_kind == models::SourceKind::citation) continue;
            const json& e = entry_at(file_of(p.origin.file), p.origin.pointer);
            std::string reason = p.source.substr(p.source.find(':') == std::string::npos ? 0 : p.source.find(':') + 1);
            reason.erase(0, reason.find_first_not_of(' '));
            os << "| " << code(p.id) << " | " << p.module << " | " << number(e.at("value")) << " | " << cell(p.unit) << " | "
               << kind_label(p.source_kind) << " | " << cell(reason) << " |\n";
        }
        os << "\n";
    }

    const SourceFile& file_of(const std::string& name) const {
        for (const auto& f : files_)
            if (f.name == name) return f;
        throw std::logic_error("no loaded file named " + name);
    }

    const models::Model& model_;
    const std::vector<SourceFile>& files_;
    const std::vector<std::string>& region_files_;
    const PathDisplay& display_;
};

}  // namespace

int run_docs(const DocsArgs& args) {
    return guarded([&] {
        const models::Model model = models::load(args.model);
        const PathDisplay display(args.model);
        // The top file first (the composed network), then the modules in load order, dependencies first.
        std::vector<SourceFile> files;
        files.push_back({model.files.front(), display(model.files.front()), read_json(model.files.front())});
        for (auto it = model.files.rbegin(); it + 1 != model.files.rend(); ++it) files.push_back({*it, display(*it), read_json(*it)});

        std::ostringstream text;
        DocsWriter(model, files, args.regions, display).write(text);
        if (args.output == "-") {
            std::cout << text.str();
        } else {
            std::ofstream out(args.output, std::ios::binary);
            if (!out) throw std::invalid_argument(fmt::format("cannot write '{}'", args.output));
            out << text.str();
        }
        return 0;
    });
}

}  // namespace ntsim::cli
