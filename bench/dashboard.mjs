// The dashboard's targets (E9), against `serve --port 0` on a store of 1,000 schedules and 10,000
// runs, in Debian's Chromium (playwright-core): the first page's JS size, first page usable after
// navigation, a run's state change visible in an open page after it is written, table scrolling,
// and a 50 MB log opened without loading it whole.
//   node bench/dashboard.mjs [samples=10]
/* global process, console, fetch, document, window, performance, requestAnimationFrame, MutationObserver, setTimeout, URL */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { noopGoose, noopRecipe, seedStore, summary, listeningPort } from './support.mjs';

const SAMPLES = Number(process.argv[2] ?? 10);
const LIVE_RUNS = 30;
const LOG_BYTES = 50 * 1024 * 1024;
const CHROMIUM = process.env.GOOSE_FLOW_CHROMIUM ?? '/usr/bin/chromium';
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const web = fileURLToPath(new URL('../dist/web/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'goose-flow-bench-dashboard-'));
const home = join(tmp, 'data');
const recipe = noopRecipe(tmp, 'dashboard benchmark');
const env = { ...process.env, GOOSE_FLOW_HOME: home, GOOSE_FLOW_GOOSE_BIN: noopGoose(tmp) };

function cliSync(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`goose-flow ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The first page's JS and CSS, gzipped as the server sends them. */
function bundleSizes() {
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
    (m) => m[1],
  );
  const sizes = { js: 0, css: 0 };
  for (const a of assets)
    sizes[a.endsWith('.js') ? 'js' : 'css'] += gzipSync(readFileSync(join(web, a))).length;
  return {
    jsKbGzip: +(sizes.js / 1024).toFixed(1),
    cssKbGzip: +(sizes.css / 1024).toFixed(1),
    assets,
  };
}

/** A settled run with one attempt whose log is `bytes` long (numbered lines). */
function seedBigLog(bytes) {
  const db = new Database(join(home, 'goose-flow.db'));
  const any = db.prepare('SELECT * FROM runs LIMIT 1').get();
  const id = 'big-log@2026-11-30T00:00:00.000Z';
  const dir = join(home, 'logs', id);
  mkdirSync(dir, { recursive: true });
  const line = (i) => `line ${String(i).padStart(9, '0')} ${'x'.repeat(100)}\n`;
  const chunk = [];
  let size = 0;
  let last = '';
  for (let i = 0; size < bytes; i++) {
    last = line(i);
    chunk.push(last);
    size += last.length;
  }
  const logPath = join(dir, '1.log');
  writeFileSync(logPath, chunk.join(''), { mode: 0o600 });
  const now = Date.now();
  db.prepare(
    `INSERT INTO runs (id, status, trigger, schedule_id, recipe_path, recipe_hash, params, options, created_at, started_at, ended_at, attempt_count, exit_code)
     VALUES (?, 'succeeded', 'manual', NULL, ?, ?, '{}', ?, ?, ?, ?, 1, 0)`,
  ).run(id, any.recipe_path, any.recipe_hash, any.options, now - 60_000, now - 59_000, now - 1_000);
  db.prepare(
    `INSERT INTO attempts (run_id, number, status, started_at, ended_at, deadline_at, exit_code, log_path, log_bytes)
     VALUES (?, 1, 'succeeded', ?, ?, ?, 0, ?, ?)`,
  ).run(id, now - 59_000, now - 1_000, now + 3_600_000, logPath, size);
  db.close();
  return { id, size, lastLine: last.slice(0, 14) };
}

async function startServe() {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--log-format', 'json'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await listeningPort(child);
  return { child, root: `http://127.0.0.1:${port}` };
}

/** Navigation → the page shows its data (`ready` visible), in a fresh context each time (cold). */
async function firstPage(browser, root, path, ready) {
  const times = [];
  for (let i = 0; i < SAMPLES; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(root + path, { waitUntil: 'commit' });
    await page.locator(ready).first().waitFor({ timeout: 30_000 });
    times.push(Date.now() - t0);
    await context.close();
  }
  return summary(times);
}

/** Runs started through the API while /runs is open: their end (stored) → `succeeded` shown. */
async function liveLatency(browser, root) {
  const page = await browser.newPage();
  await page.goto(root + '/runs');
  await page.locator('tr[data-run]').first().waitFor();
  await page.evaluate(() => {
    window.seen = {};
    new MutationObserver(() => {
      for (const row of document.querySelectorAll('tr[data-run]')) {
        const id = row.getAttribute('data-run');
        if (!window.seen[id] && row.querySelector('.status.succeeded'))
          window.seen[id] = Date.now();
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
  const api = root + '/api/v1';
  const post = (path, body) =>
    fetch(api + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  await post('/schedules', { id: 'live', cron: '0 0 1 1 *', timezone: 'UTC', recipe });
  const lags = [];
  for (let i = 0; i < LIVE_RUNS; i++) {
    const { run } = await post('/schedules/live/trigger', {});
    let shown;
    for (let t = 0; t < 200 && !shown; t++) {
      shown = await page.evaluate((id) => window.seen[id], run.id);
      if (!shown) await new Promise((r) => setTimeout(r, 50));
    }
    const detail = await fetch(`${api}/runs/${encodeURIComponent(run.id)}`).then((r) => r.json());
    if (shown && detail.endedAt) lags.push(shown - Date.parse(detail.endedAt));
  }
  await page.close();
  return summary(lags);
}

/** Frames drawn while the page scrolls by 120 px every frame for 3 s. */
async function scrollFps(browser, root, path, row) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(root + path);
  await page.locator(row).first().waitFor();
  const result = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const el = document.scrollingElement;
        let frames = 0;
        let worst = 0;
        let last = performance.now();
        const start = last;
        const step = (now) => {
          frames++;
          worst = Math.max(worst, now - last);
          last = now;
          el.scrollTop = (el.scrollTop + 120) % Math.max(1, el.scrollHeight - el.clientHeight);
          if (now - start < 3000) requestAnimationFrame(step);
          else
            resolve({
              fps: +(frames / ((now - start) / 1000)).toFixed(1),
              worstFrameMs: +worst.toFixed(1),
            });
        };
        requestAnimationFrame(step);
      }),
  );
  await page.close();
  return result;
}

/** The run page of a 50 MB log: bytes fetched for the log, time to its last line, JS heap. */
async function bigLog(browser, root, run) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Bytes received for the log's requests (ranges and stream), as the network saw them.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Network.enable');
  const logRequests = new Set();
  let logBytes = 0;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (/\/logs|\/log-stream/.test(e.request.url)) logRequests.add(e.requestId);
  });
  cdp.on('Network.dataReceived', (e) => {
    if (logRequests.has(e.requestId)) logBytes += e.dataLength;
  });
  const t0 = Date.now();
  await page.goto(`${root}/runs/${encodeURIComponent(run.id)}`);
  await page.getByTestId('log').filter({ hasText: run.lastLine }).waitFor({ timeout: 60_000 });
  const shownMs = Date.now() - t0;
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  await context.close();
  return {
    logMb: +(run.size / 1048576).toFixed(1),
    shownMs,
    fetchedMb: +(logBytes / 1048576).toFixed(2),
    jsHeapMb: +(heap / 1048576).toFixed(1),
  };
}

