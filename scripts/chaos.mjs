#!/usr/bin/env node
/**
 * Chaos: `kill -9` of `goose-flow serve` at random moments under seven schedules (every overlap
 * policy; long, short, failing and tree-spawning recipes) and of an ad-hoc `goose-flow run` beside
 * it, sometimes with the attempts' processes killed too (a goose that dies while no goose-flow
 * watches it). Then a last daemon runs,
 * the schedules are paused, everything is let settle, the daemon is stopped, and the store and the
 * stand-in's own records are checked:
 *
 *   - every occurrence of every schedule has exactly one fate (no gap, no second decision);
 *   - every started (or released) occurrence has its run (run ids are the schedule time, so no
 *     time can have two);
 *   - no buffered occurrence is left waiting while nothing of its schedule runs;
 *   - every run settled; `PRAGMA integrity_check` is ok;
 *   - no process left after the final stop;
 *   - no attempt executed twice, no goose run without its attempt recorded (from the stand-in's
 *     own invocation log), no attempt whose end went unrecorded (`lost`);
 *   - every attempt that ended on its own has all its output in its log (20 numbered lines and
 *     a last line).
 *
 *   node scripts/chaos.mjs [--kills 100] [--min-ms 500] [--max-ms 3000] [--scale 1] [--seed 1] [--json] [--keep]
 *
 * Needs `npm run build`. Exit 0 when every check holds, 1 otherwise. The test suite runs a short
 * form (test/integration/chaos.test.ts); the long form's figures are in docs/BENCHMARKS.md.
 */
/* global process, setTimeout, clearTimeout */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  cli,
  flag,
  option,
  query as queryStore,
  run as runCli,
  seeded,
  sleep,
  startServe as serveIn,
  workspace,
} from './chaos-support.mjs';

const KILLS = Number(option('kills', '100'));
const MIN_MS = Number(option('min-ms', '500'));
const MAX_MS = Number(option('max-ms', '3000'));
/** Recipe durations are multiplied by this (the suite's short form runs shorter recipes). */
const SCALE = Number(option('scale', '1'));
const startSeed = Number(option('seed', String(Date.now() % 100000)));
const { random, between } = seeded(startSeed);

const { work, dataDir, pidfile, invocations, env } = workspace('goose-flow-chaos-');
const run = (args, opts) => runCli(env, args, opts);
const startServe = (index) => serveIn({ work, env }, index);
const query = (sql, ...args) => queryStore(dataDir, sql, ...args);

function recipe(name, directives) {
  const file = join(work, `${name}.yaml`);
  const line = Object.entries(directives)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  writeFileSync(
    file,
    `# goose-standin: ${line}\nversion: "1.0.0"\ntitle: ${name}\ndescription: chaos\nprompt: do the thing\n`,
  );
  return file;
}

function readPids() {
  if (!existsSync(pidfile)) return [];
  return readFileSync(pidfile, 'utf8').split('\n').filter(Boolean).map(Number);
}

/**
 * A live process of this run's stand-in: pids are reused quickly (pid_max may be 32768), so a pid
 * from the file counts only while its environment names this run's pid file — anything else that
 * got the pid since is not ours, and is neither counted nor killed.
 */
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') return false;
    return readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .includes(`STANDIN_PIDFILE=${pidfile}`);
  } catch {
    return false;
  }
}

function db() {
  return new Database(join(dataDir, 'goose-flow.db'), { readonly: true, fileMustExist: true });
}

/** Ad-hoc runs (`goose-flow run`), killed with -9 at random too: long, short, failing, a tree. */
const ADHOC = [
  ['adhoc-long', { sleep: 3, lines: 20 }],
  ['adhoc-short', { sleep: 0.2, lines: 20 }],
  ['adhoc-fail', { exit: 1, sleep: 0.5, lines: 20 }],
  ['adhoc-tree', { sleep: 2, children: 2, lines: 20 }],
];

const SCHEDULES = [
  ['buf-one', '* * * * * *', 'buffer_one', { sleep: 2.5, lines: 20 }],
  ['buf-all', '*/2 * * * * *', 'buffer_all', { sleep: 3, lines: 20 }],
  ['skip', '* * * * * *', 'skip', { sleep: 2, lines: 20 }],
  ['allow', '*/2 * * * * *', 'allow_all', { sleep: 0.5, lines: 20 }],
  ['cancel', '*/2 * * * * *', 'cancel_other', { sleep: 3, children: 2, lines: 20 }],
  ['terminate', '*/3 * * * * *', 'terminate_other', { sleep: 4, lines: 20 }],
  ['fail', '* * * * * *', 'skip', { exit: 1, sleep: 0.3, lines: 20 }],
];

