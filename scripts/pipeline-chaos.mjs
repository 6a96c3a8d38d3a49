#!/usr/bin/env node
/**
 * Pipeline chaos: `kill -9` of `goose-flow serve` at random moments while a pipeline with a
 * fan-out runs every 2 seconds (overlap `allow_all`): `list` (a JSON output of 4 items) →
 * `review` for_each item (max_parallel 2) and, beside it, `check` (fails its first attempt,
 * retried) → `summary` (the fan-in of the 4 reviews). Steps sleep 0.3–1.5 s. After the kills a
 * last daemon runs, the schedule is paused, everything is let settle, the daemon is stopped, and
 * the store and the stand-in's own records are checked:
 *
 *   - every pipeline run settled `succeeded` (the only injected failure is `check`'s first
 *     attempt, which is retried; nothing else is killed but goose-flow);
 *   - no step executed twice: each (GOOSE_FLOW_RUN_ID, GOOSE_FLOW_ATTEMPT) appears at most once in
 *     the stand-in's invocation log, every goose start belongs to a step run, and every step run
 *     has as many goose starts as attempts recorded;
 *   - `runs show <id> --json` of every pipeline run: all steps succeeded, and the summary step's
 *     params carry the 4 review outputs (the fan-in survived the crashes);
 *   - no goose-flow process (daemon, keeper) and no stand-in left after the final stop;
 *     `PRAGMA integrity_check` is ok.
 *
 *   node scripts/pipeline-chaos.mjs [--kills 30] [--min-ms 500] [--max-ms 3000] [--seed 1] [--json] [--keep]
 *
 * Needs `npm run build`. Exit 0 when every check holds, 1 otherwise. The test suite runs a short
 * form (test/integration/pipeline-chaos.test.ts); the long form's figures are in
 * docs/BENCHMARKS.md (section 8).
 */
/* global process */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  flag,
  option,
  query as queryStore,
  run as runCli,
  seeded,
  sleep,
  startServe as serveIn,
  workspace,
} from './chaos-support.mjs';

const KILLS = Number(option('kills', '30'));
const MIN_MS = Number(option('min-ms', '500'));
const MAX_MS = Number(option('max-ms', '3000'));
const startSeed = Number(option('seed', String(Date.now() % 100000)));
const { between } = seeded(startSeed);

const { work, dataDir, pidfile, invocations, env } = workspace('goose-flow-pipeline-chaos-');
const folder = join(work, 'pipeline');
const run = (args, opts) => runCli(env, args, opts);
const startServe = (index) => serveIn({ work, env }, index);
const query = (sql, ...args) => queryStore(dataDir, sql, ...args);

const ITEMS = 4;
const SCHEDULE = 'pipe';

function writePipeline() {
  mkdirSync(folder, { recursive: true });
  const recipe = (name, lines) =>
    writeFileSync(
      join(folder, `${name}.yaml`),
      [...lines, 'version: "1.0.0"', `title: ${name}`, 'description: pipeline chaos'].join('\n') +
        '\n',
    );
  const items = Array.from({ length: ITEMS }, (_, i) => ({ n: i + 1 }));
  recipe('list', [
    '# goose-standin: sleep=0.3 lines=3',
    `# goose-standin-output: ${JSON.stringify({ items })}`,
    'prompt: list the things',
    'response:',
    '  json_schema: {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "number"}}}}}}',
  ]);
  recipe('review', [
    '# goose-standin: sleep=1.2 lines=3',
    '# goose-standin-output: reviewed-{{ n }}',
    'prompt: review {{ n }}',
    'parameters:',
    '  - key: n',
    '    input_type: number',
    '    requirement: required',
    '    description: the item',
  ]);
  recipe('check', [
    '# goose-standin: sleep=0.6 lines=3 fail_first=1',
    '# goose-standin-output: checked',
    'prompt: check',
  ]);
  recipe('summary', [
    '# goose-standin: sleep=0.5 lines=3',
    '# goose-standin-output: summary of {{ reviews }}',
    'prompt: summarise {{ reviews }}',
    'parameters:',
    '  - key: reviews',
    '    input_type: string',
    '    requirement: required',
    '    description: the reviews',
  ]);
  const file = join(folder, 'chaos.yaml');
  writeFileSync(
    file,
    [
      'name: pipeline-chaos',
      'steps:',
      '  - id: list',
      '    recipe: list.yaml',
      '  - id: review',
      '    needs: [list]',
      '    recipe: review.yaml',
      '    for_each: ${steps.list.output.items}',
      '    max_parallel: 2',
      '    params: { n: "${item.n}" }',
      '  - id: check',
      '    needs: [list]',
      '    recipe: check.yaml',
      '    retries: 2',
      '  - id: summary',
      '    needs: [review, check]',
      '    recipe: summary.yaml',
      '    params: { reviews: "reviews: ${steps.review.output}" }',
    ].join('\n') + '\n',
  );
  return file;
}

