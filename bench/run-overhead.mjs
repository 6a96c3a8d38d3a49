// Run overhead: sequential runs of a no-op executor through goose-flow, against raw spawns of the
// same no-op executable, measured in the same process and interleaved in blocks to reduce drift.
// Target: goose-flow reaches >= 70 % of the raw rate.
//
//   node bench/run-overhead.mjs [runsPerSide=500] [blockSize=100]
/* global process, console, performance */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../dist/app.js';
import { resolveConfig } from '../dist/config.js';

const RUNS = Number(process.argv[2] ?? 500);
const BLOCK = Number(process.argv[3] ?? 100);
const WARMUP = 30;
const TARGET = 0.7;

const tmp = mkdtempSync(join(tmpdir(), 'goose-flow-bench-overhead-'));
const exe = join(tmp, 'noop');
writeFileSync(exe, '#!/bin/sh\nexit 0\n');
chmodSync(exe, 0o755);
const recipe = join(tmp, 'noop.yaml');
writeFileSync(
  recipe,
  'title: No-op\ndescription: Benchmark recipe that does nothing\nprompt: Do nothing.\n',
);

const app = await openApp(resolveConfig({ dataDir: join(tmp, 'data') }), {
  ...process.env,
  GOOSE_FLOW_GOOSE_BIN: exe,
});
const options = app.runs.defaultOptions();
const request = { recipe, params: {}, options };
const prepared = app.runs.prepare(request);

// Raw side: what goose-flow's supervisor does at the OS level, and nothing else — same executable,
// same goose-run-shaped argv, same env size, a new session (detached), stdout/stderr piped, and we
// wait for 'close' (exit + both pipes drained), as the supervisor does before settling.
const rawArgs = ['run', '--recipe', prepared.recipeEntry, '--name', 'r-raw-a1'];
function rawOnce() {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, rawArgs, {
      cwd: options.cwd,
      env: { ...process.env, GOOSE_JOB_ID: 'x', GOOSE_FLOW_RUN_ID: 'x', GOOSE_FLOW_ATTEMPT: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', () => {});
    child.stderr.on('data', () => {});
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`raw exit ${code}`))));
  });
}

// goose-flow, whole run: recipe validation + snapshot (prepare), store writes, spawn, log file,
// events, settle. This is what `goose-flow run` costs beyond process start-up.
async function wholeRunOnce() {
  const run = await (await app.runs.start(app.runs.prepare(request))).settled;
  if (run.status !== 'succeeded')
    throw new Error(`run ${run.id} ended ${run.status}: ${run.error}`);
}

// goose-flow, start -> settled only: the recipe was prepared once, outside the loop.
async function startOnlyOnce() {
  const run = await (await app.runs.start(prepared)).settled;
  if (run.status !== 'succeeded')
    throw new Error(`run ${run.id} ended ${run.status}: ${run.error}`);
}

async function timeBlock(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return performance.now() - t0;
}

// Time prepare() alone, to show where the whole-run / start-only difference goes.
function timePrepare(n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) app.runs.prepare(request);
  return (performance.now() - t0) / n;
}

const sides = { raw: rawOnce, whole: wholeRunOnce, startOnly: startOnlyOnce };
const totals = { raw: 0, whole: 0, startOnly: 0 };
const blockRates = { raw: [], whole: [], startOnly: [] };
let exitCode = 0;
try {
  for (const fn of Object.values(sides)) await timeBlock(fn, WARMUP);
  for (let done = 0; done < RUNS; done += BLOCK) {
    const n = Math.min(BLOCK, RUNS - done);
    // Rotate the order each block so no side always runs right after another.
    const names = Object.keys(sides);
    const shift = (done / BLOCK) % names.length;
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      const ms = await timeBlock(sides[name], n);
      totals[name] += ms;
      blockRates[name].push((n * 1000) / ms);
    }
  }
  const prepareMs = timePrepare(200);
  const rate = (name) => (RUNS * 1000) / totals[name];
  const raw = rate('raw');
  const whole = rate('whole');
  const startOnly = rate('startOnly');
  const perRun = (r) => (1000 / r).toFixed(2);
  const range = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  const pass = whole / raw >= TARGET;

  console.log(
    `Run overhead — ${RUNS} sequential runs per side, blocks of ${BLOCK}, ${WARMUP} warm-up each`,
  );
  console.log(`  executable: ${exe} (#!/bin/sh exit 0), stdio piped, detached, wait for 'close'`);
  console.log(
    `  raw spawn:                  ${raw.toFixed(1)} runs/s  (${perRun(raw)} ms/run; blocks ${range(blockRates.raw)})`,
  );
  console.log(
    `  goose-flow whole run:       ${whole.toFixed(1)} runs/s  (${perRun(whole)} ms/run; blocks ${range(blockRates.whole)})`,
  );
  console.log(
    `  goose-flow start→settled:   ${startOnly.toFixed(1)} runs/s  (${perRun(startOnly)} ms/run; blocks ${range(blockRates.startOnly)})`,
  );
  console.log(`  prepare() alone:            ${prepareMs.toFixed(2)} ms/call`);
  console.log(
    `  ratio whole/raw:            ${((100 * whole) / raw).toFixed(1)} %  (target ≥ ${TARGET * 100} %) → ${pass ? 'PASS' : 'FAIL'}`,
  );
  console.log(`  ratio start→settled/raw:    ${((100 * startOnly) / raw).toFixed(1)} %`);
  console.log(
    JSON.stringify({
      bench: 'run-overhead',
      loadAvg1mAtEnd: +loadavg()[0].toFixed(2),
      runsPerSide: RUNS,
      rawRunsPerSec: +raw.toFixed(2),
      gooseFlowWholeRunsPerSec: +whole.toFixed(2),
      gooseFlowStartSettledRunsPerSec: +startOnly.toFixed(2),
      prepareMsPerCall: +prepareMs.toFixed(3),
      ratioWhole: +(whole / raw).toFixed(4),
      ratioStartSettled: +(startOnly / raw).toFixed(4),
      target: TARGET,
      pass,
    }),
  );
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await app.close();
  rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = exitCode;
