// The BatchNorm playground: the colab's picture, drawn from the service's public HTTP API only
// (create session, forward, updates list/apply/discard, variables). Plain SVG, no dependencies.

const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Points kept per layer (inputs, outputs); a run that would pass it is refused up front. */
const MAX_POINTS = 100000;
/** Playground sessions expire after an hour without use. */
const SESSION_TTL_SECONDS = 3600;
/** How often the numbers are re-read from the service while a run goes on. */
const REFRESH_MS = 300;
/** How often new points are added to the picture while a run goes on. */
const FLUSH_MS = 250;

// ---------------------------------------------------------------- presets: the colab's scenarios

const DEFAULTS = {
  decayRate: 0.999, eps: 0.001, dtype: 'float32', offset: true, scale: false,
  updatesMode: 'collection', collection: 'update_ops',
  initMean: [0, 0], initVar: [1, 1], beta: [0, 0], gamma: [1, 1],
  isTraining: true, testLocalStats: true, applyUpdates: false,
  distribution: 'gaussian', mean: [10, 10], std: [1, 2], correlation: 0,
  batchSize: 10, forwards: 1000, seed: 2017, radiusRule: 'std',
};

const PRESETS = [
  {
    id: 'default-training', label: 'Default mode (training)',
    code: 'bn = snt.BatchNorm()\noutputs = bn(inputs, is_training=True)',
    changes: {},
    note: 'Outputs are normalized with each batch\'s mean and variance (the blue isotropic cloud). Every forward '
      + 'creates two update ops that stay pending in "update_ops", so the moving statistics keep their initial '
      + 'values: the green circle stays at 0 with radius 1.',
  },
  {
    id: 'in-place', label: 'Update statistics in place',
    code: 'bn = snt.BatchNorm(update_ops_collection=None)\noutputs = bn(inputs, is_training=True)',
    changes: { updatesMode: 'inplace' },
    note: 'Every training forward updates the moving averages itself. After 1000 forwards the ellipse has moved '
      + '1 − 0.999¹⁰⁰⁰ ≈ 63% of the way to the inputs.',
  },
  {
    id: 'control-deps', label: 'Update ops as control dependencies',
    code: 'with tf.control_dependencies([tf.group(*update_ops)]):\n  outputs = tf.identity(outputs)',
    changes: { applyUpdates: true },
    note: 'The ops go to the collection, but each forward applies its own two with it (applyUpdates: true). '
      + 'The numbers are identical to the in-place run.',
  },
  {
    id: 'test-default', label: 'Test time, default',
    code: 'bn = snt.BatchNorm()\noutputs = bn(inputs, is_training=False)',
    changes: { isTraining: false },
    note: 'test_local_stats defaults to True: the outputs are normalized with the batch statistics, no update '
      + 'ops are created, and the moving statistics keep their initial values (mean 0, variance 1).',
  },
  {
    id: 'test-moving', label: 'Test time with moving averages',
    code: 'bn = snt.BatchNorm(initializers={\n    "moving_mean": [[10, 10]], "moving_variance": [[1, 4]]})\n'
      + 'outputs = bn(inputs, is_training=False,\n             test_local_stats=False)',
    changes: { isTraining: false, testLocalStats: false, initMean: [10, 10], initVar: [1, 4] },
    note: 'The moving statistics are initialized to the moments of the input distribution, and the outputs are '
      + 'normalized with them instead of the batch statistics.',
  },
  {
    id: 'then-apply', label: 'Default mode, then run the collection',
    code: 'outputs = bn(inputs, is_training=True)  # ×1000\nsess.run(tf.group(\n    *tf.get_collection(tf.GraphKeys.UPDATE_OPS)))',
    changes: {},
    note: 'Run it as the default mode, then press "Apply pending ops": the 2000 collected ops run in id order '
      + 'and the ellipse lands exactly where the in-place run put it.',
  },
];

// ---------------------------------------------------------------- the service's API

