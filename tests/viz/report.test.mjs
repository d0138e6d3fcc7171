// Browser test of the interactive report (run by ctest): opens the page in Debian's headless
// Chromium through playwright-core and checks, against the sweep's own tables and model files
// (read here independently of the page's code), that
//   - the page loads offline without console errors or network requests,
//   - the graph shows every species of the model,
//   - moving the time slider changes the colour of a species whose value changes,
//   - switching region changes it too, to the colour of that region's value,
//   - clicking a species draws its time course;
// saves screenshots, and measures the load time (and, for large models, the slider's redraw time).
//
// node report.test.mjs --report R.html --results DIR --model M.json [--model C.json ...]
//   --node-modules DIR --screenshots DIR [--name toy] [--timing FILE] [--max-load-ms 30000]
// Without --model, the model files are those the sweep's manifest.json lists, relative to
// --manifest-base (the directory the sweep ran in; default: the current one).
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// ---------- arguments ----------
const options = { model: [] };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  const value = process.argv[i + 1];
  if (key === 'model') options.model.push(value);
  else options[key] = value;
}
for (const required of ['report', 'results', 'node-modules', 'screenshots']) {
  if (!options[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}
const name = options.name || 'report';
const maxLoadMs = Number(options['max-load-ms'] || 30000);
mkdirSync(options.screenshots, { recursive: true });
const require = createRequire(join(resolve(options['node-modules']), 'noop.js'));
const { chromium } = require('playwright-core');

let failures = 0;
function check(condition, message) {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${message}`);
  if (!condition) failures += 1;
}

// ---------- expectations from the files, not from the page ----------
// RFC 4180 rows (the sweep quotes fields with commas).
function readCsv(file) {
  const text = readFileSync(file, 'utf8');
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return { header: rows[0], rows: rows.slice(1) };
}

// Species ids of a model file and its includes.
function modelSpecies(file, seen = new Set()) {
  const path = resolve(file);
  if (seen.has(path)) return [];
  seen.add(path);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const ids = [];
  for (const inc of json.include || []) ids.push(...modelSpecies(join(dirname(path), inc), seen));
  for (const s of json.species || []) ids.push(s.id);
  return ids;
}

if (options.model.length === 0) {
  const manifest = JSON.parse(readFileSync(join(options.results, 'manifest.json'), 'utf8'));
  options.model = manifest.model_files.map((f) => resolve(options['manifest-base'] || '.', f.file));
}
const expectedSpecies = [...new Set(options.model.flatMap((m) => modelSpecies(m)))].sort();
const runsCsv = readCsv(join(options.results, 'runs.csv'));
const axisColumns = runsCsv.header.slice(1, runsCsv.header.indexOf('vehicle_run'));
const runs = runsCsv.rows.map((r) => ({ index: Number(r[0]), labels: r.slice(1, 1 + axisColumns.length) }));
const regionAt = axisColumns.indexOf('region'), compoundAt = axisColumns.indexOf('compound');

// states[run][species] = values over time, as the sweep wrote them.
const statesCsv = readCsv(join(options.results, 'states.csv'));
const sCol = statesCsv.header.indexOf('species'), vCol = statesCsv.header.indexOf('value_nM');
const states = runs.map(() => new Map());
for (const r of statesCsv.rows) {
  const run = states[Number(r[0])];
  if (!run.has(r[sCol])) run.set(r[sCol], []);
  run.get(r[sCol]).push(Number(r[vCol]));
}

// The page's colour step (report.js): log2 fold over t = 0, clamped to +-2, in 50 steps a side.
const zeroNm = 1e-6;
function fold(values, k) {
  const b = values[0], v = values[k];
  if (Math.abs(b) < zeroNm) return Math.abs(v) < zeroNm ? 1 : Infinity;
  return v / b;
}
const step = (f) => Math.round(Math.max(-1, Math.min(1, Math.log2(f) / 2)) * 50);

// A treated run A in the first region, its twin B in another region (same other labels), a
// species and a time where A's colour differs from its start and from B's: the test's target.
function chooseTarget() {
  let best = null;
  for (const a of runs) {
    if (compoundAt >= 0 && a.labels[compoundAt] === 'vehicle') continue;
    if (regionAt >= 0 && a.labels[regionAt] !== runs[0].labels[regionAt]) continue;
    const b = runs.find((o) => o !== a && a.labels.every((l, c) => (c === regionAt ? l !== o.labels[c] : l === o.labels[c])));
    if (!b) continue;
    for (const [species, va] of states[a.index]) {
      const vb = states[b.index].get(species);
      if (!vb) continue;
      for (let k = 1; k < va.length && k < vb.length; ++k) {
        const sa = step(fold(va, k)), sb = step(fold(vb, k));
        const score = Math.min(Math.abs(sa - step(fold(va, 0))), Math.abs(sa - sb));
        if (!best || score > best.score) best = { a, b, species, k, score, foldA: fold(va, k), foldB: fold(vb, k) };
      }
    }
  }
  return best;
}

const target = chooseTarget();
if (!target || target.score < 3) {
  console.error('no species in these results changes clearly over time and between regions; cannot test colours');
  process.exit(1);
}
console.log(`target: species ${target.species}, runs ${target.a.index} and ${target.b.index}, sample ${target.k} ` +
  `(fold ${target.foldA.toPrecision(4)} vs ${target.foldB.toPrecision(4)})`);

// ---------- the browser ----------
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // Chromium's own network traffic is refused on this machine's closed network; these flags keep it quiet.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
const consoleErrors = [], requests = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(e.message));
page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
const shot = async (what) => page.screenshot({ path: join(options.screenshots, `${name}-${what}.png`) });

try {
  const started = Date.now();
  await page.goto(pathToFileURL(resolve(options.report)).href);
  await page.waitForFunction(() => window.ntsimReport && window.ntsimReport.ready, null, { timeout: maxLoadMs * 2 });
  const wallMs = Date.now() - started;
  const loadMs = await page.evaluate(() => window.ntsimReport.loadMs);
  const marks = await page.evaluate(() => window.ntsimReport.marks);
  const counts = await page.evaluate(() => ({ nodes: window.ntsimReport.cy.nodes().length, edges: window.ntsimReport.cy.edges().length }));
  console.log(`load: ${loadMs.toFixed(0)} ms from navigation to first drawn frame (${wallMs} ms wall clock), ` +
    `${expectedSpecies.length} species, ${counts.nodes} nodes, ${counts.edges} edges; ${JSON.stringify(marks)}`);
  check(loadMs < maxLoadMs, `page ready in ${loadMs.toFixed(0)} ms (limit ${maxLoadMs} ms)`);
  await shot('loaded');

  // Every species of the model is a visible node inside the graph's area after fitting.
  const shown = await page.evaluate(() => {
    const cy = window.ntsimReport.cy;
    cy.fit(undefined, 10);
    const w = cy.width(), h = cy.height();
    return cy.nodes('.species').map((n) => {
      const b = n.renderedBoundingBox();
      return { id: n.id(), visible: n.visible() && n.style('opacity') > 0, inside: b.x1 >= -1 && b.y1 >= -1 && b.x2 <= w + 1 && b.y2 <= h + 1 };
    });
  });
  const shownIds = shown.map((s) => s.id).sort();
  check(JSON.stringify(shownIds) === JSON.stringify(expectedSpecies),
    `graph has a node for each of the model's ${expectedSpecies.length} species (found ${shownIds.length})`);
  const hidden = shown.filter((s) => !s.visible || !s.inside).map((s) => s.id);
  check(hidden.length === 0, `every species node is visible inside the graph area${hidden.length ? `; not: ${hidden.slice(0, 5).join(', ')}` : ''}`);

  // Select run A through the page's own controls.
  for (let c = 0; c < axisColumns.length; ++c) {
    const select = page.locator(`select[data-axis="${axisColumns[c]}"]`);
    if (await select.count()) await select.selectOption(target.a.labels[c]);
  }
  check(await page.evaluate(() => window.ntsimReport.run()) === target.a.index, `controls select run ${target.a.index}`);

  const colour = () => page.evaluate((id) => window.ntsimReport.colour(id), target.species);
  const shownFold = () => page.evaluate((id) => window.ntsimReport.fold(id), target.species);
  await page.locator('#time').fill('0');
  const colourAtStart = await colour();
  await page.locator('#time').fill(String(target.k));
  await page.waitForTimeout(100);
  const colourLater = await colour();
  check(colourLater !== colourAtStart, `slider: ${target.species} changes colour from ${colourAtStart} to ${colourLater}`);
  const foldA = await shownFold();
  check(Math.abs(foldA / target.foldA - 1) < 2e-3, `slider: fold shown ${foldA.toPrecision(4)} matches states.csv ${target.foldA.toPrecision(4)}`);
  const redder = (c) => { const [r, , b] = c.match(/\d+/g).map(Number); return r - b; };
  check(Math.sign(redder(colourLater)) === Math.sign(Math.log2(target.foldA)) || Math.abs(Math.log2(target.foldA)) < 0.05,
    `slider: colour is ${target.foldA > 1 ? 'red for a rise' : 'blue for a fall'}`);
  await shot('slider');

  if (regionAt >= 0) {
    await page.locator('select[data-axis="region"]').selectOption(target.b.labels[regionAt]);
    check(await page.evaluate(() => window.ntsimReport.run()) === target.b.index, `region switch shows run ${target.b.index}`);
    check(await page.evaluate(() => window.ntsimReport.timeIndex()) === target.k, 'region switch keeps the time');
    const colourOther = await colour();
    check(colourOther !== colourLater, `region: ${target.species} changes colour from ${colourLater} to ${colourOther}`);
    const foldB = await shownFold();
    check(Math.abs(foldB / target.foldB - 1) < 2e-3, `region: fold shown ${foldB.toPrecision(4)} matches states.csv ${target.foldB.toPrecision(4)}`);
    await shot('region');
  }

  // A real click on the node's position draws its time course.
  const at = await page.evaluate((id) => {
    const cy = window.ntsimReport.cy;
    const node = cy.getElementById(id);
    cy.zoom({ level: Math.max(cy.zoom(), 1), renderedPosition: node.renderedPosition() });
    cy.center(node);
    const p = node.renderedPosition(), box = cy.container().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, target.species);
  await page.waitForTimeout(100);
  await page.mouse.click(at.x, at.y);
  await page.waitForSelector('#chart .uplot', { timeout: 5000 });
  const chart = await page.evaluate(() => {
    const u = window.ntsimReport.chart();
    const canvas = document.querySelector('#chart canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && !(pixels[i] > 240 && pixels[i + 1] > 240 && pixels[i + 2] > 240)) ++coloured;
    return { series: u.series.length - 1, points: u.data[1].length, title: document.getElementById('details-title').textContent, coloured };
  });
  const samples = states[target.b.index].get(target.species).length;
  check(chart.title.includes(target.species), `click: details show ${target.species} ("${chart.title}")`);
  check(chart.series >= 1 && chart.points === samples, `click: time course with ${chart.points} points (states.csv has ${samples}), ${chart.series} series`);
  check(chart.coloured > 500, `click: the chart canvas is drawn on (${chart.coloured} coloured pixels)`);
  await shot('time-course');

  // Redraw time of one slider step, after the page's recolouring and two frames.
  const stepMs = await page.evaluate(async (k) => {
    const t = performance.now();
    window.ntsimReport.setTimeIndex(k);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t;
  }, Math.max(0, target.k - 1));
  console.log(`slider step redraw: ${stepMs.toFixed(0)} ms`);

  await page.locator('#play').click();
  await page.waitForTimeout(400);
  const playing = await page.evaluate(() => window.ntsimReport.timeIndex());
  await page.locator('#play').click();
  check(playing !== Math.max(0, target.k - 1), 'play advances the time');

  check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? `: ${consoleErrors.slice(0, 3).join(' | ')}` : ''}`);
  check(requests.length === 0, `no network requests (offline page)${requests.length ? `: ${requests.slice(0, 3).join(', ')}` : ''}`);

  if (options.timing) {
    writeFileSync(options.timing, JSON.stringify({ name, species: expectedSpecies.length, nodes: counts.nodes, edges: counts.edges,
      load_ms: Math.round(loadMs), wall_ms: wallMs, slider_step_ms: Math.round(stepMs), marks }, null, 1) + '\n');
  }
} catch (e) {
  await shot('error').catch(() => {});
  console.error(e);
  failures += 1;
} finally {
  await browser.close();
}
console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