async function main() {
  const report = { seed: startSeed, kills: 0, attemptGroupsKilled: 0, violations: [] };
  for (const [id, cron, overlap, directives] of SCHEDULES) {
    const added = await run([
      'schedule',
      'add',
      id,
      '--cron',
      cron,
      '--tz',
      'UTC',
      '--overlap',
      overlap,
      '--retries',
      id === 'fail' ? '1' : '0',
      '--recipe',
      recipe(id, {
        ...directives,
        ...(directives.sleep ? { sleep: Math.round(directives.sleep * SCALE * 100) / 100 } : {}),
      }),
    ]);
    if (added.code !== 0) throw new Error(`schedule add ${id}: ${added.err}`);
  }
  const adhoc = ADHOC.map(([name, directives]) => [
    name,
    recipe(name, {
      ...directives,
      sleep: Math.round(directives.sleep * SCALE * 100) / 100,
    }),
  ]);
  report.runKills = 0;
  for (let i = 0; i < KILLS; i++) {
    const serve = startServe(i);
    await serve.started;
    // An ad-hoc run beside the daemon; killed too, at its own random moment.
    const [, adhocRecipe] = adhoc[between(0, adhoc.length)];
    const runner = spawn(process.execPath, [cli, 'run', adhocRecipe, '--retries', '1'], {
      env,
      stdio: 'ignore',
    });
    const runnerClosed = new Promise((r) => runner.on('close', r));
    const runnerKill = setTimeout(
      () => {
        if (runner.exitCode === null && runner.signalCode === null) {
          runner.kill('SIGKILL');
          report.runKills++;
        }
      },
      between(100, MAX_MS),
    );
    await sleep(between(MIN_MS, MAX_MS));
    serve.child.kill('SIGKILL');
    await serve.closed;
    report.kills++;
    await runnerClosed;
    clearTimeout(runnerKill);
    // Now and then the attempts die too, while no goose-flow watches them.
    if (random() < 0.3) {
      for (const pid of readPids().filter(alive)) {
        try {
          process.kill(pid, 'SIGKILL');
          report.attemptGroupsKilled++;
        } catch {
          // gone meanwhile
        }
      }
    }
    await sleep(between(0, 800));
  }
  // The last daemon settles everything: the schedules are paused, then it runs until nothing is
  // going and nothing waits.
  const last = startServe('final');
  await last.started;
  await sleep(2_000);
  for (const [id] of SCHEDULES) await run(['schedule', 'pause', id]);
  // buffer_all's backlog (a 3 s recipe every 2 s) drains one run at a time: wait while runs
  // keep ending, and call it stuck only when nothing has moved for a minute.
  const settleStarted = Date.now();
  let lastProgress = Date.now();
  let lastSettled = -1;
  let state;
  for (;;) {
    state = {
      active: query("SELECT id, status FROM runs WHERE status IN ('pending','running','retrying')"),
      waiting: query(
        "SELECT schedule_id, scheduled_at FROM occurrences WHERE decision = 'buffered' AND released_at IS NULL",
      ),
    };
    if (state.active.length === 0 && state.waiting.length === 0) break;
    const settled = query('SELECT count(*) AS n FROM runs WHERE ended_at IS NOT NULL')[0].n;
    if (settled !== lastSettled) {
      lastSettled = settled;
      lastProgress = Date.now();
    }
    if (Date.now() - lastProgress > 60_000 || Date.now() - settleStarted > 20 * 60_000) break;
    await sleep(250);
  }
  report.settleMs = Date.now() - settleStarted;
  if (state.waiting.length > 0 && state.active.length === 0)
    report.violations.push(
      `buffered occurrences left waiting while nothing of their schedule runs: ${JSON.stringify(state.waiting)}`,
    );
  if (state.active.length > 0)
    report.violations.push(
      `runs not settled (nothing ended for 60 s): ${JSON.stringify(state.active)}`,
    );
  last.child.kill('SIGTERM');
  await last.closed;
  await sleep(500);
  checkStore(report);
  report.processesLeft = [...new Set(readPids())].filter(alive).length;
  if (report.processesLeft > 0)
    report.violations.push(`processes left after the final stop: ${report.processesLeft}`);
  return report;
}