class ApiError extends Error {
  constructor(status, problem) {
    const p = problem || {};
    const pointers = (p.errors || []).map((e) => `${e.pointer}: ${e.message}`).join('; ');
    super(`${status} ${p.code || p.title || 'error'}: ${p.detail || 'the request failed'}${pointers && !String(p.detail).includes(pointers) ? ` (${pointers})` : ''}`);
    this.status = status;
    this.problem = p;
  }
}

async function api(method, path, body, signal) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // with batchnorm.security.mode=api-key every API call needs the tenant's key; it stays in the page only
  const key = document.getElementById('apiKey').value.trim();
  if (key) headers.Authorization = `Bearer ${key}`;
  // relative to the page, so the playground works behind a path prefix too
  const response = await fetch(new URL(path, document.baseURI), {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal,
  });
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = { detail: text.slice(0, 200) }; }
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

const sessionPath = (id, rest = '') => `v1/sessions/${encodeURIComponent(id)}${rest}`;

// ---------------------------------------------------------------- random inputs (seeded)

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws batches from the chosen 2-D distribution; values are rounded to the session's dtype. */
function makeSampler(f) {
  const uniform = mulberry32(f.seed);
  const round = f.dtype === 'float32' ? Math.fround : (v) => v;
  let spare = null;
  const normal = () => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    const u1 = 1 - uniform(); // (0, 1]
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  const rho = f.correlation;
  const sample = f.distribution === 'uniform'
    ? () => [0, 1].map((c) => f.mean[c] + f.std[c] * Math.sqrt(3) * (2 * uniform() - 1))
    : () => {
      const z0 = normal();
      const z1 = normal();
      return [f.mean[0] + f.std[0] * z0, f.mean[1] + f.std[1] * (rho * z0 + Math.sqrt(1 - rho * rho) * z1)];
    };
  return (n) => Array.from({ length: n }, () => sample().map(round));
}

// ---------------------------------------------------------------- the form

const num = (id) => Number($(id).value);
const pair = (prefix) => [num(prefix + '0'), num(prefix + '1')];

function readForm() {
  return {
    decayRate: num('decayRate'), eps: num('eps'), dtype: $('dtype').value,
    offset: $('offset').checked, scale: $('scale').checked,
    inPlace: $('updates-inplace').checked, collection: $('collection').value,
    initMean: pair('initMean'), initVar: pair('initVar'), beta: pair('beta'), gamma: pair('gamma'),
    isTraining: $('isTraining').checked, testLocalStats: $('testLocalStats').checked,
    applyUpdates: $('applyUpdates').checked,
    distribution: $('distribution').value, mean: pair('mean'), std: pair('std'), correlation: num('correlation'),
    batchSize: num('batchSize'), forwards: num('forwards'), seed: num('seed'), radiusRule: $('radiusRule').value,
  };
}

function writeForm(v) {
  $('decayRate').value = v.decayRate;
  $('eps').value = v.eps;
  $('dtype').value = v.dtype;
  $('offset').checked = v.offset;
  $('scale').checked = v.scale;
  $('updates-collection').checked = v.updatesMode === 'collection';
  $('updates-inplace').checked = v.updatesMode === 'inplace';
  $('collection').value = v.collection;
  for (const [prefix, values] of [['initMean', v.initMean], ['initVar', v.initVar], ['beta', v.beta], ['gamma', v.gamma],
    ['mean', v.mean], ['std', v.std]]) {
    $(prefix + '0').value = values[0];
    $(prefix + '1').value = values[1];
  }
  $('isTraining').checked = v.isTraining;
  $('testLocalStats').checked = v.testLocalStats;
  $('applyUpdates').checked = v.applyUpdates;
  $('distribution').value = v.distribution;
  $('correlation').value = v.correlation;
  $('batchSize').value = v.batchSize;
  $('forwards').value = v.forwards;
  $('seed').value = v.seed;
  $('radiusRule').value = v.radiusRule;
  syncControls();
}

