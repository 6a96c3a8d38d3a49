// Kill latency: a three-level process tree (goose stand-in → sh → sleep) must be completely gone
// within grace + 250 ms of `goose-flow kill`. Measured for a tree that dies on SIGTERM and for one
// that ignores SIGTERM (goose-flow escalates to SIGKILL after the grace period).
//
//   node bench/kill-latency.mjs [samplesPerScenario=40] [graceMs=500]
/* global process, console, performance, URL, setTimeout */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from '../dist/app.js';
import { resolveConfig } from '../dist/config.js';

const SAMPLES = Number(process.argv[2] ?? 40);
const GRACE_MS = Number(process.argv[3] ?? 500);
const BUDGET_MS = 250;
const CHILDREN = 2; // goose + 2 × (sh + sleep) = 5 processes, 3 levels deep

const standin = fileURLToPath(new URL('../test/goose-standin/goose', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'goose-flow-bench-kill-'));
const pidfile = join(tmp, 'pids');
const recipeFor = (name, directives) => {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(
    file,
    `# goose-standin: ${directives}\ntitle: ${name}\ndescription: kill benchmark\nprompt: Wait.\n`,
  );
  return file;
};
const scenarios = [
  {
    name: 'cooperative (dies on SIGTERM)',
    recipe: recipeFor('coop', `children=${CHILDREN} sleep=600 lines=0`),
  },
  {
    name: 'ignores SIGTERM (SIGKILL after grace)',
    recipe: recipeFor('stubborn', `children=${CHILDREN} sleep=600 lines=0 ignore_term=1`),
  },
];

const app = await openApp(resolveConfig({ dataDir: join(tmp, 'data') }), {
  ...process.env,
  GOOSE_FLOW_GOOSE_BIN: standin,
  STANDIN_PIDFILE: pidfile,
});
const options = { ...app.runs.defaultOptions(), graceMs: GRACE_MS };
const delay = (ms) => new Promise((r) => setTimeout(r, ms));
const everySeen = new Set();

/** Gone = no /proc entry, or a zombie (it holds nothing; pid 1 of a container may never reap it). */
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
const readPids = () => readFileSync(pidfile, 'utf8').split('\n').filter(Boolean).map(Number);

async function sample(recipe) {
  writeFileSync(pidfile, '');
  const started = await app.runs.start(app.runs.prepare({ recipe, params: {}, options }));
  const expected = 1 + 2 * CHILDREN;
  const waitUntil = performance.now() + 10_000;
  let pids = [];
  while ((pids = readPids()).length < expected || !pids.every(alive)) {
    if (performance.now() > waitUntil)
      throw new Error(`tree did not come up: pids ${pids.join(',')}`);
    await delay(5);
  }
  await delay(20); // let the stand-in install its handlers and the shells their traps
  pids.forEach((p) => everySeen.add(p));

  const t0 = performance.now();
  let goneAt = null;
  const watch = (async () => {
    while (pids.some(alive)) await delay(1); // ~1 ms resolution, without starving goose-flow's loop
    goneAt = performance.now();
  })();
  const outcome = await app.runs.kill(started.run.id, 'benchmark');
  const returnedAt = performance.now();
  await Promise.race([watch, delay(GRACE_MS + 5_000)]);
  const run = await started.settled;
  if (goneAt === null)
    throw new Error(`tree of ${run.id} still alive 5 s after kill returned: ${pids.filter(alive)}`);
  // The attempt's end records how the stop went (escalated to SIGKILL or not).
  const killed = (await app.runs.show(run.id)).events.find((e) => e.type === 'attempt_cancelled');
  return {
    goneMs: goneAt - t0,
    returnedMs: returnedAt - t0,
    escalated: killed?.data.escalated ?? null,
    status: run.status,
    settled: outcome.settled,
  };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const stats = (xs) => ({
  p50: +pct(xs, 50).toFixed(1),
  p99: +pct(xs, 99).toFixed(1),
  max: +Math.max(...xs).toFixed(1),
});

const results = [];
let exitCode = 0;
try {
  await sample(scenarios[0].recipe); // warm-up
  for (const sc of scenarios) {
    const rows = [];
    for (let i = 0; i < SAMPLES; i++) rows.push(await sample(sc.recipe));
    const gone = stats(rows.map((r) => r.goneMs));
    const returned = stats(rows.map((r) => r.returnedMs));
    const limit = GRACE_MS + BUDGET_MS;
    const result = {
      scenario: sc.name,
      samples: rows.length,
      treeGoneMs: gone,
      killReturnedMs: returned,
      marginOverGraceMs: {
        p50: +(gone.p50 - GRACE_MS).toFixed(1),
        p99: +(gone.p99 - GRACE_MS).toFixed(1),
      },
      escalated: rows.filter((r) => r.escalated).length,
      allCancelled: rows.every((r) => r.status === 'cancelled' && r.settled),
      limitMs: limit,
      pass: gone.max <= limit,
    };
    results.push(result);
    console.log(
      `Kill latency — ${sc.name}: ${rows.length} samples, grace ${GRACE_MS} ms, ${1 + 2 * CHILDREN} processes/tree`,
    );
    console.log(
      `  tree gone:     p50 ${gone.p50} ms  p99 ${gone.p99} ms  max ${gone.max} ms  (limit ${limit} ms) → ${result.pass ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `  over grace:    p50 ${result.marginOverGraceMs.p50} ms  p99 ${result.marginOverGraceMs.p99} ms  (budget ${BUDGET_MS} ms)`,
    );
    console.log(
      `  kill() return: p50 ${returned.p50} ms  p99 ${returned.p99} ms  max ${returned.max} ms`,
    );
    console.log(
      `  escalated to SIGKILL: ${result.escalated}/${rows.length}; all runs cancelled: ${result.allCancelled}`,
    );
  }
  console.log(
    JSON.stringify({
      bench: 'kill-latency',
      loadAvg1mAtEnd: +loadavg()[0].toFixed(2),
      graceMs: GRACE_MS,
      budgetMs: BUDGET_MS,
      results,
      pass: results.every((r) => r.pass),
    }),
  );
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  const leftovers = [...everySeen].filter(alive);
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  if (leftovers.length) {
    console.error(`killed ${leftovers.length} left-over processes`);
    exitCode = 1;
  }
  await app.close();
  rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = exitCode;
