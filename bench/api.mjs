// HTTP API (E4), against a real `serve --port 0` on the embedded engine, with 1,000 schedules and
// 10,000 runs stored:
//   - 50 concurrent clients for 20 s (autocannon): GET /api/v1/schedules and Goose's `list`
//     (POST /jobs) — target p99 ≤ 25 ms;
//   - SSE: 100 clients on /api/v1/events, runs triggered one by one — each run's first event
//     must reach every client within 50 ms (p99), measured from the event's own timestamp;
//   - lists under load (E6): 50 runs active, 200 clients for 30 s on GET /api/v1/runs (three
//     filters) and /api/v1/schedules, while a probe opens a new connection to /health every
//     100 ms and a schedule fires every second — /health and the scheduler must answer within
//     50 ms (p99).
//
//   node bench/api.mjs [seconds=20] [embedded|temporal] [all|load]
/* global process, console, setTimeout, fetch, TextDecoder, AbortController, URL */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import autocannon from 'autocannon';
import { noopGoose, noopRecipe, pct, seedStore, listeningPort } from './support.mjs';

const SECONDS = Number(process.argv[2] ?? 20);
/** `temporal`: the same requests against `serve --engine temporal` (its own dev server), 100 schedules created through the API. */
const ENGINE = process.argv[3] ?? 'embedded';
/** `load`: only the lists-under-load phase. */
const ONLY = process.argv[4] ?? 'all';
const SCHEDULES = 1000;
const RUNS = 10_000;
const CLIENTS = 50;
const SSE_CLIENTS = 100;
const SSE_RUNS = 20;
const LOAD_CLIENTS = 200;
const LOAD_SECONDS = 30;
const ACTIVE_RUNS = 50;
/** BENCH_WORKERS=n: autocannon in n worker threads, so the client is not what limits the rate. */
const WORKERS = process.env.BENCH_WORKERS ? { workers: Number(process.env.BENCH_WORKERS) } : {};
const GOOSE_ACCEPT_ENCODING = 'gzip, br, zstd, deflate';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'goose-flow-bench-api-'));
const home = join(tmp, 'data');
const recipe = noopRecipe(tmp, 'api benchmark');
// The runs of `sleepy.yaml` stay active (the load phase needs 50 going); the rest exit at once.
const noop = noopGoose(tmp, 'case "$*" in *sleepy*) exec sleep 600 ;; esac');
const sleepy = join(tmp, 'sleepy.yaml');
writeFileSync(sleepy, readFileSync(recipe));
const env = {
  ...process.env,
  GOOSE_FLOW_HOME: home,
  GOOSE_FLOW_GOOSE_BIN: noop,
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cliSync(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`goose-flow ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function seed() {
  seedStore({ home, recipe, schedules: SCHEDULES, runs: RUNS, add: cliSync });
}

async function startServe() {
  const engine = ENGINE === 'temporal' ? ['--engine', 'temporal'] : [];
  const child = spawn(
    process.execPath,
    [
      // BENCH_PROFILE=<dir>: a CPU profile of serve (chrome://inspect, or any .cpuprofile viewer).
      ...(process.env.BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : []),
      cli,
      'serve',
      '--port',
      '0',
      '--log-format',
      'json',
      ...engine,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await listeningPort(child);
  return { child, port };
}

function cannon(opts) {
  return new Promise((resolve, reject) =>
    autocannon({ connections: CLIENTS, duration: SECONDS, ...WORKERS, ...opts }, (err, res) =>
      err ? reject(err) : resolve(res),
    ),
  );
}

/** 100 SSE clients; each notes when each run's first event reached it. */
async function sseLatency(port) {
  const seen = new Map(); // runId -> [latency ms]
  const controllers = [];
  let ready = 0;
  for (let i = 0; i < SSE_CLIENTS; i++) {
    const controller = new AbortController();
    controllers.push(controller);
    void (async () => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
        signal: controller.signal,
      });
      const decoder = new TextDecoder();
      let buffer = '';
      const firsts = new Set();
      for await (const chunk of r.body) {
        const now = Date.now();
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes('event: ready')) ready++;
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!block.includes('event: run') || !data) continue;
          const e = JSON.parse(data.slice(6));
          if (e.type !== 'run_created' || firsts.has(e.runId)) continue;
          firsts.add(e.runId);
          const list = seen.get(e.runId) ?? [];
          list.push(now - Date.parse(e.at));
          seen.set(e.runId, list);
        }
      }
    })().catch(() => undefined);
  }
  while (ready < SSE_CLIENTS) await sleep(50);
  for (let i = 0; i < SSE_RUNS; i++) {
    await fetch(`http://127.0.0.1:${port}/api/v1/schedules/s0001/trigger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ overlap: 'allow_all' }),
    });
    await sleep(250);
  }
  await sleep(1000);
  for (const c of controllers) c.abort();
  const all = [...seen.values()].flat();
  const complete = [...seen.values()].filter((l) => l.length === SSE_CLIENTS).length;
  return {
    runs: seen.size,
    deliveries: all.length,
    complete,
    p50: pct(all, 50),
    p99: pct(all, 99),
    max: Math.max(...all),
  };
}