function checkStore(report) {
  const d = db();
  try {
    const integrity = d.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') report.violations.push(`integrity_check: ${integrity}`);
    const decisions = d
      .prepare('SELECT decision, count(*) AS n FROM occurrences GROUP BY decision')
      .all();
    report.decisions = Object.fromEntries(decisions.map((r) => [r.decision, r.n]));
    const runs = d.prepare('SELECT status, count(*) AS n FROM runs GROUP BY status').all();
    report.runs = Object.fromEntries(runs.map((r) => [r.status, r.n]));
    report.attempts = d.prepare('SELECT count(*) FROM attempts').pluck().get();
    report.occurrences = 0;
    for (const [id, cron] of SCHEDULES) checkLedger(d, id, cron, report);
    const started = d
      .prepare(
        "SELECT o.schedule_id, o.scheduled_at, o.run_id, r.id AS run FROM occurrences o LEFT JOIN runs r ON r.id = o.run_id WHERE o.decision = 'started' OR (o.decision = 'buffered' AND o.run_id IS NOT NULL)",
      )
      .all();
    const missing = started.filter((o) => o.run === null);
    if (missing.length > 0)
      report.violations.push(`started occurrences without a run: ${missing.length}`);
  } finally {
    d.close();
  }
  const calls = existsSync(invocations)
    ? readFileSync(invocations, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  report.gooseInvocations = calls.length;
  const byAttempt = new Map();
  for (const c of calls) {
    const key = `${c.env.GOOSE_FLOW_RUN_ID}#${c.env.GOOSE_FLOW_ATTEMPT}`;
    byAttempt.set(key, (byAttempt.get(key) ?? 0) + 1);
  }
  report.attemptsExecutedTwice = [...byAttempt.values()].filter((n) => n > 1).length;
  if (report.attemptsExecutedTwice > 0)
    report.violations.push(`attempts executed twice: ${report.attemptsExecutedTwice}`);
  const d2 = db();
  try {
    const rows = d2
      .prepare('SELECT run_id, number, status, failure, exit_code, log_path FROM attempts')
      .all();
    const known = new Set(rows.map((r) => `${r.run_id}#${r.number}`));
    const untracked = [...byAttempt.keys()].filter((k) => !known.has(k));
    if (untracked.length > 0)
      report.violations.push(`goose runs with no attempt recorded: ${untracked.length}`);
    // The keepers outlive every kill of goose-flow here: no end may go unrecorded.
    const unknown = rows.filter((r) => r.status === 'lost');
    report.unknownExitStatuses = unknown.length;
    if (unknown.length > 0)
      report.violations.push(
        `attempts lost (no exit status): ${JSON.stringify(unknown.slice(0, 5).map((r) => `${r.run_id}#${r.number} ${r.failure}`))}`,
      );
    // The stand-in writes 20 numbered lines, then a last line: an attempt that ended on its own
    // has all of them in its log, whoever was alive to watch it.
    let checked = 0;
    const short = [];
    for (const r of rows) {
      if (r.status !== 'succeeded' && !(r.status === 'failed' && r.exit_code === 1)) continue;
      const text = existsSync(r.log_path) ? readFileSync(r.log_path, 'utf8') : '';
      const last = r.status === 'succeeded' ? 'stand-in: done' : 'failing with exit code 1';
      checked++;
      if (!text.includes('stand-in line 20 of 20') || !text.includes(last))
        short.push(`${r.run_id}#${r.number}`);
    }
    report.logsChecked = checked;
    report.logsIncomplete = short.length;
    if (short.length > 0)
      report.violations.push(`logs missing output: ${JSON.stringify(short.slice(0, 5))}`);
  } finally {
    d2.close();
  }
}

/** Every cron time from the first decision to the last has exactly one fate (ranges collapse many). */
function checkLedger(d, id, cron, report) {
  const rows = d
    .prepare(
      "SELECT scheduled_at, decision, detail FROM occurrences WHERE schedule_id = ? AND source = 'schedule' ORDER BY scheduled_at",
    )
    .all(id);
  const step = cron.startsWith('*/') ? Number(cron.slice(2).split(' ')[0]) * 1000 : 1000;
  let expected = rows[0]?.scheduled_at;
  for (const row of rows) {
    if (row.scheduled_at !== expected) {
      report.violations.push(
        `${id}: occurrence ${new Date(expected).toISOString()} has no fate (next decided: ${new Date(row.scheduled_at).toISOString()})`,
      );
    }
    const detail = JSON.parse(row.detail);
    const through = detail.through ? Date.parse(detail.through) : row.scheduled_at;
    report.occurrences += detail.count ?? 1;
    expected = through + step;
  }
}

try {
  const report = await main();
  if (flag('json')) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    process.stdout.write(
      `chaos: seed ${report.seed}, ${report.kills} kill(s) of serve, ${report.attemptGroupsKilled} attempt process(es) killed\n` +
        `  occurrences ${report.occurrences}: ${JSON.stringify(report.decisions)}\n` +
        `  ${report.runKills} kill(s) of an ad-hoc run; settled ${Math.round(report.settleMs / 1000)} s after the last start\n` +
        `  runs: ${JSON.stringify(report.runs)}; attempts ${report.attempts}; goose invocations ${report.gooseInvocations}; attempts executed twice ${report.attemptsExecutedTwice}; ends unknown ${report.unknownExitStatuses}; logs checked ${report.logsChecked} (incomplete ${report.logsIncomplete}); processes left ${report.processesLeft}\n` +
        (report.violations.length
          ? `  VIOLATIONS:\n${report.violations.map((v) => `    - ${v}`).join('\n')}\n`
          : '  every check holds\n'),
    );
  }
  process.exitCode = report.violations.length > 0 ? 1 : 0;
} finally {
  for (const pid of readPids().filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (!flag('keep')) rmSync(work, { recursive: true, force: true });
  else process.stderr.write(`chaos: kept ${work}\n`);
}
