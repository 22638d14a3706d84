// The web UI's page figures against a running platform (bench/ui/pages.sh starts one), in headless Chromium driven by
// playwright-core (the gateway's webui node_modules) — a command, not a test. Prints one JSON object of figures.
//
//   runs_page_load   a run page of a 3-task pipeline, cold: a fresh browser context (empty cache, only the session
//                    cookie) from navigation start to its DAG drawn (every node in the page, laid out, visible);
//                    baselines: the same page warm (reloaded in the same context) and the API call that answers it
//   dag_200          the same, a run of a 200-task pipeline (20 layers of 10, each task depending on 2 of the layer
//                    before); all 200 nodes laid out by ELK and visible in React Flow's viewport
//   live_update      a chain of tasks, each `select pg_sleep(…)`: every task state change the run page shows
//                    (a MutationObserver on its task table, stamped at the next frame) against the time the scheduler
//                    committed it (the transition's `at`, clock_timestamp() in its transaction; same machine clock);
//                    baseline: the run read with a 1 s poll of the REST API through the gateway (node, the same session), same run
//   search_10k       10,000 datasets registered through the API (in parallel), then the catalog's search
//                    (GET /api/registry/v1/datasets?namespace=…&q=…&limit=500, as the catalog page asks) through the
//                    gateway; baseline: the same search's SQL straight to the registry's database with psql
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const env = process.env;
const need = (name) => env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const base = need('STRATA_URL');
const { chromium } = createRequire(join(need('WEBUI'), 'package.json'))('playwright-core');
const ROUNDS = Number(env.BENCH_ROUNDS ?? 10);
const FRESH = Number(env.BENCH_FRESH ?? 3); // new 200-task DAG shapes: their first page load and first read
const LIVE_TASKS = Number(env.BENCH_LIVE_TASKS ?? 40);
const DATASETS = Number(env.BENCH_DATASETS ?? 10_000);
const SEARCHES = Number(env.BENCH_SEARCHES ?? 400);
const NS = 'uibench';
// BENCH_ONLY=live (or pages, search; comma-separated) measures only those parts
const ONLY = new Set((env.BENCH_ONLY ?? 'pages,live,search').split(',').map((x) => x.trim()));
const CATALOG_NS = 'catalog-bench';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];
const VIEWPORT = { width: 1360, height: 860 };
const log = (...a) => console.error(new Date().toISOString().slice(11, 19), ...a);

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const r = (x) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(q(0.5)), p95: r(q(0.95)), min: r(s[0]), max: r(s[s.length - 1]) };
};

const browser = await chromium.launch({ executablePath: env.STRATA_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: FLAGS });
const main = await browser.newContext({ viewport: VIEWPORT });
const page = await main.newPage();
page.setDefaultTimeout(60_000);
let session;
let cookieHeader;
let csrf;
/** Signs in through the login page; the session's cookies serve node's calls and the fresh contexts. */
async function signIn() {
  await main.clearCookies();
  await page.goto(`${base}/ui/`);
  await page.waitForSelector('#username');
  await page.fill('#username', 'admin');
  await page.fill('#password', need('STRATA_ADMIN_PASSWORD'));
  await Promise.all([page.waitForURL(/\/ui\//, { timeout: 180_000 }), page.press('#password', 'Enter')]);
  session = await main.storageState();
  cookieHeader = session.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  csrf = session.cookies.find((c) => /strata-csrf$/.test(c.name))?.value ?? '';
  log('signed in');
}
await signIn();
let signingIn;

/** A call of the API as the signed-in browser makes it (session cookie, CSRF token), from node. */
async function api(method, path, body, type = 'application/json') {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(base + path, {
      method, body, headers: { Cookie: cookieHeader, 'X-CSRF-Token': csrf, 'Content-Type': type, Accept: 'application/json' },
    });
    const text = await r.text();
    if (r.status === 401 && attempt < 3) { // the session ended (a slow run on a loaded machine): sign in again, once
      signingIn ??= signIn().finally(() => { signingIn = undefined; });
      await signingIn;
      continue;
    }
    if (r.status === 429 && attempt < 50) {
      await new Promise((ok) => setTimeout(ok, 200));
      continue;
    }
    return { status: r.status, body: text, json: () => JSON.parse(text) };
  }
}
function must(r, ...ok) {
  if (!ok.includes(r.status)) throw new Error(`${r.status}: ${r.body.slice(0, 500)}`);
  return r;
}

async function runOf(ns, id, params = {}) {
  const r = must(await api('POST', `/api/scheduler/v1/pipelines/${ns}/${id}/runs`, JSON.stringify({ params })), 202);
  return r.json().id;
}
async function awaitEnded(runId, seconds) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const run = must(await api('GET', `/api/scheduler/v1/runs/${runId}`), 200).json();
    if (!['queued', 'running'].includes(run.state)) return run;
    if (Date.now() > until) throw new Error(`run ${runId} still ${run.state} after ${seconds} s`);
    await new Promise((ok) => setTimeout(ok, 500));
  }
}
async function pipeline(yaml) {
  must(await api('POST', '/api/scheduler/v1/pipelines', yaml, 'application/yaml'), 200, 201);
}
const sqlTask = (id, sql, deps = []) => `  - id: ${id}\n    type: sql\n${deps.length ? `    depends_on: [${deps.join(', ')}]\n` : ''}`
  + `    inputs:\n      sql: ${sql}\n`;

