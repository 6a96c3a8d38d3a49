// Both engines side by side, measured the same way in one run (E3):
//   - run overhead: 100 no-op runs at once (8 at a time) through the services, and 20 one after
//     another; engine-side time from creation to end (embedded: run.createdAt → endedAt; Temporal:
//     workflow start → close), so client polling is not measured;
//   - fire lateness (no-op executor's process start − scheduled time), a real `serve` child:
//     one schedule every second, and 100 schedules due in the same second (every 10 s);
//   - start-up (`serve` spawn → `serve_started`) and RSS (serve, + the dev server on Temporal);
//   - Temporal once more with the dev server's SQLite in WAL mode (`--sqlite-pragma journal_mode=WAL`).
//
//   node bench/engines.mjs [quick]     (quick: 12 s windows instead of 30 s)
/* global process, console, performance, setTimeout, clearTimeout, URL */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { openApp } from '../dist/app.js';
import { resolveConfig } from '../dist/config.js';
import { defaultDraft } from '../dist/domain/schedule/transfer-draft.js';
import { noopGoose, noopRecipe, summary } from './support.mjs';

const QUICK = process.argv[2] === 'quick';
const WINDOW_S = QUICK ? 12 : 30;
const BURST = 100;
const BATCH = 100;
const SEQUENTIAL = 20;

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'goose-flow-bench-engines-'));
const stamps = join(tmp, 'stamps.txt');
// The no-op executor notes when its process started, for which run.
const noop = noopGoose(tmp, `echo "$GOOSE_FLOW_RUN_ID $(date +%s%3N)" >> ${stamps}`);
const recipe = noopRecipe(tmp);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (s) =>
  s.n ? `p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms (n=${s.n})` : 'no samples';
const rssMb = (pid) => {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : null;
  } catch {
    return null;
  }
};
const envFor = (home, extra = {}) => ({
  ...process.env,
  GOOSE_FLOW_HOME: home,
  GOOSE_FLOW_GOOSE_BIN: noop,
  ...extra,
});

/** A `serve` child; resolves once `serve_started` is logged. */
async function serve(home, args) {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'config.yaml'), 'run:\n  heartbeat: 5s\n');
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--log-format', 'json', '--max-concurrent', '100', ...args],
    {
      env: envFor(home),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  const lines = [];
  const exited = new Promise((r) => child.once('exit', r));
  const startedMs = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        lines.push(entry);
        if (entry.msg === 'serve_started') resolve(performance.now() - t0);
      } catch {
        /* not a log line */
      }
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const dev = lines.find((l) => l.msg === 'temporal_dev_server_started');
  return {
    startedMs: Math.round(startedMs),
    pid: child.pid,
    serverPid: dev?.serverPid ?? null,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Scheduled time from a run id: `<id>@<ISO>` (embedded) or `<id>-<RFC 3339 to the second>` (Temporal). */
function scheduledAt(runId) {
  const at = runId.indexOf('@');
  if (at > 0) return Date.parse(runId.slice(at + 1));
  const m = /-(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/.exec(runId);
  return m ? Date.parse(m[1]) : null;
}

function lateness(from, to) {
  const out = [];
  let text;
  try {
    text = readFileSync(stamps, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const [runId, ms] = line.split(' ');
    const t = runId ? scheduledAt(runId) : null;
    if (t !== null && t >= from && t <= to) out.push(Number(ms) - t);
  }
  return out;
}

/** Fire lateness under a real serve: `count` schedules on `cron`, observed for WINDOW_S. */
async function fireLateness(label, serveArgs, count, cron) {
  rmSync(stamps, { force: true });
  const home = join(tmp, label);
  const daemon = await serve(home, serveArgs);
  const app = await openApp(resolveConfig({ dataDir: home }, envFor(home)), envFor(home), {
    warn: () => undefined,
  });
  const drafts = Array.from({ length: count }, (_, i) => ({
    ...defaultDraft(`s${String(i).padStart(3, '0')}`, cron, recipe),
    timezone: 'UTC',
  }));
  await app.schedules.addAll(drafts, tmp);
  const from = Math.ceil((Date.now() + 1500) / 1000) * 1000;
  const to = from + WINDOW_S * 1000 - 1;
  const step = cron === '* * * * * *' ? 1000 : 10_000;
  const instants = Math.floor(to / step) - Math.ceil(from / step) + 1;
  const expected = count * instants;
  await sleep(to - Date.now() + 1000);
  // Late starts count too: wait (up to 60 s) until every occurrence of the window has started.
  for (let waited = 0; lateness(from, to).length < expected && waited < 60_000; waited += 250)
    await sleep(250);
  const rss = {
    serve: rssMb(daemon.pid),
    devServer: daemon.serverPid ? rssMb(daemon.serverPid) : null,
  };
  // What the engine says became of the occurrences (Temporal keeps counts; embedded every decision).
  const fates = { started: 0, skippedOverlap: 0, missedCatchup: 0 };
  for (const s of drafts) {
    const d = await app.schedules.show(s.id);
    if (d.counts) {
      fates.started += d.counts.taken;
      fates.skippedOverlap += d.counts.skippedOverlap;
      fates.missedCatchup += d.counts.missedCatchup;
    } else {
      for (const o of d.decisions) {
        if (o.decision === 'started') fates.started++;
        if (o.decision === 'skipped_overlap') fates.skippedOverlap++;
        if (o.decision === 'missed_catchup') fates.missedCatchup++;
      }
    }
  }
  for (const s of drafts) await app.schedules.pause(s.id, null);
  await app.close();
  await daemon.stop();
  const samples = lateness(from, to);
  return { label, startedMs: daemon.startedMs, rss, expected, fates, lateness: summary(samples) };
}

/** Run overhead through the services with an in-process executor (scheduler or worker). */
async function overhead(label, env) {
  const home = join(tmp, `overhead-${label}`);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'config.yaml'), 'run:\n  heartbeat: 5s\n');
  const config = resolveConfig({ dataDir: home }, envFor(home, env));
  const app = await openApp(config, envFor(home, env), {
    warn: () => undefined,
    ...(config.engine === 'temporal' ? { serving: 'worker' } : {}),
  });
  if (app.engine === 'temporal') await app.serve({ maxConcurrent: 8, log: () => undefined });
  const options = app.runs.defaultOptions();
  const prepared = app.runs.prepare({ recipe, params: {}, options });
  const engineTimes = async (run) => {
    const d = await app.runs.show(run.id);
    return { created: d.run.createdAt, ended: d.run.endedAt };
  };
  // Warm-up.
  for (let i = 0; i < 5; i++) await (await app.runs.start(prepared)).settled;
  const seq = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const run = await (await app.runs.start(prepared)).settled;
    const t = await engineTimes(run);
    seq.push(t.ended - t.created);
  }
  // A batch at once: the embedded engine drives all in-process; the worker runs 8 at a time.
  const started = [];
  for (let i = 0; i < BATCH; i++) started.push(await app.runs.start(prepared));
  const runs = await Promise.all(started.map((s) => s.settled));
  const times = await Promise.all(runs.map(engineTimes));
  const first = Math.min(...times.map((t) => t.created));
  const last = Math.max(...times.map((t) => t.ended));
  await app.close();
  return {
    label,
    sequentialMs: summary(seq),
    batch: {
      runs: BATCH,
      seconds: (last - first) / 1000,
      runsPerSecond: Math.round((BATCH / ((last - first) / 1000)) * 10) / 10,
    },
    allSucceeded: runs.every((r) => r.status === 'succeeded'),
  };
}