/** Enables only what the current choices read, and says in words what a forward will do. */
function syncControls() {
  const training = $('isTraining').checked;
  const inPlace = $('updates-inplace').checked;
  $('testLocalStats').disabled = training;
  $('applyUpdates').disabled = !training || inPlace;
  $('collection').disabled = inPlace;
  for (const c of ['0', '1']) {
    $('beta' + c).disabled = !$('offset').checked;
    $('gamma' + c).disabled = !$('scale').checked;
  }
  $('correlation').disabled = $('distribution').value !== 'gaussian';
  let summary;
  if (training) {
    const where = inPlace ? 'updated in place by each forward'
      : $('applyUpdates').checked ? `two update ops per forward, applied with it (control dependencies)`
        : `two update ops per forward stay pending in "${$('collection').value}"`;
    summary = `Normalized with each batch's statistics; moving averages: ${where}.`;
  } else if ($('testLocalStats').checked) {
    summary = 'Normalized with each batch\'s statistics; no update ops, the moving averages are untouched.';
  } else {
    summary = 'Normalized with the stored moving mean and variance; no update ops.';
  }
  $('mode-summary').textContent = summary;
  const f = readForm();
  $('forwards').setCustomValidity(f.forwards * f.batchSize > MAX_POINTS
    ? `At most ${MAX_POINTS} points per run: forwards × batch size is ${f.forwards * f.batchSize}.` : '');
}

function sessionSpec(f) {
  const initializers = { movingMean: [f.initMean], movingVariance: [f.initVar] };
  if (f.offset) initializers.beta = [f.beta];
  if (f.scale) initializers.gamma = [f.gamma];
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
  return {
    id: `playground-${suffix}`,
    decayRate: f.decayRate, eps: f.eps, dtype: f.dtype, offset: f.offset, scale: f.scale,
    updateOpsCollection: f.inPlace ? null : f.collection,
    initializers, ttlSeconds: SESSION_TTL_SECONDS,
  };
}

// ---------------------------------------------------------------- the picture
// Three stacked layers of one size: an SVG grid at the back, the points on a canvas (tens of
// thousands of translucent dots paint fast there, and new ones are only added), and an SVG on top
// with the frame, tick labels, the moving-statistics ellipse and the legend.

const W = 720;
const H = 600;
const MARGIN = { l: 56, r: 14, t: 14, b: 44 };
const PLOT = { x: MARGIN.l, y: MARGIN.t, w: W - MARGIN.l - MARGIN.r, h: H - MARGIN.t - MARGIN.b };
const POINT_RADIUS = 2.2;

const chart = {
  bounds: null, // the data box that must be visible
  scale: 1, x0: 0, y0: 0, // pixel = (x0 + scale * x, y0 - scale * y): equal aspect, as a Gaussian should look
  inputs: [], outputs: [], // {x, y, batch}, in the order drawn
  queue: [], // points waiting for the next flush
  frame: 0,
  ellipse: null, // {cx, cy, rx, ry} in data units
};

const px = (x) => chart.x0 + chart.scale * x;
const py = (y) => chart.y0 - chart.scale * y;
const r2 = (v) => Math.round(v * 100) / 100;