let serve;
let browser;
try {
  seedStore({ home, recipe, schedules: 1000, runs: 10_000, add: cliSync });
  const big = seedBigLog(LOG_BYTES);
  serve = await startServe();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  // A measurement that fails is reported as its error, and the others still run.
  const measure = (f) => f().catch((err) => ({ error: err.message.split('\n')[0] }));
  const results = {
    bundle: bundleSizes(),
    firstPage: {
      overview: await measure(() => firstPage(browser, serve.root, '/', '.card .big')),
      schedules: await measure(() =>
        firstPage(browser, serve.root, '/schedules', 'tr[data-schedule]'),
      ),
      runs: await measure(() => firstPage(browser, serve.root, '/runs', 'tr[data-run]')),
    },
    liveMs: await measure(() => liveLatency(browser, serve.root)),
    scroll: {
      schedules: await measure(() =>
        scrollFps(browser, serve.root, '/schedules', 'tr[data-schedule]'),
      ),
      runs: await measure(() => scrollFps(browser, serve.root, '/runs', 'tr[data-run]')),
    },
    bigLog: await measure(() => bigLog(browser, serve.root, big)),
  };
  const r = results;
  console.log(
    `Dashboard benchmark — 1,000 schedules, 10,000 runs, ${SAMPLES} samples, Chromium ${browser.version()}`,
  );
  console.log(
    `  first page JS ${r.bundle.jsKbGzip} KB gzip (CSS ${r.bundle.cssKbGzip} KB) — target ≤ 150 KB → ${r.bundle.jsKbGzip <= 150 ? 'PASS' : 'FAIL'}`,
  );
  for (const [name, s] of Object.entries(r.firstPage))
    console.log(
      `  first page usable, ${name}: p50 ${s.p50} ms, p99 ${s.p99} ms — target ≤ 500 ms → ${s.p99 <= 500 ? 'PASS' : 'FAIL'}`,
    );
  console.log(
    `  run state change visible: p50 ${r.liveMs.p50} ms, p99 ${r.liveMs.p99} ms (n ${r.liveMs.n}) — target ≤ 100 ms p99 → ${r.liveMs.p99 <= 100 ? 'PASS' : 'FAIL'}`,
  );
  for (const [name, s] of Object.entries(r.scroll))
    console.log(
      `  scrolling ${name}: ${s.fps} fps, worst frame ${s.worstFrameMs} ms — target 60 fps`,
    );
  console.log(
    `  ${r.bigLog.logMb} MB log: last line shown after ${r.bigLog.shownMs} ms; ${r.bigLog.fetchedMb} MB fetched; JS heap ${r.bigLog.jsHeapMb} MB`,
  );
  console.log(JSON.stringify({ bench: 'dashboard', loadAvg1mAtEnd: loadavg()[0], ...results }));
} finally {
  await browser?.close();
  if (serve) {
    serve.child.kill('SIGTERM');
    await new Promise((r) => serve.child.once('exit', r));
  }
  rmSync(tmp, { recursive: true, force: true });
}
