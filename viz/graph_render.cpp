// libgvc calls, with Graphviz's error messages captured instead of printed: Graphviz reports
// through a process-wide callback, so one render runs at a time (the CLI's case).
#include "viz/graph_render.hpp"

#include <algorithm>
#include <cmath>
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

// Holds the parsed graph and its layout on the shared Graphviz context; frees them in reverse order.
class GraphvizJob {
public:
    GraphvizJob(const std::string& dot_text, const std::string& engine) : lock_(graphviz_mutex) {
        graphviz_messages.clear();
        previous_handler_ = agseterrf(collect_message);
        previous_level_ = agseterr(AGERR);  // warnings (e.g. "sfdp ignores clusters") are not failures
        context_ = shared_context();
        try {
            graph_ = agmemread(dot_text.c_str());
            if (!graph_) fail("cannot parse the DOT text");
            if (gvLayout(context_, graph_, engine.c_str()) != 0) fail(fmt::format("layout with '{}' failed", engine));
        } catch (...) {
            // A constructor that throws runs no destructor; without this the parsed graph leaked
            // and Graphviz kept our error handler (LeakSanitizer, unknown layout engine).
            release();
            throw;
        }
        laid_out_ = true;
    }
    ~GraphvizJob() { release(); }
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
    void release() {
        if (laid_out_) gvFreeLayout(context_, graph_);
        if (graph_) agclose(graph_);
        agseterr(previous_level_);
        agseterrf(previous_handler_);
    }

    // One context for the life of the process, never freed: Graphviz 2.42's pango plugin keeps
    // the last font name in a static pointer into the context's font dictionary, so a layout
    // after gvFreeContext read freed memory (AddressSanitizer: heap-use-after-free in
    // textspan_size). Only used under graphviz_mutex.
    static GVC_t* shared_context() {
        static GVC_t* const shared = gvContext();
        return shared;
    }

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

GraphLayout layout_modules(const std::vector<ModuleGraph>& modules) {
    // Space between module drawings, points.
    constexpr double gap = 36;
    constexpr double page_aspect = 1.6;
    struct Drawn {
        GraphLayout layout;
        double x0, y0, width, height;
    };
    std::vector<Drawn> drawn;
    double area = 0;
    for (const auto& m : modules) {
        GraphLayout one = layout_graph(m.dot_text, "dot");
        double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
        for (const auto& [id, n] : one.nodes) {
            x0 = std::min(x0, n.x - n.width / 2), x1 = std::max(x1, n.x + n.width / 2);
            y0 = std::min(y0, n.y - n.height / 2), y1 = std::max(y1, n.y + n.height / 2);
        }
        if (one.nodes.empty()) x0 = y0 = x1 = y1 = 0;
        // Room for the cluster label (16 pt Helvetica, about 8.5 pt a character), centred over the drawing.
        const double label_width = 8.5 * static_cast<double>(m.label.size());
        if (x1 - x0 < label_width) {
            const double grow = (label_width - (x1 - x0)) / 2;
            x0 -= grow, x1 += grow;
        }
        drawn.push_back({std::move(one), x0, y0, x1 - x0, y1 - y0});
        area += (x1 - x0 + gap) * (y1 - y0 + gap);
    }
    // Shelf packing: fill rows left to right up to a width that makes the whole about 16:10.
    const double row_width = std::sqrt(area * page_aspect);
    GraphLayout packed;
    packed.engine = "modules";
    double x = 0, y = 0, row_height = 0;
    for (std::size_t i = 0; i < drawn.size(); ++i) {
        const Drawn& d = drawn[i];
        if (x > 0 && x + d.width > row_width) {
            x = 0;
            y -= row_height + gap;
            row_height = 0;
        }
        // Graphviz's y grows upwards, so rows go to negative y; each drawing's top edge sits at y.
        const double dx = x - d.x0, dy = y - (d.y0 + d.height);
        for (const auto& [id, n] : d.layout.nodes) packed.nodes[id] = {n.x + dx, n.y + dy, n.width, n.height};
        const double margin = gap / 3;
        packed.clusters.push_back({modules[i].name, modules[i].name, x - margin, y - d.height - margin, x + d.width + margin, y + margin});
        x += d.width + gap;
        row_height = std::max(row_height, d.height);
    }
    return packed;
}

}  // namespace ntsim::viz