must(await api('POST', '/api/auth/v1/namespaces', JSON.stringify({ name: NS })), 201, 409);
must(await api('POST', '/api/auth/v1/namespaces', JSON.stringify({ name: CATALOG_NS })), 201, 409);

// ---- the pipelines and their runs -----------------------------------------------------------------------------
const small = { cold: [], warm: [], api: [], cpu: [], chromiumCpu: [] };
const dag = { cold: [], warm: [], api: [], cpu: [], chromiumCpu: [] };
const phases = { small: { data: [], layout: [], draw: [], complete: [] }, dag: { data: [], layout: [], draw: [], complete: [] } };
const fresh = { cold: [], firstRead: [], cachedRead: [] }; // pages of DAG shapes the scheduler has not laid out yet
const phaseStats = (x) => ({ data: stats(x.data), layout: stats(x.layout), draw: stats(x.draw), complete: stats(x.complete) });
if (ONLY.has('pages')) {
await pipeline(`namespace: ${NS}\nid: small\ntasks:\n${sqlTask('land', 'select 1')}${sqlTask('clean', 'select 2', ['land'])}`
  + sqlTask('report', 'select 3', ['clean']));
/** 20 layers of 10 sql tasks, each on two of the layer before (380 edges); task ids `${prefix}${layer}_${i}`. */
function dag200Yaml(id, prefix) {
  let yaml = `namespace: ${NS}\nid: ${id}\ntasks:\n`;
  for (let layer = 0; layer < 20; layer++) {
    for (let i = 0; i < 10; i++) {
      const deps = layer === 0 ? [] : [`${prefix}${layer - 1}_${i}`, `${prefix}${layer - 1}_${(i + 3) % 10}`];
      yaml += sqlTask(`${prefix}${layer}_${i}`, 'select 1', deps);
    }
  }
  return yaml;
}
await pipeline(dag200Yaml('dag200', 't'));
const smallRun = await runOf(NS, 'small');
const bigRun = await runOf(NS, 'dag200');
await awaitEnded(smallRun, 120);
const bigEnded = await awaitEnded(bigRun, 600);
log(`runs ready: small ${smallRun}, dag200 ${bigRun} (${bigEnded.state}, ${bigEnded.tasks.length} tasks)`);
if (bigEnded.tasks.length !== 200) throw new Error(`the 200-task run has ${bigEnded.tasks.length} tasks`);

// ---- cold and warm loads of run pages -----------------------------------------------------------------------
/** In the page before its scripts: stamps window.__drawnAt (ms since navigation start) at the first frame in which
 * `n` React Flow nodes are in the graph, laid out and visible. */
function drawnProbe(n) {
  const drawn = () => {
    const nodes = document.querySelectorAll('[data-testid=graph] .react-flow__node');
    if (nodes.length < n) return false;
    for (const e of nodes) if (e.offsetWidth === 0 || getComputedStyle(e).visibility === 'hidden') return false;
    return true;
  };
  const observer = new MutationObserver(() => {
    // where the time goes: React Flow mounted (its layout done), drawn
    if (window.__laidOut === undefined && document.querySelector('[data-testid=graph]')) window.__laidOut = performance.now();
    if (window.__drawnAt === undefined && !window.__drawing && drawn()) {
      window.__drawing = true;
      requestAnimationFrame(() => { window.__drawnAt = performance.now(); });
    }
    // and the whole page: the table of all n tasks below the DAG shown too
    if (window.__tableAt === undefined && !window.__tabling && document.querySelectorAll('[data-testid=tasks] tbody tr').length >= n) {
      window.__tabling = true;
      requestAnimationFrame(() => { window.__tableAt = performance.now(); });
    }
    if (window.__drawing && window.__tabling) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['style', 'class'] });
}

/** The time until the page drew its DAG; for a cold load also where it went: the run read (its API call's response
 * end), ELK (the UI's strata:layout-start → strata:layout-end marks; 0 when the layout was known), React Flow (its
 * mount → drawn). */
async function drawnIn(p, n, cold, record = true) {
  const drawnAt = await p.waitForFunction(() => window.__drawnAt, null, { timeout: 60_000, polling: 50 }).then((h) => h.jsonValue());
  if (!cold || !record) return drawnAt;
  const tableAt = await p.waitForFunction(() => window.__tableAt, null, { timeout: 60_000, polling: 50 }).then((h) => h.jsonValue());
  (n === 200 ? phases.dag : phases.small).complete.push(tableAt);
  const [read, from, to, laid] = await p.evaluate(() => {
    const first = (name) => performance.getEntriesByName(name)[0]?.startTime;
    const runRead = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/scheduler/v1/runs/'));
    return [runRead?.responseEnd, first('strata:layout-start'), first('strata:layout-end'), window.__laidOut];
  });
  const into = n === 200 ? phases.dag : phases.small;
  if (read !== undefined && laid !== undefined) {
    into.data.push(read);
    into.layout.push(from !== undefined && to !== undefined ? to - from : 0);
    into.draw.push(drawnAt - laid);
  }
  return drawnAt;
}

/** CPU time (user + sys, ms) of each of Chromium's processes so far (browser, renderers, GPU, network; workers are
 * threads of their renderer): a cold load's cost that the machine's load does not inflate as it does wall time. */
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
function chromiumCpuMs() {
  const stats = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { pid: Number(pid), ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) * TICK_MS };
    } catch {
      return undefined;
    }
  }).filter(Boolean);
  const tree = new Set([process.pid]); // Chromium's processes are this node's descendants
  for (let grew = true; grew;) {
    grew = false;
    for (const p of stats) if (!tree.has(p.pid) && tree.has(p.ppid)) { tree.add(p.pid); grew = true; }
  }
  return new Map(stats.filter((p) => tree.has(p.pid) && p.pid !== process.pid).map((p) => [p.pid, p.cpu]));
}
/** The CPU time Chromium's processes spent since `from` (processes that ended meanwhile are not counted). */
function chromiumCpuSince(from) {
  let sum = 0;
  for (const [pid, cpu] of chromiumCpuMs()) sum += cpu - (from.get(pid) ?? 0);
  return sum;
}