async function main() {
  console.log(
    `engines benchmark — ${new Date().toISOString()}, window ${WINDOW_S} s, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const results = { lateness: [], overhead: [] };

  // Fire lateness and start-up, embedded then Temporal (plain and WAL).
  const variants = [
    ['embedded', []],
    ['temporal', ['--engine', 'temporal']],
    ['temporal-wal', ['--engine', 'temporal', '--sqlite-pragma', 'journal_mode=WAL']],
  ];
  for (const [name, args] of variants) {
    for (const [kind, count, cron] of [
      ['every-second', 1, '* * * * * *'],
      ['burst-100', BURST, '*/10 * * * * *'],
    ]) {
      const r = await fireLateness(`${name}-${kind}`, args, count, cron);
      results.lateness.push(r);
      console.log(
        `${r.label}: serve ready ${r.startedMs} ms, RSS serve ${r.rss.serve} MB${r.rss.devServer ? ` + dev server ${r.rss.devServer} MB` : ''}; lateness ${fmt(r.lateness)} (expected ${r.expected}); engine's count of fates since creation: ${JSON.stringify(r.fates)}`,
      );
    }
  }

  // Run overhead: embedded in-process; Temporal against a dev server started by a serve.
  results.overhead.push(await overhead('embedded', { GOOSE_FLOW_ENGINE: 'embedded' }));
  for (const [name, args] of [
    ['temporal', ['--engine', 'temporal']],
    ['temporal-wal', ['--engine', 'temporal', '--sqlite-pragma', 'journal_mode=WAL']],
  ]) {
    const home = join(tmp, `server-${name}`);
    const daemon = await serve(home, [...args, '--max-concurrent', '1']);
    const address = JSON.parse(readFileSync(join(home, 'temporal-server.json'), 'utf8')).address;
    results.overhead.push(
      await overhead(name, {
        GOOSE_FLOW_ENGINE: 'temporal',
        GOOSE_FLOW_TEMPORAL_ADDRESS: address,
        GOOSE_FLOW_TEMPORAL_TASK_QUEUE: 'bench-overhead',
      }),
    );
    await daemon.stop();
  }
  for (const r of results.overhead) {
    console.log(
      `${r.label}: one run at a time ${fmt(r.sequentialMs)} (creation → end); ${r.batch.runs} at once: ${r.batch.runsPerSecond} runs/s (${r.batch.seconds.toFixed(2)} s)${r.allSucceeded ? '' : ' — NOT ALL SUCCEEDED'}`,
    );
  }
  console.log(JSON.stringify(results));
}

try {
  await main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
