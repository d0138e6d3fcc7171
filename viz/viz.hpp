// The viz layer's public face: network diagrams (DOT text, Graphviz rendering), SVG figures of a
// sweep's results, and the interactive HTML report.
#pragma once

#include "viz/dot.hpp"
#include "viz/graph_render.hpp"
#include "viz/labels.hpp"
#include "viz/network_layout.hpp"
#include "viz/plots.hpp"
#include "viz/report.hpp"
#include "viz/results.hpp"