/** The page's main-thread busy time (CDP Performance.getMetrics TaskDuration, ms) since the last call. */
async function busyMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration').value * 1000;
}
const cpuProfiled = new Set();
/** A CPU profile's self time (ms) by function and script, the 30 largest. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '')}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, ms]) => `${ms.toFixed(1)} ${k}`);
}
/** Where a cold load's time went: every resource fetched (start, end, ms since navigation start) and the UI's marks. */
const profiles = {};
async function coldLoad(runId, n, record = true) {
  const cpuFrom = chromiumCpuMs();
  const context = await browser.newContext({ viewport: VIEWPORT, storageState: session });
  await context.addInitScript(drawnProbe, n);
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  await cdp.send('Performance.enable');
  const profiling = env.BENCH_CPU_PROFILE && !cpuProfiled.has(n) && cpuProfiled.add(n);
  if (profiling) { // BENCH_CPU_PROFILE=1: where one cold load's main-thread time went, by function (self time)
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await p.goto(`${base}/ui/namespaces/${NS}/runs/${runId}`);
  const cold = await drawnIn(p, n, true, record);
  if (profiling) log(`CPU profile of a cold load of the ${n}-task page (self ms, top 30):\n  ${selfTimes((await cdp.send('Profiler.stop')).profile).join('\n  ')}`);
  const chromiumCpu = chromiumCpuSince(cpuFrom);
  const coldCpu = await busyMs(cdp);
  profiles[n] ??= await p.evaluate(() => [...performance.getEntriesByType('resource'), ...performance.getEntriesByType('mark'),
    ...performance.getEntriesByType('measure')].map((e) => `${e.entryType} ${e.name.replace(location.origin, '')} `
    + `${Math.round(e.startTime)}–${Math.round(e.startTime + e.duration)}`));
  if (env.BENCH_SCREENSHOTS && !(profiles[n].shot)) { // BENCH_SCREENSHOTS=dir: the DAG as drawn, to judge the layout by eye
    await p.locator('[data-testid=graph]').screenshot({ path: join(env.BENCH_SCREENSHOTS, `run-page-${n}-tasks.png`) });
    profiles[n].shot = true;
  }
  await p.reload();
  const warm = await drawnIn(p, n, false);
  await context.close();
  return { cold, warm, coldCpu, chromiumCpu };
}

async function apiMs(runId) {
  const t0 = performance.now();
  must(await api('GET', `/api/scheduler/v1/runs/${runId}`), 200);
  return performance.now() - t0;
}

await coldLoad(smallRun, 3); // the first start of a browser context pays for things no user's page does
for (let i = 0; i < ROUNDS; i++) {
  for (const [runId, n, into] of [[smallRun, 3, small], [bigRun, 200, dag]]) {
    const { cold, warm, coldCpu, chromiumCpu } = await coldLoad(runId, n);
    into.cold.push(cold);
    into.cpu.push(coldCpu);
    into.chromiumCpu.push(chromiumCpu);
    into.warm.push(warm);
    into.api.push(await apiMs(runId));
  }
}
// The pages above are of runs whose DAG the scheduler laid out already (their runs were read while they ran). A page of
// a DAG shape the scheduler has not seen yet: a new 200-task pipeline's run (cancelled at once, so that no task takes
// CPU from the page), loaded cold: its read is the first of that shape and makes the layout (ELK in the scheduler).
// And the API alone: the first read of a new shape's run against a second read of it.
for (let i = 0; i < FRESH; i++) {
  await pipeline(dag200Yaml(`fresh${i}`, `f${i}_`));
  const pageRun = await runOf(NS, `fresh${i}`);
  must(await api('POST', `/api/scheduler/v1/runs/${pageRun}/cancel`), 200);
  fresh.cold.push((await coldLoad(pageRun, 200, false)).cold);
  await pipeline(dag200Yaml(`fresh_api${i}`, `a${i}_`));
  const apiRun = await runOf(NS, `fresh_api${i}`);
  must(await api('POST', `/api/scheduler/v1/runs/${apiRun}/cancel`), 200);
  fresh.firstRead.push(await apiMs(apiRun));
  fresh.cachedRead.push(await apiMs(apiRun));
}
log('run page loads', JSON.stringify({ small: stats(small.cold), dag: stats(dag.cold), freshShape: stats(fresh.cold) }));
log('a new shape\'s run read: first (laid out) and second (kept)', JSON.stringify({ first: stats(fresh.firstRead),
  second: stats(fresh.cachedRead) }));
log('phases of cold loads (the run read at, ELK, React Flow mount to visible)',
  JSON.stringify({ small: phaseStats(phases.small), dag: phaseStats(phases.dag) }));
log('main thread busy in a cold load (ms)', JSON.stringify({ small: stats(small.cpu), dag: stats(dag.cpu) }));
log('Chromium CPU (user+sys) for a cold load (ms)', JSON.stringify({ small: stats(small.chromiumCpu), dag: stats(dag.chromiumCpu) }));
for (const [n, entries] of Object.entries(profiles)) log(`a cold load of the ${n}-task page:\n  ${entries.join('\n  ')}`);

}