/**
 * GET /health on a new connection every 100 ms, from a process of its own (in this one, the
 * load generator's work would be counted as the server's): the latencies, when told to stop.
 */
const PROBE = `
const { request } = require('node:http');
const port = Number(process.argv[1]);
const out = [];
let on = true;
process.on('SIGTERM', () => { on = false; });
const once = () => new Promise((resolve) => {
  const t0 = performance.now();
  const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
    res.resume();
    res.on('end', () => resolve(performance.now() - t0));
  });
  req.on('error', () => resolve(Infinity));
  req.end();
});
(async () => {
  while (on) { out.push(await once()); await new Promise((r) => setTimeout(r, 100)); }
  process.stdout.write(JSON.stringify(out));
})();
`;

function healthProbe(port) {
  const child = spawn(process.execPath, ['-e', PROBE, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const done = new Promise((resolve) => child.on('close', () => resolve(JSON.parse(out || '[]'))));
  return {
    stop: () => {
      child.kill('SIGTERM');
      return done;
    },
  };
}

/**
 * 50 runs going, 200 clients on the REST lists, a fresh-connection /health probe every 100 ms,
 * and a schedule firing every second (its occurrences' lateness read from the store afterwards).
 */
async function listsUnderLoad(port) {
  const base = `http://127.0.0.1:${port}`;
  const post = (path, body) =>
    fetch(`${base}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await post('/schedules', {
    id: 'sleepy',
    cron: '0 0 1 1 *',
    recipe: sleepy,
    overlap: 'allow_all',
  });
  for (let i = 0; i < ACTIVE_RUNS; i++) await post('/schedules/sleepy/trigger', {});
  while (
    (await (await fetch(`${base}/api/v1/runs?status=running&scheduleId=sleepy&limit=100`)).json())
      .runs.length < ACTIVE_RUNS
  )
    await sleep(200);
  await post('/schedules', { id: 'tick', cron: '* * * * * *', recipe, overlap: 'allow_all' });
  const from = Date.now();
  const probe = healthProbe(port);
  const lists = await new Promise((resolve, reject) =>
    autocannon(
      {
        url: base,
        connections: LOAD_CLIENTS,
        duration: LOAD_SECONDS,
        requests: [
          { path: '/api/v1/runs' },
          { path: '/api/v1/runs?status=running' },
          { path: '/api/v1/runs?scheduleId=sleepy&limit=20' },
          { path: '/api/v1/schedules' },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
  const health = await probe.stop();
  const to = Date.now();
  // The server's own view: how late its event loop ran (prom-client's monitor, in seconds).
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const lag = (name) =>
    Number(
      new RegExp(`^goose_flow_process_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(
        metrics,
      )?.[1],
    ) * 1000;
  await fetch(`${base}/api/v1/schedules/tick/pause`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const db = new Database(join(home, 'goose-flow.db'), { readonly: true });
  const lateness = db
    .prepare(
      "SELECT json_extract(detail, '$.lateMs') AS late FROM occurrences WHERE schedule_id = 'tick' AND source = 'schedule' AND scheduled_at BETWEEN ? AND ?",
    )
    .pluck()
    .all(from, to)
    .filter((x) => typeof x === 'number');
  db.close();
  return {
    lists: {
      rps: lists.requests.average,
      p50: lists.latency.p50,
      p99: lists.latency.p99,
      max: lists.latency.max,
      non2xx: lists.non2xx,
      errors: lists.errors,
    },
    health: {
      n: health.length,
      p50: pct(health, 50),
      p99: pct(health, 99),
      max: Math.max(...health),
    },
    eventLoop: { p50: lag('p50'), p99: lag('p99'), max: lag('max') },
    scheduler: {
      occurrences: lateness.length,
      p50: pct(lateness, 50),
      p99: pct(lateness, 99),
      max: Math.max(...lateness),
    },
  };
}

try {
  console.log(
    `api benchmark [${ENGINE}] — ${new Date().toISOString()}, ${ENGINE === 'embedded' ? `${SCHEDULES} schedules, ${RUNS} runs` : '100 schedules'}, ${CLIENTS} clients × ${SECONDS} s`,
  );
  if (ENGINE === 'embedded') seed();
  const { child, port } = await startServe();
  const base = `http://127.0.0.1:${port}`;
  if (ENGINE === 'temporal') {
    for (let i = 0; i < 100; i++) {
      const r = await fetch(`${base}/api/v1/schedules`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: `s${String(i).padStart(4, '0')}`,
          cron: '0 0 1 1 *',
          recipe,
          timezone: 'UTC',
          catchupWindow: '1m',
        }),
      });
      if (r.status !== 201) throw new Error(`create: ${r.status} ${await r.text()}`);
    }
    const status = await (await fetch(`${base}/api/v1/status`)).json();
    console.log(`${status.engine}: 100 schedules created through the API (no stored runs)`);
  }
  const skip = { requests: { average: null }, latency: {}, non2xx: 0, errors: 0, throughput: {} };
  /** In `load` mode the phases before it are skipped, and say nothing. */
  const say = (line) => ONLY !== 'load' && console.log(line);
  const schedules = ONLY === 'load' ? skip : await cannon({ url: `${base}/api/v1/schedules` });
  say(
    `GET /api/v1/schedules: ${schedules.requests.average} req/s, latency p50 ${schedules.latency.p50} ms, p99 ${schedules.latency.p99} ms, max ${schedules.latency.max} ms, non-2xx ${schedules.non2xx}, errors ${schedules.errors}, ${Math.round(schedules.throughput.average / 1024)} KB/s`,
  );
  const listBody = JSON.stringify({
    action: 'list',
    job_id: null,
    cron: null,
    recipe_path: null,
    execution_mode: null,
  });
  const gooseList = (headers) =>
    cannon({
      url: `${base}/jobs`,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: listBody,
    });
  // What Goose's client sends: reqwest, built with the goose crate's gzip/brotli/zstd/deflate features.
  const jobs =
    ONLY === 'load' ? skip : await gooseList({ 'accept-encoding': GOOSE_ACCEPT_ENCODING });
  say(
    `POST /jobs list (Accept-Encoding: ${GOOSE_ACCEPT_ENCODING}): ${jobs.requests.average} req/s, latency p50 ${jobs.latency.p50} ms, p99 ${jobs.latency.p99} ms, max ${jobs.latency.max} ms, non-2xx ${jobs.non2xx}, errors ${jobs.errors}, ${Math.round(jobs.throughput.average / 1024)} KB/s`,
  );
  // A client that takes no compression: the whole ~250 KB text every time.
  const jobsPlain = ONLY === 'load' ? skip : await gooseList({});
  say(
    `POST /jobs list (no Accept-Encoding): ${jobsPlain.requests.average} req/s, latency p50 ${jobsPlain.latency.p50} ms, p99 ${jobsPlain.latency.p99} ms, max ${jobsPlain.latency.max} ms, non-2xx ${jobsPlain.non2xx}, errors ${jobsPlain.errors}, ${Math.round(jobsPlain.throughput.average / 1024)} KB/s`,
  );
  const sse =
    ENGINE === 'embedded' && ONLY !== 'load'
      ? await sseLatency(port)
      : { runs: 0, deliveries: 0, complete: 0, p50: null, p99: null, max: null };
  say(
    `SSE: ${SSE_CLIENTS} clients, ${sse.runs} runs, ${sse.deliveries} deliveries (${sse.complete} runs reached every client): p50 ${sse.p50} ms, p99 ${sse.p99} ms, max ${sse.max} ms`,
  );
  const loaded =
    ENGINE === 'embedded'
      ? await listsUnderLoad(port)
      : { lists: null, health: null, scheduler: null };
  if (loaded.lists)
    console.log(
      `lists under load (${ACTIVE_RUNS} runs going, ${LOAD_CLIENTS} clients × ${LOAD_SECONDS} s on /runs ×3, /schedules): ${loaded.lists.rps} req/s, p50 ${loaded.lists.p50} ms, p99 ${loaded.lists.p99} ms, max ${loaded.lists.max} ms, non-2xx ${loaded.lists.non2xx}, errors ${loaded.lists.errors}\n` +
        `  /health on a new connection every 100 ms: n ${loaded.health.n}, p50 ${loaded.health.p50.toFixed(1)} ms, p99 ${loaded.health.p99.toFixed(1)} ms, max ${loaded.health.max.toFixed(1)} ms\n` +
        `  the server's event loop (its own monitor, since start): delay p50 ${loaded.eventLoop.p50.toFixed(1)} ms, p99 ${loaded.eventLoop.p99.toFixed(1)} ms, max ${loaded.eventLoop.max.toFixed(1)} ms\n` +
        `  scheduler (every-second schedule meanwhile): ${loaded.scheduler.occurrences} occurrences, lateness p50 ${loaded.scheduler.p50} ms, p99 ${loaded.scheduler.p99} ms, max ${loaded.scheduler.max} ms`,
    );
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  console.log(
    JSON.stringify({
      loaded,
      schedules: {
        p50: schedules.latency.p50,
        p99: schedules.latency.p99,
        rps: schedules.requests.average,
      },
      jobs: { p50: jobs.latency.p50, p99: jobs.latency.p99, rps: jobs.requests.average },
      jobsPlain: {
        p50: jobsPlain.latency.p50,
        p99: jobsPlain.latency.p99,
        rps: jobsPlain.requests.average,
      },
      sse,
      load: loadavg(),
    }),
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
