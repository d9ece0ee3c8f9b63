// The local ops console: the CloudWatch dashboard's graphs from the local stack's metrics
// (`/_local/metrics`), and the operations API as role `ops` sees it (queues, dead letters with
// their redrive, alarms, CMS files, conservation), refreshed every two seconds. Plain browser
// JavaScript and Chart.js: nothing to build. Every text from the API is set as text, never as HTML.
'use strict';

const REFRESH_MS = 2000;
const SLOW_EVERY = 5; // CMS files and the conservation report: every fifth refresh
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563', '#65a30d', '#ea580c'];
const won = new Intl.NumberFormat('ko-KR');

let token = null;
let tick = 0;
const charts = new Map();
/** Queue depths seen at each refresh, for the two queue graphs of the dashboard. */
const queueHistory = [];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(c === undefined || c === null ? '' : String(c)));
  return node;
}

async function api(method, path, body) {
  if (!token) {
    const res = await fetch('/_local/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'ops' }) });
    token = (await res.json()).token;
  }
  const res = await fetch(path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const answer = await res.json().catch(() => null);
  if (res.status === 401) token = null;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${answer && answer.error ? `${answer.error.code} ${answer.error.message}` : ''}`);
  return answer;
}

const time = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

function chartFor(id, title) {
  if (charts.has(id)) return charts.get(id);
  const canvas = el('canvas', { 'aria-label': title, role: 'img' });
  const totals = el('div', { class: 'totals', 'data-totals': id });
  document.getElementById('panels').append(el('div', { class: 'panel', 'data-panel': id }, el('h3', {}, title), totals, canvas));
  const chart = new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
            elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0.2 } },
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, font: { size: 11 } } } },
      scales: { x: { ticks: { maxTicksLimit: 6, font: { size: 10 } } }, y: { beginAtZero: true, ticks: { font: { size: 10 } } }, y1: { display: false, position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } },
    },
  });
  const entry = { chart, totals };
  charts.set(id, entry);
  return entry;
}

/** Draws one graph: its labels, its series, and under the title each series' total (or latest value). */
function draw(id, title, labels, series, summary) {
  const { chart, totals } = chartFor(id, title);
  chart.data.labels = labels;
  // A lone value between empty buckets (a percentile) has no line to draw: its point shows it.
  const lone = (values, i) => values[i] !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null;
  chart.data.datasets = series.map((s, i) => ({
    label: s.label, data: s.values, yAxisID: s.axis === 'right' ? 'y1' : 'y', borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length],
    pointRadius: s.values.map((_, j) => (lone(s.values, j) ? 3 : 0)),
  }));
  chart.options.scales.y1.display = series.some((s) => s.axis === 'right');
  chart.update('none');
  totals.replaceChildren(...series.map((s) => el('span', { 'data-series': s.label }, `${s.label}: `, el('b', { 'data-value': '' }, summary(s)), '  ')));
}

const sumOf = (values) => values.reduce((n, v) => n + (v || 0), 0);
const lastOf = (values) => {
  for (let i = values.length - 1; i >= 0; i -= 1) if (values[i] !== null && values[i] !== undefined) return values[i];
  return '–';
};

async function refreshMetrics() {
  const m = await fetch('/_local/metrics?minutes=15&bucketSeconds=10').then((r) => r.json());
  const from = Date.parse(m.from);
  const labels = Array.from({ length: m.count }, (_, i) => time(from + i * m.bucketSeconds * 1000));
  for (const p of m.panels) {
    const percentiles = p.series.every((s) => /^p\d+$/.test(s.label));
    draw(p.id, p.title, labels, p.series, (s) => (percentiles ? lastOf(s.values) : sumOf(s.values)));
  }
}

function renderQueues(items) {
  queueHistory.push({ at: Date.now(), items });
  while (queueHistory.length > 450) queueHistory.shift();
  const labels = queueHistory.map((h) => time(h.at));
  const series = (field) => items.map((q) => ({ label: q.queue, axis: 'left', values: queueHistory.map((h) => (h.items.find((x) => x.queue === q.queue) || {})[field] ?? null) }));
  draw('queue-depths', 'Queue depths', labels, series('depth'), (s) => lastOf(s.values));
  draw('dead-letter-queues', 'Dead-letter queues', labels, series('deadLetters'), (s) => lastOf(s.values));

  document.querySelector('#queues tbody').replaceChildren(...items.map((q) =>
    el('tr', { 'data-queue': q.queue, class: q.deadLetters > 0 ? 'alarm' : '' },
      el('td', {}, q.queue),
      el('td', { class: 'num' }, q.depth),
      el('td', { class: 'num' }, q.inFlight),
      el('td', { class: 'num' }, q.oldestAgeSeconds ?? '–'),
      el('td', { class: 'num', 'data-dead-letters': q.queue }, q.deadLetters),
      el('td', {}, q.deadLetters > 0 ? el('button', { 'data-redrive': q.queue, onclick: (e) => redrive(q.queue, e.target) }, 'Redrive') : ''))));
}

async function redrive(queue, button) {
  button.disabled = true;
  const result = document.getElementById('redrive-result');
  try {
    const { moved } = await api('POST', `/v1/ops/dead-letters/${encodeURIComponent(queue)}/redrive`, {});
    result.textContent = `${time(Date.now())}: ${moved} message${moved === 1 ? '' : 's'} of ${queue} moved back to the queue`;
  } catch (error) {
    result.textContent = `redrive of ${queue} failed: ${error.message}`;
  }
  await refresh(false);
}

async function renderDeadLetters(queues) {
  const holding = queues.filter((q) => q.deadLetters > 0);
  const box = document.getElementById('dead-letters');
  if (holding.length === 0) return box.replaceChildren(el('p', { class: 'muted' }, 'none'));
  const lists = await Promise.all(holding.map((q) => api('GET', `/v1/ops/dead-letters?queue=${encodeURIComponent(q.queue)}`)));
  box.replaceChildren(...lists.map((list) => el('div', { class: 'letters', 'data-letters': list.queue },
    el('h3', {}, `${list.queue} (${list.items.length} shown)`),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'message'), el('th', {}, 'receives'), el('th', {}, 'sent / first received / last failed'), el('th', {}, 'error'), el('th', {}, 'body'))),
      el('tbody', {}, ...list.items.map((m) => el('tr', {},
        el('td', {}, m.messageId),
        el('td', { class: 'num' }, m.receiveCount),
        el('td', {}, `${m.sentAt ?? '–'} / ${m.firstReceivedAt ?? '–'} / ${m.lastFailedAt ?? '–'}`),
        el('td', {}, m.error ?? '–'),
        el('td', {}, el('pre', {}, typeof m.body === 'string' ? m.body : JSON.stringify(m.body, null, 1))))))))));
}

function renderAlarms(items) {
  const firing = items.filter((a) => a.state === 'ALARM');
  const chip = document.getElementById('alarm-summary');
  chip.textContent = firing.length ? `${firing.length} alarm${firing.length === 1 ? '' : 's'}: ${firing.map((a) => a.name).join(', ')}` : `all ${items.length} alarms OK`;
  chip.className = `chip ${firing.length ? 'alarm' : 'ok'}`;
  const order = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
  document.querySelector('#alarms tbody').replaceChildren(...[...items].sort((a, b) => order[a.state] - order[b.state]).map((a) =>
    el('tr', { 'data-alarm': a.name }, el('td', { title: a.description }, a.name), el('td', { class: `state-${a.state}` }, a.state), el('td', {}, a.reason))));
}

function renderCms(items) {
  document.querySelector('#cms-files tbody').replaceChildren(...[...items].reverse().slice(0, 20).map((f) =>
    el('tr', { 'data-cms-file': f.fileId },
      el('td', {}, f.fileName || f.fileId), el('td', {}, f.transferDate), el('td', {}, f.state),
      el('td', { class: 'num' }, f.itemCount), el('td', { class: 'num' }, won.format(f.totalAmount)),
      el('td', { class: 'num' }, f.attempts ?? 0), el('td', {}, f.lastError ?? ''))));
  if (items.length === 0) document.querySelector('#cms-files tbody').append(el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'no CMS files yet')));
}

function renderConservation(report) {
  const chip = document.getElementById('conservation');
  chip.textContent = report.balanced ? 'conservation balanced' : 'conservation DOES NOT BALANCE';
  chip.className = `chip ${report.balanced ? 'ok' : 'alarm'}`;
  const detail = document.getElementById('conservation-detail');
  const differences = report.differences || [];
  detail.replaceChildren(
    el('p', { 'data-balanced': String(report.balanced) }, report.balanced ? 'Every won approved is accounted for: paid, held, delayed, refunded or still to pay.' : `${differences.length} difference${differences.length === 1 ? '' : 's'}: stop payout runs and find them (docs/operations.md).`),
    el('pre', {}, JSON.stringify(report.balanced ? report.totals ?? report : differences.slice(0, 20), null, 1)));
}

async function refresh(slow) {
  const problems = [];
  const guard = (p, what) => p.catch((e) => problems.push(`${what}: ${e.message}`));
  await Promise.all([
    guard(refreshMetrics(), 'metrics'),
    guard(api('GET', '/v1/ops/queues').then(async ({ items }) => { renderQueues(items); await renderDeadLetters(items); }), 'queues'),
    guard(api('GET', '/v1/ops/alarms').then(({ items }) => renderAlarms(items)), 'alarms'),
    ...(slow ? [guard(api('GET', '/v1/cms/files').then(({ items }) => renderCms(items)), 'CMS files'), guard(api('GET', '/v1/reports/conservation').then(renderConservation), 'conservation')] : []),
  ]);
  const problem = document.getElementById('problem');
  problem.hidden = problems.length === 0;
  problem.textContent = problems.join(' · ');
  document.getElementById('updated').textContent = `updated ${time(Date.now())}`;
  document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
}

async function loop() {
  await refresh(tick % SLOW_EVERY === 0);
  tick += 1;
  setTimeout(loop, REFRESH_MS);
}

loop();