// ---- live updates -------------------------------------------------------------------------------------------
const live = { sse: [], poll: [], received: [], render: [], transitions: 0, missedBySse: 0, missedByPoll: 0 };
if (ONLY.has('live')) {
let chain = `namespace: ${NS}\nid: live\ntasks:\n${sqlTask('warmup', 'select pg_sleep(4)')}`;
for (let i = 1; i <= LIVE_TASKS; i++) chain += sqlTask(`s${i}`, 'select pg_sleep(0.3)', [i === 1 ? 'warmup' : `s${i - 1}`]);
await pipeline(chain);

/** In the run page: the first moment (wall clock, at the frame after the DOM changed) each task showed each state. */
function stateProbe() {
  window.__seen = {};
  // where the time goes: when the page's EventSource got each transition (before React handles it)
  window.__received = {};
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('transition', (e) => {
        const t = JSON.parse(e.data);
        if (t.taskId) window.__received[`${t.taskId}|${t.to}`] ??= Date.now();
      });
    }
  };
  let pending = [];
  const look = () => {
    for (const row of document.querySelectorAll('[data-testid=tasks] tr[data-task]')) {
      const state = row.querySelector('[data-state]')?.dataset.state;
      const key = `${row.dataset.task}|${state}`;
      if (state && !(key in window.__seen) && !pending.includes(key)) pending.push(key);
    }
    if (pending.length) {
      const keys = pending;
      requestAnimationFrame(() => {
        const now = Date.now();
        for (const k of keys) window.__seen[k] ??= now;
        pending = pending.filter((k) => !keys.includes(k));
      });
    }
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
}