function svg(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

function fitBounds(b) {
  chart.bounds = b;
  chart.scale = Math.min(PLOT.w / (b.xmax - b.xmin), PLOT.h / (b.ymax - b.ymin));
  chart.x0 = PLOT.x + PLOT.w / 2 - chart.scale * (b.xmin + b.xmax) / 2;
  chart.y0 = PLOT.y + PLOT.h / 2 + chart.scale * (b.ymin + b.ymax) / 2;
  const root = $('chart');
  root.dataset.scale = chart.scale;
  root.dataset.x0 = chart.x0;
  root.dataset.y0 = chart.y0;
}

/** Grows the visible box (with room to spare) so that [x0, x1] × [y0, y1] fits; true when it grew. */
function include(xmin, xmax, ymin, ymax) {
  const b = chart.bounds;
  if (xmin >= b.xmin && xmax <= b.xmax && ymin >= b.ymin && ymax <= b.ymax) return false;
  const pad = 0.1 * Math.max(b.xmax - b.xmin, b.ymax - b.ymin);
  fitBounds({
    xmin: Math.min(b.xmin, xmin - pad), xmax: Math.max(b.xmax, xmax + pad),
    ymin: Math.min(b.ymin, ymin - pad), ymax: Math.max(b.ymax, ymax + pad),
  });
  return true;
}

function niceStep(span) {
  const raw = span / 9;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

function drawAxes() {
  const grid = $('grid');
  const axes = $('axes');
  grid.replaceChildren();
  axes.replaceChildren();
  const xmin = (PLOT.x - chart.x0) / chart.scale;
  const xmax = (PLOT.x + PLOT.w - chart.x0) / chart.scale;
  const ymax = (chart.y0 - PLOT.y) / chart.scale;
  const ymin = (chart.y0 - PLOT.y - PLOT.h) / chart.scale;
  const step = niceStep(Math.max(xmax - xmin, ymax - ymin));
  const label = (v) => String(Number(v.toPrecision(6)));
  for (let v = Math.ceil(xmin / step) * step; v <= xmax; v += step) {
    const x = r2(px(v));
    svg('line', { x1: x, x2: x, y1: PLOT.y, y2: PLOT.y + PLOT.h, class: Math.abs(v) < step / 2 ? 'zero' : '' }, grid);
    svg('text', { x, y: PLOT.y + PLOT.h + 16, 'text-anchor': 'middle' }, axes).textContent = label(v);
  }
  for (let v = Math.ceil(ymin / step) * step; v <= ymax; v += step) {
    const y = r2(py(v));
    svg('line', { x1: PLOT.x, x2: PLOT.x + PLOT.w, y1: y, y2: y, class: Math.abs(v) < step / 2 ? 'zero' : '' }, grid);
    svg('text', { x: PLOT.x - 6, y: y + 4, 'text-anchor': 'end' }, axes).textContent = label(v);
  }
  svg('rect', { x: PLOT.x, y: PLOT.y, width: PLOT.w, height: PLOT.h, class: 'frame' }, axes);
  svg('text', { x: PLOT.x + PLOT.w / 2, y: H - 6, 'text-anchor': 'middle', class: 'axis-title' }, axes).textContent = 'channel 0 (x)';
  svg('text', { x: 14, y: PLOT.y + PLOT.h / 2, 'text-anchor': 'middle', class: 'axis-title',
    transform: `rotate(-90 14 ${PLOT.y + PLOT.h / 2})` }, axes).textContent = 'channel 1 (y)';
  const clip = $('plot-clip-rect');
  clip.setAttribute('x', PLOT.x);
  clip.setAttribute('y', PLOT.y);
  clip.setAttribute('width', PLOT.w);
  clip.setAttribute('height', PLOT.h);
}

function drawLegend() {
  const g = $('legend');
  g.replaceChildren();
  const w = 222;
  const x = PLOT.x + PLOT.w - w - 10;
  const y = PLOT.y + PLOT.h - 84;
  svg('rect', { x, y, width: w, height: 74, rx: 4, class: 'legend-box' }, g);
  const rows = [['pt-in', 'Inputs'], ['pt-out', 'Outputs'], ['stats', 'Moving mean and variance']];
  rows.forEach(([cls, text], i) => {
    const cy = y + 16 + i * 21;
    if (cls === 'stats') svg('ellipse', { cx: x + 16, cy, rx: 9, ry: 6, class: 'stats-ellipse' }, g);
    else svg('circle', { cx: x + 16, cy, r: 4.5, class: `legend-dot ${cls}` }, g);
    svg('text', { x: x + 32, y: cy + 4 }, g).textContent = text;
  });
}

/** True when the canvas no longer matches the device's pixel ratio (resizing it clears it). */
const canvasStale = () => $('points').width !== Math.round(W * (window.devicePixelRatio || 1));

/** The canvas at the device's pixel ratio, in the SVGs' coordinates. */
function pointsContext() {
  const canvas = $('points');
  if (canvasStale()) {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(W * ratio);
    canvas.height = Math.round(H * ratio);
  }
  canvas.dataset.pixelRatio = canvas.width / W;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(canvas.width / W, 0, 0, canvas.width / W, 0, 0);
  return ctx;
}

function paintPoints(ctx, points, colour) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(PLOT.x, PLOT.y, PLOT.w, PLOT.h);
  ctx.clip();
  ctx.fillStyle = colour;
  ctx.globalAlpha = 0.22;
  for (const p of points) {
    ctx.beginPath();
    ctx.arc(px(p.x), py(p.y), POINT_RADIUS, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.restore();
}

const colour = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Repaints every point: after the scale changed. */
function relayout() {
  drawAxes();
  const ctx = pointsContext();
  ctx.clearRect(0, 0, W, H);
  paintPoints(ctx, chart.inputs, colour('--in'));
  paintPoints(ctx, chart.outputs, colour('--out'));
  drawEllipse();
}

function resetChart(f) {
  pointsContext().clearRect(0, 0, W, H);
  chart.inputs = [];
  chart.outputs = [];
  chart.queue = [];
  chart.ellipse = null;
  // the inputs' likely range, the outputs' (around β with spread γ) and the initial moving statistics
  const sx = 4 * f.std[0];
  const sy = 4 * f.std[1];
  const ox = 4 * (f.scale ? Math.abs(f.gamma[0]) : 1);
  const oy = 4 * (f.scale ? Math.abs(f.gamma[1]) : 1);
  const bx = f.offset ? f.beta[0] : 0;
  const by = f.offset ? f.beta[1] : 0;
  const ex = radii(f.initVar, f.radiusRule);
  fitBounds({
    xmin: Math.min(f.mean[0] - sx, bx - ox, f.initMean[0] - ex[0]), xmax: Math.max(f.mean[0] + sx, bx + ox, f.initMean[0] + ex[0]),
    ymin: Math.min(f.mean[1] - sy, by - oy, f.initMean[1] - ex[1]), ymax: Math.max(f.mean[1] + sy, by + oy, f.initMean[1] + ex[1]),
  });
  drawAxes();
  drawLegend();
  updateCounts();
}

/** The colab draws matplotlib's Ellipse(width=variance); one standard deviation is √variance. */
function radii(variance, rule) {
  return rule === 'colab' ? variance.map((v) => v / 2) : variance.map((v) => Math.sqrt(v));
}

function queuePoints(rows, outputs, batch) {
  for (let i = 0; i < rows.length; i++) {
    chart.queue.push(['in', rows[i][0], rows[i][1], batch]);
    chart.queue.push(['out', outputs[i][0], outputs[i][1], batch]);
  }
  // a few paints a second are live enough, and leave the time to the forwards
  if (!chart.frame) chart.frame = setTimeout(flushPoints, FLUSH_MS);
}

function flushPoints() {
  if (chart.frame) clearTimeout(chart.frame);
  chart.frame = 0;
  if (!chart.queue.length) return;
  let xmin = Infinity; let xmax = -Infinity; let ymin = Infinity; let ymax = -Infinity;
  for (const [, x, y] of chart.queue) {
    xmin = Math.min(xmin, x); xmax = Math.max(xmax, x);
    ymin = Math.min(ymin, y); ymax = Math.max(ymax, y);
  }
  const ins = [];
  const outs = [];
  for (const [kind, x, y, batch] of chart.queue) (kind === 'in' ? ins : outs).push({ x, y, batch });
  chart.queue = [];
  chart.inputs.push(...ins);
  chart.outputs.push(...outs);
  if (include(xmin, xmax, ymin, ymax) || canvasStale()) {
    relayout();
  } else {
    const ctx = pointsContext();
    paintPoints(ctx, ins, colour('--in'));
    paintPoints(ctx, outs, colour('--out'));
  }
  updateCounts();
}

/** The counts of points painted on the canvas, for anyone checking the picture. */
function updateCounts() {
  const canvas = $('points');
  canvas.dataset.inputCount = chart.inputs.length;
  canvas.dataset.outputCount = chart.outputs.length;
}

/**
 * Read-only access to what is drawn, for tests and the curious: every point with the data values
 * it was drawn from (inputs as sent to the service, outputs as it answered) and its pixel position.
 */
window.batchnormPlayground = Object.freeze({
  points() {
    const rows = (list) => list.map((p) => [p.x, p.y, p.batch, px(p.x), py(p.y)]);
    return { inputs: rows(chart.inputs), outputs: rows(chart.outputs) };
  },
});

function setEllipse(mean, variance) {
  const rule = $('radiusRule').value;
  const [rx, ry] = radii(variance, rule);
  chart.ellipse = { cx: mean[0], cy: mean[1], rx, ry, rule };
  if (include(mean[0] - rx, mean[0] + rx, mean[1] - ry, mean[1] + ry)) relayout();
  else drawEllipse();
}

function drawEllipse() {
  const el = $('moving-ellipse');
  const centre = $('moving-centre');
  const e = chart.ellipse;
  el.toggleAttribute('hidden', !e);
  centre.toggleAttribute('hidden', !e);
  if (!e) return;
  el.setAttribute('cx', r2(px(e.cx)));
  el.setAttribute('cy', r2(py(e.cy)));
  el.setAttribute('rx', r2(chart.scale * e.rx));
  el.setAttribute('ry', r2(chart.scale * e.ry));
  centre.setAttribute('cx', r2(px(e.cx)));
  centre.setAttribute('cy', r2(py(e.cy)));
  Object.assign(el.dataset, { cx: e.cx, cy: e.cy, rx: e.rx, ry: e.ry, radiusRule: e.rule });
}

// ---------------------------------------------------------------- the numbers

const state = {
  sessionId: null,
  forwards: 0,
  pending: 0,
  sampler: null,
  running: false,
  busy: false,
  stop: null, // AbortController of the running loop
  lastRefresh: 0,
};

const fmtExact = (values) => `[[${values.map(String).join(', ')}]]`;
const fmtShort = (values) => `[${values.map((v) => String(Number(v.toPrecision(6)))).join(', ')}]`;

function setValues(id, values, text) {
  const el = $(id);
  el.dataset.values = JSON.stringify(values);
  el.textContent = text;
}

/** The inputs' mean and (biased, as np.var) variance over every point drawn, per channel. */
function inputMoments() {
  const n = chart.inputs.length;
  if (!n) return null;
  const mean = [0, 0];
  for (const p of chart.inputs) { mean[0] += p.x; mean[1] += p.y; }
  mean[0] /= n; mean[1] /= n;
  const variance = [0, 0];
  for (const p of chart.inputs) { variance[0] += (p.x - mean[0]) ** 2; variance[1] += (p.y - mean[1]) ** 2; }
  return { mean, variance: variance.map((v) => v / n) };
}

function showInputMoments() {
  const m = inputMoments();
  if (!m) {
    setValues('num-input-mean', [], '–');
    setValues('num-input-var', [], '–');
    return;
  }
  setValues('num-input-mean', m.mean, fmtShort(m.mean));
  setValues('num-input-var', m.variance, fmtShort(m.variance));
}

function showPending(count) {
  state.pending = count;
  $('num-pending').dataset.value = count;
  $('num-pending').textContent = String(count);
}

function showVariables(variables, version) {
  const mean = variables.movingMean.data;
  const variance = variables.movingVariance.data;
  setValues('num-moving-mean', mean, fmtExact(mean));
  setValues('num-moving-var', variance, fmtExact(variance));
  $('num-version').textContent = String(version);
  $('num-version').dataset.value = version;
  setEllipse(mean, variance);
}

/** Reads the session's variables and pending-op count: the numbers and the ellipse come from here. */
async function refreshState(signal) {
  const id = state.sessionId;
  const [vars, updates] = await Promise.all([
    api('GET', sessionPath(id, '/variables'), undefined, signal),
    api('GET', sessionPath(id, '/updates?pageSize=1'), undefined, signal),
  ]);
  showVariables(vars.variables, vars.version);
  showPending(updates.count);
  state.lastRefresh = performance.now();
}

function describeChart() {
  const e = chart.ellipse;
  $('chart-desc').textContent = `${chart.inputs.length} input points and ${chart.outputs.length} output points`
    + (e ? `; moving statistics centred at (${e.cx}, ${e.cy}) with radii ${Number(e.rx.toPrecision(4))} and ${Number(e.ry.toPrecision(4))}` : '')
    + '.';
}

// ---------------------------------------------------------------- running

function setPhase(phase, message) {
  const root = $('playground');
  root.dataset.state = phase;
  if (phase === 'done' || phase === 'error' || phase === 'stopped') {
    root.dataset.completed = Number(root.dataset.completed || 0) + 1; // lets a watcher wait for this action's end
  }
  if (message !== undefined) $('status').textContent = message;
  const idle = !state.running && !state.busy;
  $('run').disabled = !idle;
  $('more').disabled = !idle || !state.sessionId;
  $('stop').disabled = !state.running;
  $('apply').disabled = !idle || state.pending === 0;
  $('discard').disabled = !idle || state.pending === 0;
  for (const b of document.querySelectorAll('#presets button')) b.disabled = !idle;
}

function showError(e) {
  const el = $('error');
  if (!e) { el.hidden = true; el.textContent = ''; return; }
  el.hidden = false;
  el.textContent = e instanceof ApiError ? e.message : `The service could not be reached: ${e.message}`;
}

function setProgress(done, total) {
  const bar = $('progress');
  bar.max = total;
  bar.value = done;
  bar.textContent = `${done} of ${total}`;
  $('progress-text').value = `${done} / ${total}`;
}

async function newSessionAndRun() {
  const form = $('setup');
  syncControls();
  if (!form.reportValidity()) return;
  const f = readForm();
  showError(null);
  state.busy = true;
  setPhase('running', 'Creating a session…');
  try {
    if (state.sessionId) {
      // the previous playground session is no longer shown: free it (it would expire anyway)
      await api('DELETE', sessionPath(state.sessionId)).catch(() => {});
    }
    state.sessionId = null;
    state.forwards = 0;
    showPending(0);
    const created = await api('POST', 'v1/sessions', sessionSpec(f));
    state.sessionId = created.id;
    state.sampler = makeSampler(f);
    const link = document.createElement('a');
    link.href = new URL(sessionPath(created.id), document.baseURI);
    link.textContent = created.id;
    $('num-session').replaceChildren(link);
    $('playground').dataset.sessionId = created.id;
    resetChart(f);
    $('num-forwards').textContent = '0';
    $('num-forwards').dataset.value = 0;
    $('num-normalized').textContent = '–';
    showInputMoments();
    await refreshState();
  } catch (e) {
    state.busy = false;
    showError(e);
    setPhase('error', 'The session could not be created.');
    return;
  }
  state.busy = false;
  await runForwards(f);
}

async function runMore() {
  const form = $('setup');
  syncControls();
  if (!form.reportValidity() || !state.sessionId) return;
  const f = readForm();
  if (chart.inputs.length + f.forwards * f.batchSize > MAX_POINTS) {
    showError(new Error(`the picture holds at most ${MAX_POINTS} points per layer; start a new session`));
    return;
  }
  showError(null);
  await runForwards(f);
}

async function runForwards(f) {
  const controller = new AbortController();
  state.stop = controller;
  state.running = true;
  setPhase('running', `Running ${f.forwards} forwards…`);
  setProgress(0, f.forwards);
  const flags = {
    isTraining: f.isTraining,
    testLocalStats: f.testLocalStats,
    applyUpdates: f.isTraining && !f.inPlace && f.applyUpdates,
  };
  let done = 0;
  let failure = null;
  const started = performance.now();
  try {
    for (; done < f.forwards && !controller.signal.aborted; done++) {
      const rows = state.sampler(f.batchSize);
      const r = await api('POST', sessionPath(state.sessionId, '/forward'), { inputs: rows, ...flags }, controller.signal);
      queuePoints(rows, r.outputs, state.forwards);
      state.forwards++;
      $('num-normalized').textContent = r.normalizedWith;
      setProgress(done + 1, f.forwards);
      if (performance.now() - state.lastRefresh > REFRESH_MS) {
        $('num-forwards').textContent = String(state.forwards);
        showInputMoments();
        await refreshState(controller.signal);
      }
    }
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'AbortError')) failure = e;
  }
  state.running = false;
  state.stop = null;
  flushPoints();
  $('num-forwards').textContent = String(state.forwards);
  $('num-forwards').dataset.value = state.forwards;
  showInputMoments();
  try {
    await refreshState(); // the final numbers, read after the last forward
  } catch (e) {
    failure = failure || e;
  }
  describeChart();
  if (failure) {
    showError(failure);
    setPhase('error', `Stopped after ${done} of ${f.forwards} forwards.`);
  } else if (done < f.forwards) {
    setPhase('stopped', `Stopped after ${done} of ${f.forwards} forwards.`);
  } else {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    setPhase('done', `Done: ${f.forwards} forwards of ${f.batchSize} examples in ${seconds} s.`);
  }
}

async function changeUpdates(kind) {
  state.busy = true;
  showError(null);
  setPhase('busy', kind === 'apply' ? 'Applying the pending ops…' : 'Discarding the pending ops…');
  let message;
  try {
    if (kind === 'apply') {
      const r = await api('POST', sessionPath(state.sessionId, '/updates/apply'), {});
      message = `Applied ${r.applied.length} ops.`;
    } else {
      const r = await api('DELETE', sessionPath(state.sessionId, '/updates'));
      message = `Discarded ${r.discarded.length} ops.`;
    }
    await refreshState();
  } catch (e) {
    showError(e);
    message = 'The request failed.';
  }
  state.busy = false;
  describeChart();
  setPhase($('error').hidden ? 'done' : 'error', message);
}

// ---------------------------------------------------------------- wiring

function choosePreset(preset) {
  writeForm({ ...DEFAULTS, ...preset.changes });
  for (const b of document.querySelectorAll('#presets button')) {
    b.setAttribute('aria-pressed', String(b.dataset.preset === preset.id));
  }
  const note = $('preset-note');
  note.replaceChildren();
  const code = document.createElement('pre');
  code.textContent = preset.code;
  note.append(code, preset.note);
  $('playground').dataset.preset = preset.id;
  $('status').textContent = `"${preset.label}" is set up: press "New session & run".`;
}

function init() {
  const list = $('presets');
  PRESETS.forEach((preset, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.preset = preset.id;
    b.id = `preset-${preset.id}`;
    b.setAttribute('aria-pressed', 'false');
    b.innerHTML = `<span class="preset-no">${i + 1}</span> `;
    b.append(preset.label);
    b.addEventListener('click', () => choosePreset(preset));
    list.appendChild(b);
  });
  $('setup').addEventListener('submit', (e) => { e.preventDefault(); newSessionAndRun(); });
  $('setup').addEventListener('input', syncControls);
  $('setup').addEventListener('change', syncControls);
  // a new pixel ratio (zoom, another screen) resizes the canvas, which clears it: paint it again
  window.addEventListener('resize', () => {
    if (canvasStale()) relayout();
  });
  $('radiusRule').addEventListener('change', () => {
    if (chart.ellipse) {
      setEllipse([chart.ellipse.cx, chart.ellipse.cy], JSON.parse($('num-moving-var').dataset.values));
      describeChart();
    }
  });
  $('more').addEventListener('click', runMore);
  $('stop').addEventListener('click', () => state.stop && state.stop.abort());
  $('apply').addEventListener('click', () => changeUpdates('apply'));
  $('discard').addEventListener('click', () => changeUpdates('discard'));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.stop) state.stop.abort();
  });
  resetChart(readForm());
  choosePreset(PRESETS[0]);
  setPhase('idle');
  $('status').textContent = 'Choose a scenario, then press "New session & run".';
}

init();