/**
 * Live processes of this run (daemons, keepers, stand-ins and their children): every one of them
 * has this run's data dir in its environment; a reused pid does not, and is neither counted nor
 * killed.
 */
function ours() {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue;
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      if (
        environ.includes(`GOOSE_FLOW_HOME=${dataDir}`) ||
        environ.includes(`STANDIN_PIDFILE=${pidfile}`)
      )
        found.push({
          pid: Number(name),
          command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function db() {
  return new Database(join(dataDir, 'goose-flow.db'), { readonly: true, fileMustExist: true });
}

async function main() {
  const report = { seed: startSeed, kills: 0, violations: [] };
  const pipeline = writePipeline();
  const valid = await run(['recipe', 'validate', pipeline]);
  if (valid.code !== 0) throw new Error(`recipe validate: ${valid.out}${valid.err}`);
  const added = await run([
    'schedule',
    'add',
    SCHEDULE,
    '--cron',
    '*/2 * * * * *',
    '--tz',
    'UTC',
    '--overlap',
    'allow_all',
    '--recipe',
    pipeline,
  ]);
  if (added.code !== 0) throw new Error(`schedule add: ${added.out}${added.err}`);
  const began = Date.now();
  for (let i = 0; i < KILLS; i++) {
    const serve = startServe(i);
    await serve.started;
    await sleep(between(MIN_MS, MAX_MS));
    serve.child.kill('SIGKILL');
    await serve.closed;
    report.kills++;
    await sleep(between(0, 800));
  }
  report.killPhaseMs = Date.now() - began;
  // The last daemon settles everything: the schedule is paused, then it runs until nothing runs.
  const last = startServe('final');
  await last.started;
  await sleep(2_000);
  const paused = await run(['schedule', 'pause', SCHEDULE]);
  if (paused.code !== 0) report.violations.push(`schedule pause: ${paused.err}`);
  const settleStarted = Date.now();
  let lastProgress = Date.now();
  let lastSettled = -1;
  let active;
  for (;;) {
    active = query("SELECT id, status FROM runs WHERE status IN ('pending','running','retrying')");
    if (active.length === 0) break;
    const settled = query('SELECT count(*) AS n FROM runs WHERE ended_at IS NOT NULL')[0].n;
    if (settled !== lastSettled) {
      lastSettled = settled;
      lastProgress = Date.now();
    }
    if (Date.now() - lastProgress > 60_000 || Date.now() - settleStarted > 10 * 60_000) break;
    await sleep(250);
  }
  report.settleMs = Date.now() - settleStarted;
  if (active.length > 0)
    report.violations.push(`runs not settled (nothing ended for 60 s): ${JSON.stringify(active)}`);
  last.child.kill('SIGTERM');
  await last.closed;
  await sleep(500);
  await checkPipelines(report);
  checkStore(report);
  const left = ours();
  report.processesLeft = left.length;
  if (left.length > 0)
    report.violations.push(`processes left after the final stop: ${JSON.stringify(left)}`);
  return report;
}

/** Every pipeline run succeeded, with every step succeeded and the fan-in in the summary's params. */
async function checkPipelines(report) {
  const pipelines = query("SELECT id, status FROM runs WHERE kind = 'pipeline' ORDER BY id");
  report.pipelineRuns = pipelines.length;
  report.pipelineStatuses = {};
  for (const p of pipelines)
    report.pipelineStatuses[p.status] = (report.pipelineStatuses[p.status] ?? 0) + 1;
  const notSucceeded = pipelines.filter((p) => p.status !== 'succeeded');
  if (notSucceeded.length > 0)
    report.violations.push(
      `pipeline runs not succeeded: ${JSON.stringify(notSucceeded.slice(0, 10))}`,
    );
  if (pipelines.length === 0) report.violations.push('no pipeline run at all');
  const expected = Array.from({ length: ITEMS }, (_, i) => `reviewed-${i + 1}`);
  let stepsBad = 0;
  let fanInBad = 0;
  for (const p of pipelines) {
    const shown = await run(['runs', 'show', p.id, '--json']);
    let detail;
    try {
      detail = JSON.parse(shown.out);
    } catch {
      report.violations.push(`runs show ${p.id}: ${shown.code} ${shown.err.slice(0, 300)}`);
      continue;
    }
    const steps = detail.pipeline?.steps ?? [];
    const bad = steps.filter((s) => s.status !== 'succeeded');
    if (steps.length !== 4 || bad.length > 0) {
      stepsBad++;
      report.violations.push(
        `${p.id}: steps ${JSON.stringify(steps.map((s) => `${s.id}=${s.status}`))}`,
      );
    }
    const summary = JSON.parse(
      (await run(['runs', 'show', `${p.id}:summary`, '--json'])).out || '{}',
    );
    const reviews = String(summary.params?.reviews ?? '');
    const missing = expected.filter((e) => !reviews.includes(e));
    if (missing.length > 0) {
      fanInBad++;
      report.violations.push(
        `${p.id}: summary params lack ${JSON.stringify(missing)} (params ${JSON.stringify(summary.params ?? null)})`,
      );
    }
  }
  report.pipelinesWithStepsNotSucceeded = stepsBad;
  report.summariesWithoutFanIn = fanInBad;
}

function checkStore(report) {
  const d = db();
  try {
    const integrity = d.pragma('integrity_check', { simple: true });
    report.integrity = integrity;
    if (integrity !== 'ok') report.violations.push(`integrity_check: ${integrity}`);
    const runs = d
      .prepare('SELECT kind, status, count(*) AS n FROM runs GROUP BY kind, status')
      .all();
    report.runs = Object.fromEntries(runs.map((r) => [`${r.kind}:${r.status}`, r.n]));
    const steps = d
      .prepare(
        `SELECT r.id, r.status, r.attempt_count, (SELECT count(*) FROM attempts a WHERE a.run_id = r.id) AS attempts
         FROM runs r WHERE r.parent_run_id IS NOT NULL`,
      )
      .all();
    report.stepRuns = steps.length;
    report.occurrences = Object.fromEntries(
      d
        .prepare('SELECT decision, count(*) AS n FROM occurrences GROUP BY decision')
        .all()
        .map((r) => [r.decision, r.n]),
    );
    report.attempts = d.prepare('SELECT count(*) FROM attempts').pluck().get();
    report.attemptsByStatus = Object.fromEntries(
      d
        .prepare('SELECT status, count(*) AS n FROM attempts GROUP BY status')
        .all()
        .map((r) => [r.status, r.n]),
    );
    const events = (type) =>
      d.prepare('SELECT count(*) FROM events WHERE type = ?').pluck().get(type);
    report.withdrawn = events('attempt_withdrawn');
    report.adopted = events('attempt_adopted');
    // Pipeline runs that a later daemon took over from a killed one.
    report.pipelinesTakenOver = d
      .prepare(
        "SELECT count(DISTINCT e.run_id) FROM events e JOIN runs r ON r.id = e.run_id WHERE e.type = 'owner_lost' AND r.kind = 'pipeline'",
      )
      .pluck()
      .get();
    const calls = existsSync(invocations)
      ? readFileSync(invocations, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
    report.gooseInvocations = calls.length;
    const byAttempt = new Map();
    const byRun = new Map();
    for (const c of calls) {
      const key = `${c.env.GOOSE_FLOW_RUN_ID}#${c.env.GOOSE_FLOW_ATTEMPT}`;
      byAttempt.set(key, (byAttempt.get(key) ?? 0) + 1);
      byRun.set(c.env.GOOSE_FLOW_RUN_ID, (byRun.get(c.env.GOOSE_FLOW_RUN_ID) ?? 0) + 1);
    }
    const twice = [...byAttempt].filter(([, n]) => n > 1);
    report.attemptsExecutedTwice = twice.length;
    if (twice.length > 0)
      report.violations.push(`attempts executed twice: ${JSON.stringify(twice.slice(0, 10))}`);
    const stepIds = new Set(steps.map((s) => s.id));
    const stray = [...byRun.keys()].filter((id) => !stepIds.has(id));
    if (stray.length > 0)
      report.violations.push(`goose runs of no step run: ${JSON.stringify(stray.slice(0, 10))}`);
    const mismatched = steps.filter(
      (s) => (byRun.get(s.id) ?? 0) !== s.attempts || s.attempts !== s.attempt_count,
    );
    report.stepsStartsNotAttempts = mismatched.length;
    if (mismatched.length > 0)
      report.violations.push(
        `step runs whose goose starts differ from their attempts: ${JSON.stringify(
          mismatched.slice(0, 10).map((s) => ({ ...s, gooseStarts: byRun.get(s.id) ?? 0 })),
        )}`,
      );
    report.retriedSteps = steps.filter((s) => s.attempts > 1).length;
  } finally {
    d.close();
  }
}

try {
  const report = await main();
  if (flag('json')) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    process.stdout.write(
      `pipeline chaos: seed ${report.seed}, ${report.kills} kill(s) of serve in ${Math.round(report.killPhaseMs / 1000)} s; settled ${Math.round(report.settleMs / 1000)} s after the schedule was paused\n` +
        `  occurrences ${JSON.stringify(report.occurrences)}; pipeline runs ${report.pipelineRuns}: ${JSON.stringify(report.pipelineStatuses)}; step runs ${report.stepRuns} (retried ${report.retriedSteps}); attempts ${report.attempts} ${JSON.stringify(report.attemptsByStatus)}\n` +
        `  pipeline runs taken over from a killed daemon ${report.pipelinesTakenOver}; attempts re-adopted ${report.adopted}; withdrawn ${report.withdrawn}\n` +
        `  goose invocations ${report.gooseInvocations}; attempts executed twice ${report.attemptsExecutedTwice}; step runs whose starts differ from attempts ${report.stepsStartsNotAttempts}; steps not succeeded ${report.pipelinesWithStepsNotSucceeded}; summaries without the fan-in ${report.summariesWithoutFanIn}; processes left ${report.processesLeft}; integrity ${report.integrity}\n` +
        (report.violations.length
          ? `  VIOLATIONS:\n${report.violations.map((v) => `    - ${v}`).join('\n')}\n`
          : '  every check holds\n'),
    );
  }
  process.exitCode = report.violations.length > 0 ? 1 : 0;
} finally {
  for (const { pid } of ours()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (!flag('keep')) rmSync(work, { recursive: true, force: true });
  else process.stderr.write(`pipeline chaos: kept ${work}\n`);
}