const livePage = await main.newPage();
await livePage.addInitScript(stateProbe);
const liveRun = await runOf(NS, 'live');
await livePage.goto(`${base}/ui/namespaces/${NS}/runs/${liveRun}`);
// the page a user watches is in front: Chromium throttles a hidden page's timers to one wake-up a second
await livePage.bringToFront();
const liveVisibility = await livePage.evaluate(() => document.visibilityState);
await livePage.locator('[data-testid=tasks] tr[data-task=s1]').waitFor();
const watchingFrom = Date.now();
// the baseline, at the same time: the run read every second through the gateway with the page's session (from node,
// so that no hidden page's throttled timers slow it)
const polled = (async (runId) => {
  const seen = {};
  for (;;) {
    const started = Date.now();
    const run = must(await api('GET', `/api/scheduler/v1/runs/${runId}`), 200).json();
    const now = Date.now();
    for (const t of run.tasks) seen[`${t.taskId}|${t.state}`] ??= now;
    if (!['queued', 'running'].includes(run.state)) return seen;
    await new Promise((ok) => setTimeout(ok, Math.max(0, 1000 - (Date.now() - started))));
  }
})(liveRun);
const liveEnded = await awaitEnded(liveRun, 600);
const pollSeen = await polled;
await livePage.locator('h1 [data-state=succeeded]').waitFor();
await livePage.waitForTimeout(500);
const pageSeen = await livePage.evaluate(() => window.__seen);
const pageReceived = await livePage.evaluate(() => window.__received);
const atMs = (iso) => Date.parse(iso.replace(/(\.\d{3})\d*/, '$1'));
for (const t of liveEnded.transitions ?? []) {
  if (!t.taskId) continue;
  const at = atMs(t.at);
  if (at < watchingFrom) continue; // committed before the page was watching
  live.transitions++;
  const key = `${t.taskId}|${t.to}`;
  if (pageSeen[key] !== undefined) live.sse.push(pageSeen[key] - at); else live.missedBySse++;
  if (pageReceived[key] !== undefined) live.received.push(pageReceived[key] - at);
  if (pageSeen[key] !== undefined && pageReceived[key] !== undefined) live.render.push(pageSeen[key] - pageReceived[key]);
  if (pollSeen[key] !== undefined) live.poll.push(pollSeen[key] - at); else live.missedByPoll++;
}
log('live updates', JSON.stringify({ sse: stats(live.sse), poll: stats(live.poll), transitions: live.transitions,
  received: stats(live.received), render: stats(live.render), visibility: liveVisibility }));
await livePage.close();
}

