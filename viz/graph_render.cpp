// libgvc calls, with Graphviz's error messages captured instead of printed: Graphviz reports
// through a process-wide callback, so one render runs at a time (the CLI's case).
#include "viz/graph_render.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

namespace ntsim::viz {

namespace {

std::mutex graphviz_mutex;
std::string graphviz_messages;

int collect_message(char* message) {
    graphviz_messages += message;
    return 0;
}

// Holds the Graphviz context, the parsed graph and its layout; frees them in reverse order.
class GraphvizJob {
public:
    GraphvizJob(const std::string& dot_text, const std::string& engine) : lock_(graphviz_mutex) {
        graphviz_messages.clear();
        previous_handler_ = agseterrf(collect_message);
        previous_level_ = agseterr(AGERR);  // warnings (e.g. "sfdp ignores clusters") are not failures
        context_ = gvContext();
        graph_ = agmemread(dot_text.c_str());
        if (!graph_) fail("cannot parse the DOT text");
        if (gvLayout(context_, graph_, engine.c_str()) != 0) fail(fmt::format("layout with '{}' failed", engine));
        laid_out_ = true;
    }
    ~GraphvizJob() {
        if (laid_out_) gvFreeLayout(context_, graph_);
        if (graph_) agclose(graph_);
        if (context_) gvFreeContext(context_);
        agseterr(previous_level_);
        agseterrf(previous_handler_);
    }
    GraphvizJob(const GraphvizJob&) = delete;
    GraphvizJob& operator=(const GraphvizJob&) = delete;

    Agraph_t* graph() const { return graph_; }
    GVC_t* context() const { return context_; }

    [[noreturn]] void fail(const std::string& what) const {
        std::string detail = graphviz_messages;
        while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
        throw std::runtime_error(fmt::format("Graphviz: {}{}{}", what, detail.empty() ? "" : ": ", detail));
    }

private:
    std::lock_guard<std::mutex> lock_;
    agusererrf previous_handler_ = nullptr;
    agerrlevel_t previous_level_ = AGWARN;
    GVC_t* context_ = nullptr;
    Agraph_t* graph_ = nullptr;
    bool laid_out_ = false;
};

constexpr double points_per_inch = 72.0;

void collect_clusters(Agraph_t* graph, std::vector<ClusterPlacement>& out) {
    for (Agraph_t* sub = agfstsubg(graph); sub; sub = agnxtsubg(sub)) {
        const std::string name = agnameof(sub);
        if (name.rfind("cluster", 0) == 0) {
            const boxf bb = GD_bb(sub);
            const char* label = agget(sub, const_cast<char*>("label"));
            out.push_back({name, label ? label : "", bb.LL.x, bb.LL.y, bb.UR.x, bb.UR.y});
        }
        collect_clusters(sub, out);
    }
}

}  // namespace

GraphFormat graph_format_for(const std::filesystem::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".dot" || ext == ".gv") return GraphFormat::dot;
    if (ext == ".svg") return GraphFormat::svg;
    if (ext == ".png") return GraphFormat::png;
    throw std::invalid_argument(fmt::format("cannot tell the format of '{}' from its extension; use .svg, .png or .dot", file.string()));
}

std::string default_layout_engine(std::size_t node_count) { return node_count <= layered_layout_limit ? "dot" : "sfdp"; }

void render_graph(const std::string& dot_text, GraphFormat format, const std::string& engine, const std::filesystem::path& file) {
    if (format == GraphFormat::dot) throw std::invalid_argument("render_graph: DOT text needs no rendering; write it as it is");
    GraphvizJob job(dot_text, engine);
    const char* renderer = format == GraphFormat::svg ? "svg" : "png";
    if (gvRenderFilename(job.context(), job.graph(), renderer, file.string().c_str()) != 0)
        job.fail(fmt::format("cannot render {} to '{}'", renderer, file.string()));
}

GraphLayout layout_graph(const std::string& dot_text, const std::string& engine) {
    GraphvizJob job(dot_text, engine);
    GraphLayout layout;
    layout.engine = engine;
    for (Agnode_t* n = agfstnode(job.graph()); n; n = agnxtnode(job.graph(), n)) {
        const pointf at = ND_coord(n);
        layout.nodes[agnameof(n)] = {at.x, at.y, ND_width(n) * points_per_inch, ND_height(n) * points_per_inch};
    }
    if (engine == "dot") collect_clusters(job.graph(), layout.clusters);
    return layout;
}

}  // namespace ntsim::viz
