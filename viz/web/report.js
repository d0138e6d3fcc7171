// ntsim report page: draws the network from the inlined data with cytoscape, colours every species
// by its value at the slider's time over its value at the start of the selected run, and shows a
// clicked species' time course with uPlot. Runs offline: everything it needs is in the page.
(function () {
  'use strict';

  const marks = { script_start_ms: performance.now() };
  const data = JSON.parse(document.getElementById('ntsim-data').textContent);
  marks.data_parsed_ms = performance.now();
  const network = data.network;
  const runs = data.runs;
  const axes = data.axes;

  // Values below this (nM) count as zero: a species that starts at zero and rises has no finite
  // fold, and is shown at the top of the scale instead.
  const zero_nm = 1e-6;
  // Colour steps across the scale; a node is restyled only when its step changes.
  const colour_steps = 50;
  // Graphs with more elements than this get cytoscape's cheaper drawing (straight haystack edges,
  // no arrows, edges hidden while panning).
  const large_graph = 2500;
  const no_data_colour = '#d9d9d9';

  const state = { run: 0, timeIndex: 0, limit: 2, playing: false, timer: null, selected: null, chart: null };

  // ---------- helpers ----------
  const unique = (values) => [...new Set(values)];
  const el = (tag, attributes, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  function timeUnit(maxSeconds) {
    if (maxSeconds <= 180) return { name: 's', seconds: 1 };
    if (maxSeconds <= 3 * 3600) return { name: 'min', seconds: 60 };
    if (maxSeconds <= 4 * 86400) return { name: 'h', seconds: 3600 };
    return { name: 'd', seconds: 86400 };
  }

  function formatNumber(v) {
    if (v === null || v === undefined || !isFinite(v)) return 'n/a';
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
    return String(Number(v.toPrecision(3)));
  }

  // Blue - light grey - red, as in the SVG heat maps (ColorBrewer RdBu ends).
  const blue = [33, 102, 172], middle = [247, 247, 247], red = [178, 24, 43];
  const palette = [];
  for (let q = -colour_steps; q <= colour_steps; ++q) {
    const f = q / colour_steps;
    const end = f < 0 ? blue : red;
    const a = Math.abs(f);
    const rgb = middle.map((m, i) => Math.round(m + (end[i] - m) * a));
    const luminance = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    palette.push({ fill: `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`, text: luminance < 140 ? '#ffffff' : '#111111' });
  }
  const noData = { fill: no_data_colour, text: '#333333' };

  // log2(value / value at t = 0) of species `s` in run `run` at sample k (NaN without data).
  function foldLog2(run, s, k) {
    if (!run.v || s < 0 || !run.v[s]) return NaN;
    const v = run.v[s][k], b = run.v[s][0];
    if (v === null || b === null || v === undefined) return NaN;
    if (Math.abs(b) < zero_nm) return Math.abs(v) < zero_nm ? 0 : (v > 0 ? Infinity : -Infinity);
    const ratio = v / b;
    return ratio > 0 ? Math.log2(ratio) : -Infinity;
  }

  function step(log2fold) {
    if (isNaN(log2fold)) return null;
    const f = Math.max(-1, Math.min(1, log2fold / state.limit));
    return Math.round(f * colour_steps);
  }

  // ---------- run selection ----------
  const columnValues = axes.map((_, c) => unique(runs.map((r) => r.labels[c])));
  const compoundColumn = axes.indexOf('compound');
  const regionColumn = axes.indexOf('region');
  function routeFollowsCompound() {
    const c = axes.indexOf('route');
    if (c < 0 || compoundColumn < 0) return true;
    const seen = new Map();
    for (const r of runs) {
      const k = r.labels[compoundColumn];
      if (seen.has(k) && seen.get(k) !== r.labels[c]) return false;
      seen.set(k, r.labels[c]);
    }
    return true;
  }
  const shownColumns = axes.map((name, c) => columnValues[c].length > 1 && !(name === 'route' && routeFollowsCompound()));

  function labelText(column, value) {
    if (column === 'dose_mg_per_kg') return `${value} mg/kg`;
    if (column === 'route' && value === '') return 'none';
    return value;
  }

  function describeRun(index) {
    const r = runs[index];
    const parts = axes.map((name, c) => (shownColumns[c] || name === 'region' || name === 'compound') ? labelText(name, r.labels[c]) : null)
      .filter((p) => p !== null && p !== '');
    return `run ${index}: ${parts.join(', ')}`;
  }

  const selects = [];
  function buildAxisControls() {
    const box = document.getElementById('axis-controls');
    axes.forEach((name, c) => {
      if (!shownColumns[c]) return;
      const label = el('label', { class: 'control' }, name === 'dose_mg_per_kg' ? 'dose' : name);
      const select = el('select', { id: `axis-${name}`, 'data-axis': name });
      for (const v of columnValues[c]) select.appendChild(el('option', { value: v }, labelText(name, v)));
      select.addEventListener('change', () => chooseRun(c, select.value));
      label.appendChild(select);
      box.appendChild(label);
      selects[c] = select;
    });
  }

  // The run with `value` in `column` that agrees with the current run on the most other columns.
  function chooseRun(column, value) {
    const current = runs[state.run].labels;
    let best = -1, bestScore = -1;
    runs.forEach((r, i) => {
      if (r.labels[column] !== value) return;
      let score = 0;
      r.labels.forEach((l, c) => { if (c !== column && l === current[c]) score += 2; });
      if (r.ok && r.t) score += 1;
      if (score > bestScore) { best = i; bestScore = score; }
    });
    if (best >= 0) setRun(best);
  }

  function initialRun() {
    // A treated run that has data, so the first view shows something happening.
    const treated = runs.findIndex((r) => r.ok && r.t && (compoundColumn < 0 || r.labels[compoundColumn] !== 'vehicle'));
    if (treated >= 0) return treated;
    const any = runs.findIndex((r) => r.t);
    return any >= 0 ? any : 0;
  }

  // ---------- graph ----------
  const nodes = network.nodes;
  const large = nodes.length + network.edges.length > large_graph;
  const species = [];           // {node, ele, q}
  const nodeIndexById = new Map();
  nodes.forEach((n, i) => nodeIndexById.set(n.id, i));

  function elements() {
    const firstRun = runs[initialRun()];
    const out = [];
    // Module boxes are plain nodes drawn beneath everything, not cytoscape compound nodes: those
    // re-measure their children on every change and made a 1000-species page several times slower.
    network.modules.forEach((m, i) => {
      out.push({ group: 'nodes', data: { id: `module box ${i}`, label: m.label, w: m.x1 - m.x0, h: m.y1 - m.y0 },
        position: { x: (m.x0 + m.x1) / 2, y: (m.y0 + m.y1) / 2 }, classes: m.compound ? 'module compound-module' : 'module',
        selectable: false, grabbable: false });
    });
    nodes.forEach((n) => {
      const d = { id: n.id, kind: n.kind };
      const classes = [n.kind];
      if (n.kind === 'species') {
        d.label = n.id;  // short; Graphviz sized the node for it (the name is in the tooltip and details)
        d.w = Math.max(n.w || 60, 24);
        d.h = Math.max(n.h || 30, 18);
        // Start with the colours of the first run shown at t = 0, so the first recolouring has
        // nothing to change (it dominated the load time of a 3000-species page).
        const q = firstRun.t ? step(foldLog2(firstRun, n.state, 0)) : null;
        const colour = q === null ? noData : palette[q + colour_steps];
        d.c = colour.fill;
        d.tc = colour.text;
        d.q = q;
        if (n.constant) classes.push('constant');
        if (n.driver) classes.push('driver');
        if (n.compound) classes.push('compound');
      } else if (n.targeted) {
        classes.push('targeted');
      }
      out.push({ group: 'nodes', data: d, position: { x: n.x, y: n.y }, classes: classes.join(' ') });
    });
    network.edges.forEach((e, i) => {
      const classes = [e.role];
      if (e.effect) classes.push('effect');
      out.push({ group: 'edges', data: { id: `edge ${i}`, source: nodes[e.s].id, target: nodes[e.t].id, effect: e.effect || '' },
        classes: classes.join(' ') });
    });
    return out;
  }

  function graphStyle() {
    const edgeCurve = large ? 'haystack' : 'bezier';
    const s = [
      { selector: 'node', style: { 'label': '', 'font-family': 'DejaVu Sans, Helvetica, Arial, sans-serif' } },
      { selector: 'node.species', style: {
        'shape': 'ellipse', 'width': 'data(w)', 'height': 'data(h)', 'background-color': 'data(c)', 'color': 'data(tc)',
        'label': 'data(label)', 'text-valign': 'center', 'text-halign': 'center', 'font-size': 11, 'min-zoomed-font-size': 6,
        'border-width': 1, 'border-color': '#4d4d4d' } },
      { selector: 'node.constant', style: { 'border-style': 'double', 'border-width': 4 } },
      { selector: 'node.driver', style: { 'border-color': '#d55e00', 'border-width': 4 } },
      { selector: 'node.reaction', style: { 'shape': 'rectangle', 'width': 8, 'height': 8, 'background-color': '#4d4d4d',
        'font-size': 10, 'min-zoomed-font-size': 8, 'text-valign': 'top', 'color': '#333' } },
      { selector: 'node.reaction.targeted', style: { 'background-color': '#d55e00', 'width': 12, 'height': 12 } },
      { selector: 'node.reaction:selected', style: { 'label': 'data(id)' } },
      { selector: 'node.module', style: {
        'shape': 'round-rectangle', 'width': 'data(w)', 'height': 'data(h)', 'background-color': '#eef0f4',
        'background-opacity': 0.55, 'border-width': 1, 'border-color': '#b8bcc6', 'label': 'data(label)',
        'text-valign': 'top', 'text-halign': 'center', 'text-margin-y': -3, 'font-size': 20, 'color': '#555',
        'min-zoomed-font-size': 5, 'z-compound-depth': 'bottom', 'events': 'no' } },
      { selector: 'node.compound-module', style: { 'background-color': '#fff1e6', 'border-color': '#d55e00', 'color': '#a04000' } },
      { selector: 'node.species:selected', style: { 'border-width': 5, 'border-color': '#111111', 'overlay-opacity': 0 } },
      { selector: 'edge', style: { 'width': 1.3, 'line-color': '#8a8f99', 'curve-style': edgeCurve } },
      { selector: 'edge.enzyme', style: { 'line-style': 'dashed', 'line-color': '#4d4d4d' } },
      { selector: 'edge.activator', style: { 'line-style': 'dashed', 'line-color': '#1b7837' } },
      { selector: 'edge.inhibitor', style: { 'line-style': 'dashed', 'line-color': '#b2182b' } },
      { selector: 'edge.effect', style: { 'line-style': 'solid', 'width': 3, 'line-color': '#d55e00' } },
    ];
    if (!large) {
      s.push(
        { selector: 'edge', style: { 'arrow-scale': 0.9 } },
        { selector: 'edge.product', style: { 'target-arrow-shape': 'triangle', 'target-arrow-color': '#8a8f99' } },
        { selector: 'edge.enzyme', style: { 'target-arrow-shape': 'circle', 'target-arrow-fill': 'hollow', 'target-arrow-color': '#4d4d4d' } },
        { selector: 'edge.activator', style: { 'target-arrow-shape': 'triangle', 'target-arrow-fill': 'hollow', 'target-arrow-color': '#1b7837' } },
        { selector: 'edge.inhibitor', style: { 'target-arrow-shape': 'tee', 'target-arrow-color': '#b2182b' } },
        { selector: 'edge.effect', style: { 'target-arrow-color': '#d55e00' } },
      );
    }
    return s;
  }

  // Controls first: they set the header's height, and so the size cytoscape measures for the graph.
  buildAxisControls();

  const cy = cytoscape({
    container: document.getElementById('graph'),
    elements: elements(),
    style: graphStyle(),
    layout: { name: 'preset', fit: true, padding: 24 },
    minZoom: 0.02,
    maxZoom: 6,
    boxSelectionEnabled: false,
    autoungrabify: large,
    pixelRatio: large ? 1 : 'auto',
    hideEdgesOnViewport: large,
    textureOnViewport: large,
    motionBlur: false,
  });

  marks.graph_created_ms = performance.now();
  nodes.forEach((n) => {
    if (n.kind === 'species') {
      const ele = cy.getElementById(n.id);
      species.push({ node: n, ele, q: ele.data('q') });
    }
  });

  // ---------- colouring ----------
  function recolour() {
    const run = runs[state.run];
    const k = state.timeIndex;
    cy.batch(() => {
      for (const item of species) {
        const q = run.t ? step(foldLog2(run, item.node.state, k)) : null;
        if (q === item.q) continue;
        item.q = q;
        const colour = q === null ? noData : palette[q + colour_steps];
        item.ele.data({ c: colour.fill, tc: colour.text });
      }
    });
  }

  function drawLegend() {
    const stops = [];
    for (let q = -colour_steps; q <= colour_steps; q += 10) stops.push(palette[q + colour_steps].fill);
    document.getElementById('legend-bar').style.background = `linear-gradient(to right, ${stops.join(', ')})`;
    const ticks = document.getElementById('legend-ticks');
    ticks.textContent = '';
    const l = state.limit;
    const half = formatNumber(2 ** (l / 2)), full = formatNumber(2 ** l);
    const labels = [`\u00d71/${full} or less`, `\u00d71/${half}`, '\u00d71', `\u00d7${half}`, `\u00d7${full} or more`];
    for (const t of labels) ticks.appendChild(el('span', {}, t));
  }

  // ---------- time ----------
  const slider = document.getElementById('time');
  const timeLabel = document.getElementById('time-label');

  function currentTimes() { return runs[state.run].t || [0]; }

  function showTime() {
    const times = currentTimes();
    const unit = timeUnit(times[times.length - 1]);
    const t = times[state.timeIndex];
    timeLabel.textContent = `t = ${formatNumber(t / unit.seconds)} ${unit.name} of ${formatNumber(times[times.length - 1] / unit.seconds)} ${unit.name}`;
  }

  function setTimeIndex(k) {
    const times = currentTimes();
    state.timeIndex = Math.max(0, Math.min(times.length - 1, k));
    slider.value = String(state.timeIndex);
    showTime();
    recolour();
    if (state.chart) state.chart.redraw(false);
  }

  function setRun(index) {
    const previousTimes = currentTimes();
    const previousTime = previousTimes[Math.min(state.timeIndex, previousTimes.length - 1)];
    state.run = index;
    const times = currentTimes();
    let k = 0;
    for (let i = 0; i < times.length; ++i) if (Math.abs(times[i] - previousTime) < Math.abs(times[k] - previousTime)) k = i;
    slider.max = String(times.length - 1);
    runs[index].labels.forEach((v, c) => { if (selects[c]) selects[c].value = v; });
    const status = document.getElementById('run-status');
    const run = runs[index];
    status.className = run.ok && run.t ? '' : 'failed';
    status.textContent = describeRun(index) + (run.ok ? '' : ` \u2014 failed: ${run.message || 'no message'}`) + (run.t ? '' : ' \u2014 no states');
    setTimeIndex(k);
    if (state.selected) showDetails(state.selected);
  }

  function play() {
    const times = currentTimes();
    if (state.timeIndex >= times.length - 1) setTimeIndex(0);
    state.playing = true;
    const button = document.getElementById('play');
    button.innerHTML = '&#10074;&#10074;';
    button.setAttribute('aria-label', 'pause');
    const interval = Math.max(40, Math.min(250, 10000 / times.length));  // a whole run in about 10 s
    state.timer = setInterval(() => {
      if (state.timeIndex >= currentTimes().length - 1) { pause(); return; }
      setTimeIndex(state.timeIndex + 1);
    }, interval);
  }

  function pause() {
    state.playing = false;
    clearInterval(state.timer);
    const button = document.getElementById('play');
    button.innerHTML = '&#9654;';
    button.setAttribute('aria-label', 'play');
  }

  // ---------- details: a species' time course ----------
  function sameGrid(a, b) { return a && b && a.length === b.length && a.every((t, i) => t === b[i]); }

  function showDetails(id) {
    state.selected = id;
    const n = nodes[nodeIndexById.get(id)];
    const title = document.getElementById('details-title');
    const text = document.getElementById('details-text');
    const chartBox = document.getElementById('chart');
    if (state.chart) { state.chart.destroy(); state.chart = null; }
    chartBox.textContent = '';
    if (n.kind === 'reaction') {
      title.textContent = `reaction ${n.id}`;
      const ele = cy.getElementById(id);
      const names = (edges) => edges.map((e) => e.data('source') === id ? e.data('target') : e.data('source'));
      const into = ele.incomers('edge'), out = ele.outgoers('edge');
      const reactants = names(into.filter('.reactant')), modifiers = names(into.not('.reactant'));
      text.textContent = `${reactants.join(' + ') || '\u2205'} \u2192 ${names(out).join(' + ') || '\u2205'}` +
        (modifiers.length ? `; modified by ${unique(modifiers).join(', ')}` : '') + ` (module ${n.module})`;
      return;
    }
    title.textContent = n.name && n.name !== n.id ? `${n.name} (${n.id})` : n.id;
    const run = runs[state.run];
    if (!run.t || n.state < 0) {
      text.textContent = n.state < 0 ? 'This species has no recorded states (it is not a state variable of the sweep).'
        : 'This run has no states (it failed).';
      return;
    }
    const unit = timeUnit(run.t[run.t.length - 1]);
    const x = run.t.map((t) => t / unit.seconds);
    const series = [{ label: describeRun(state.run).replace(/^run \d+: /, ''), values: run.v[n.state], stroke: '#0072b2', width: 2.5 }];
    if (run.vehicle !== undefined && runs[run.vehicle].t && sameGrid(runs[run.vehicle].t, run.t))
      series.push({ label: 'vehicle', values: runs[run.vehicle].v[n.state], stroke: '#555555', width: 2, dash: [7, 5] });
    if (regionColumn >= 0 && document.getElementById('compare-regions').checked) {
      const colours = ['#d55e00', '#009e73', '#cc79a7', '#e69f00'];
      runs.forEach((other, i) => {
        if (i === state.run || !other.t || !sameGrid(other.t, run.t)) return;
        const differsOnlyInRegion = other.labels.every((l, c) => c === regionColumn ? l !== run.labels[c] : l === run.labels[c]);
        if (differsOnlyInRegion) series.push({ label: `same in ${other.labels[regionColumn]}`, values: other.v[n.state],
          stroke: colours[(series.length - 1) % colours.length], width: 2 });
      });
    }
    text.textContent = `module ${n.module}, compartment ${n.compartment}; value in nM over time. ` +
      `Start ${formatNumber(run.v[n.state][0])} nM, now ${formatNumber(run.v[n.state][state.timeIndex])} nM.`;
    const width = Math.max(260, chartBox.clientWidth || 400);
    state.chart = new uPlot({
      width, height: 260,
      scales: { x: { time: false } },
      axes: [{ label: `time (${unit.name})`, size: 40 }, { label: 'nM', size: 60, values: (u, v) => v.map(formatNumber) }],
      series: [{ label: `t (${unit.name})`, value: (u, v) => formatNumber(v) }].concat(series.map((s) => ({
        label: s.label, stroke: s.stroke, width: s.width, dash: s.dash, points: { show: false },
        value: (u, v) => formatNumber(v) }))),
      legend: { show: true, live: false },
      hooks: {
        draw: [(u) => {
          const t = x[Math.min(state.timeIndex, x.length - 1)];
          const px = u.valToPos(t, 'x', true);
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#d55e00';
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.beginPath();
          ctx.moveTo(px, u.bbox.top);
          ctx.lineTo(px, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        }],
      },
    }, [x].concat(series.map((s) => s.values.map((v) => (v === null ? null : v)))), chartBox);
  }

  // ---------- expectations ----------
  function listExpectations() {
    const list = document.getElementById('expectation-list');
    const held = data.expectations.filter((e) => e.held).length;
    document.getElementById('expectations-title').textContent =
      data.expectations.length ? `Expectations: ${held} of ${data.expectations.length} held` : 'Expectations: none in this scenario';
    for (const e of data.expectations) {
      const li = el('li', { class: e.held ? 'held' : 'failed', 'data-id': e.id });
      li.appendChild(el('span', { class: `badge ${e.held ? 'held' : 'failed'}` }, e.held ? 'held' : 'FAILED'));
      li.appendChild(el('span', { class: 'expectation-id' }, e.id));
      li.appendChild(el('div', {}, e.claim));
      li.appendChild(el('div', { class: 'expectation-detail' },
        `measured ${formatNumber(e.measured)} ${e.op} ${formatNumber(e.compared_with)}; ${e.detail}`));
      li.appendChild(el('div', { class: 'expectation-detail' }, `source: ${e.source}`));
      list.appendChild(li);
    }
  }

  // ---------- wiring ----------
  listExpectations();
  drawLegend();
  const datalist = document.getElementById('species-list');
  for (const n of nodes) if (n.kind === 'species') datalist.appendChild(el('option', { value: n.id }, n.name !== n.id ? n.name : ''));

  slider.addEventListener('input', () => { if (state.playing) pause(); setTimeIndex(Number(slider.value)); });
  document.getElementById('play').addEventListener('click', () => (state.playing ? pause() : play()));
  document.getElementById('range').addEventListener('change', (ev) => {
    state.limit = Number(ev.target.value);
    for (const item of species) item.q = undefined;
    drawLegend();
    recolour();
  });
  document.getElementById('compare-regions').addEventListener('change', () => { if (state.selected) showDetails(state.selected); });
  document.getElementById('search').addEventListener('change', (ev) => {
    const text = ev.target.value.trim().toLowerCase();
    const n = nodes.find((m) => m.kind === 'species' && (m.id.toLowerCase() === text || (m.name || '').toLowerCase() === text));
    if (!n) return;
    const ele = cy.getElementById(n.id);
    cy.elements().unselect();
    ele.select();
    cy.animate({ center: { eles: ele }, zoom: Math.max(cy.zoom(), 1.5) }, { duration: 300 });
    showDetails(n.id);
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== ' ' || ['INPUT', 'SELECT', 'BUTTON'].includes(document.activeElement.tagName)) return;
    ev.preventDefault();
    state.playing ? pause() : play();
  });
  cy.on('tap', 'node.species, node.reaction', (ev) => showDetails(ev.target.id()));
  const tooltip = document.getElementById('tooltip');
  cy.on('mouseover', 'node.species, node.reaction', (ev) => {
    const n = nodes[nodeIndexById.get(ev.target.id())];
    let text = n.kind === 'reaction' ? `reaction ${n.id}` : (n.name && n.name !== n.id ? `${n.id}: ${n.name}` : n.id);
    if (n.kind === 'species' && runs[state.run].t && n.state >= 0) {
      const run = runs[state.run];
      text += ` \u2014 ${formatNumber(run.v[n.state][state.timeIndex])} nM, \u00d7${formatNumber(Math.pow(2, foldLog2(run, n.state, state.timeIndex)))}`;
    }
    const edgeEffect = n.kind === 'reaction' ? ev.target.incomers('edge.effect').map((e) => e.data('effect')) : [];
    if (edgeEffect.length) text += ` (${edgeEffect.join('; ')})`;
    tooltip.textContent = text;
    const p = ev.renderedPosition;
    tooltip.style.left = `${p.x + 14}px`;
    tooltip.style.top = `${p.y + 14}px`;
    tooltip.hidden = false;
  });
  cy.on('mouseout', 'node', () => { tooltip.hidden = true; });

  document.getElementById('title').textContent = `ntsim report: ${data.scenario}`;
  document.getElementById('title').title = `scenario file ${data.scenario_file}; ntsim ${data.ntsim_version}`;
  document.title = `ntsim report: ${data.scenario}`;
  setRun(initialRun());

  // Hooks for people exploring from the console and for the browser test.
  const api = {
    cy,
    ready: false,
    loadMs: null,
    run: () => state.run,
    timeIndex: () => state.timeIndex,
    times: () => currentTimes().slice(),
    setRun,
    setTimeIndex,
    fold: (id) => {
      const n = nodes[nodeIndexById.get(id)];
      return Math.pow(2, foldLog2(runs[state.run], n.state, state.timeIndex));
    },
    colour: (id) => cy.getElementById(id).style('background-color'),
    chart: () => state.chart,
    speciesCount: () => species.length,
    marks,
  };
  window.ntsimReport = api;
  cy.ready(() => requestAnimationFrame(() => requestAnimationFrame(() => {
    cy.resize();
    cy.fit(undefined, 24);
    api.loadMs = performance.now();
    marks.first_frame_ms = api.loadMs;
    api.ready = true;
    document.body.dataset.ready = 'true';
  })));
})();