// ---- catalog search over 10,000 datasets ----------------------------------------------------------------------
const search = { strata: [], hits: {} };
let times = [];
let registerSeconds = 0;
let TERMS = [];
if (ONLY.has('search')) {
const WORDS = ['orders', 'customers', 'products', 'payments', 'shipments', 'invoices', 'events', 'sessions'];
const COLUMNS = ['region', 'channel', 'discount', 'currency', 'segment', 'campaign', 'device', 'carrier'];
const LAYERS = ['raw', 'bronze', 'silver', 'gold'];
const t0 = Date.now();
let next = 0;
let failed = 0;
await Promise.all(Array.from({ length: 12 }, async () => {
  for (let i = next++; i < DATASETS; i = next++) {
    const body = JSON.stringify({
      namespace: CATALOG_NS, name: `${WORDS[i % 8]}_${i}`, layer: LAYERS[i % 4], owner: `team-${i % 20}`,
      tags: [`domain-${i % 10}`], description: `bench dataset ${i}`,
      columns: [{ name: 'id', type: 'bigint' }, { name: `${COLUMNS[i % 8]}_${i % 100}`, type: 'text' },
        { name: 'amount', type: 'numeric' }, { name: 'updated_at', type: 'timestamptz' }],
    });
    const r = await api('POST', '/api/registry/v1/datasets', body);
    if (r.status !== 201 && r.status !== 409) {
      failed++;
      if (failed < 5) log(`registering ${i}: ${r.status} ${r.body.slice(0, 200)}`);
    }
  }
}));
registerSeconds = (Date.now() - t0) / 1000;
if (failed) throw new Error(`${failed} datasets could not be registered`);
log(`${DATASETS} datasets registered in ${registerSeconds.toFixed(1)} s`);

// what people type: a name (few hits), a part of names (many: the page asks for 500), a column, nothing found
TERMS = ['orders_4711', 'customers_12', 'payments', 'discount_7', 'segment', 'ship', 'nothing-like-this', 'invoices_99',
  'campaign_42', 'events_5'];
const searchPath = (q) => `/api/registry/v1/datasets?${new URLSearchParams({ namespace: CATALOG_NS, limit: '500', q })}`;
for (const q of TERMS) must(await api('GET', searchPath(q)), 200); // warm-up
for (let i = 0; i < SEARCHES; i++) {
  const q = TERMS[i % TERMS.length];
  const started = performance.now();
  const r = must(await api('GET', searchPath(q)), 200);
  search.strata.push(performance.now() - started);
  search.hits[q] = r.json().length;
}
// the baseline: the registry's own SELECT for the same searches, in psql over one connection (\timing: client
// round trip), the same number of times
const like = (q) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const sqlOf = (q) => `SELECT d.*, (SELECT max(v.number) FROM dataset_version v WHERE v.dataset_id = d.id) AS latest_version `
  + `FROM dataset d WHERE TRUE AND d.namespace = '${CATALOG_NS}' AND d.id IN (SELECT s.id FROM dataset s `
  + `WHERE lower(s.namespace || '.' || s.name) LIKE '${like(q)}' `
  + `UNION ALL SELECT c.dataset_id FROM dataset_column c WHERE lower(c.name) LIKE '${like(q)}') `
  + 'ORDER BY d.namespace, d.name LIMIT 500 OFFSET 0;';
const script = ['SET search_path TO registry;', '\\timing on', '\\o /dev/null', ...TERMS.map(sqlOf),
  ...Array.from({ length: SEARCHES }, (_, i) => sqlOf(TERMS[i % TERMS.length]))].join('\n');
const scriptFile = join(need('BENCH_TMP'), 'search.sql');
writeFileSync(scriptFile, script);
const psql = spawnSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', need('BENCH_PG_PORT'), '-U', 'postgres', '-d', 'strata',
  '-f', scriptFile], { encoding: 'utf8' });
if (psql.status !== 0) throw new Error(`psql: ${psql.stderr}`);
times = [...psql.stdout.matchAll(/Time: ([\d.]+) ms/g)].map((m) => Number(m[1])).slice(TERMS.length);
if (times.length !== SEARCHES) throw new Error(`psql timed ${times.length} queries: ${psql.stdout.slice(0, 500)}`);
log('search', JSON.stringify({ strata: stats(search.strata), sql: stats(times), hits: search.hits }));
}

console.log(JSON.stringify({
  runsPage: { cold: stats(small.cold), warm: stats(small.warm), api: stats(small.api), cpu: stats(small.cpu),
    chromiumCpu: stats(small.chromiumCpu), phases: phaseStats(phases.small) },
  dag200: { cold: stats(dag.cold), warm: stats(dag.warm), api: stats(dag.api), cpu: stats(dag.cpu),
    chromiumCpu: stats(dag.chromiumCpu), phases: phaseStats(phases.dag),
    fresh: { cold: stats(fresh.cold), firstRead: stats(fresh.firstRead), cachedRead: stats(fresh.cachedRead) } },
  live: { sse: stats(live.sse), poll: stats(live.poll), received: stats(live.received), render: stats(live.render),
    transitions: live.transitions, missedBySse: live.missedBySse,
    missedByPoll: live.missedByPoll, tasks: LIVE_TASKS },
  search: { strata: stats(search.strata), sql: stats(times), hits: search.hits, datasets: DATASETS,
    registerSeconds: Math.round(registerSeconds), terms: TERMS.length },
}));
await browser.close();
