// Scheduler (embedded engine), measured against a real `goose-flow serve` child process:
//   - fire lateness (attempt process start − scheduled time) with a no-op executor:
//     one schedule every second (p99 ≤ 20 ms) and 100 schedules due in the same second (p99 ≤ 250 ms);
//   - idle daemon with 10,000 schedules, none due for hours: CPU ≤ 1 % of one core, RSS ≤ 150 MB;
//   - `serve` with 10,000 schedules ready (its `serve_started` log line) in ≤ 500 ms;
//   - `schedule list --json` of 10,000 schedules in ≤ 1 s.
//
//   node bench/scheduler.mjs [quick]     (quick: 15 s observation windows instead of 60 s)
/* global process, console, performance, URL, setTimeout, clearTimeout */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { noopGoose, noopRecipe, summary } from './support.mjs';

const QUICK = process.argv[2] === 'quick';
const WINDOW_S = QUICK ? 15 : 60;
const MANY = 10_000;
const BURST = 100;
const START_SAMPLES = 5;
const LIST_SAMPLES = 5;
const MAX_CONCURRENT = 100; // high enough that the concurrency limit is not what is measured
const TARGETS = {
  everySecondP99Ms: 20,
  burstP99Ms: 250,
  idleCpuPercent: 1,
  idleRssMb: 150,
  serveStartMs: 500,
  listMs: 1000,
};

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'goose-flow-bench-sched-'));
const noop = noopGoose(tmp);
const recipe = noopRecipe(tmp, 'scheduler benchmark');
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const envFor = (home) => ({ ...process.env, GOOSE_FLOW_HOME: home, GOOSE_FLOW_GOOSE_BIN: noop });

function cliSync(home, args) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: envFor(home),
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`goose-flow ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------
// Schedules: one created through the CLI (as a user would), the rest copied from its row.

/**
 * `count` schedules `s00000…`: the first via `schedule add`, the others copied by SQL. `cron` is
 * an expression, or a function of the index giving each schedule its own.
 */
function seedSchedules(home, count, cron) {
  const cronOf = typeof cron === 'function' ? cron : () => cron;
  const first = cronOf(0);
  cliSync(home, ['schedule', 'add', 's00000', '--cron', first, '--tz', 'UTC', '--recipe', recipe]);
  const db = new Database(join(home, 'goose-flow.db'));
  db.pragma('journal_mode = WAL');
  const template = db.prepare("SELECT * FROM schedules WHERE id = 's00000'").get();
  const columns = Object.keys(template);
  const insert = db.prepare(
    `INSERT INTO schedules (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`,
  );
  db.transaction(() => {
    const base = db.prepare("SELECT value FROM counters WHERE name = 'schedules'").pluck().get();
    const now = Date.now();
    for (let i = 1; i < count; i++) {
      insert.run({
        ...template,
        id: `s${String(i).padStart(5, '0')}`,
        expression: cronOf(i),
        created_at: now,
        updated_at: now,
        decided_through: now,
        version: base + i,
      });
    }
    db.prepare("UPDATE counters SET value = ? WHERE name = 'schedules'").run(base + count - 1);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

// ---------------------------------------------------------------------------------------------
// The daemon as a child process.

const daemons = new Set();

/** Spawns `serve`; resolves when its `serve_started` line arrives (ms since spawn, log fields). */
function startDaemon(home) {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [cli, 'serve', '--log-format', 'json', '--max-concurrent', String(MAX_CONCURRENT)],
    { env: envFor(home), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const d = { child, pid: child.pid, lines: [], stderr: '', exited: null };
  daemons.add(d);
  child.stderr.on('data', (b) => (d.stderr += b));
  d.exit = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      d.exited = { code, signal };
      resolve(d.exited);
    }),
  );
  d.started = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return; // not a log line
      }
      d.lines.push(entry);
      if (entry.msg === 'serve_started') resolve({ ms: performance.now() - t0, entry });
    });
    void d.exit.then((e) =>
      reject(new Error(`serve exited before serve_started (${JSON.stringify(e)}): ${d.stderr}`)),
    );
  });
  return d;
}

/** SIGTERM, then wait for the exit (SIGKILL after 20 s, reported as a failure). */
async function stopDaemon(d) {
  if (!d.exited) {
    d.child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 20_000, 'timeout')));
    const outcome = await Promise.race([d.exit, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      d.child.kill('SIGKILL');
      await d.exit;
      daemons.delete(d);
      throw new Error(`serve (pid ${d.pid}) did not stop within 20 s of SIGTERM`);
    }
  }
  daemons.delete(d);
  if (d.exited.code !== 0) throw new Error(`serve exited ${JSON.stringify(d.exited)}: ${d.stderr}`);
  return d.exited;
}

/** utime + stime of a process (or thread), in clock ticks (fields 14 and 15 of its stat). */
function cpuTicks(pid, file = `/proc/${pid}/stat`) {
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // fields[0] is field 3 (state)
}

/** CPU ticks of the main thread and of all other threads (V8's GC helpers, libuv's pool). */
function threadTicks(pid) {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const ticks = cpuTicks(pid, `/proc/${pid}/task/${tid}/stat`);
    if (Number(tid) === pid) main += ticks;
    else others += ticks;
  }
  return { main, others };
}

function statusKb(pid, key) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(
    new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'),
  );
  return m ? Number(m[1]) : null;
}

/** Processes whose command line or environment mentions the temp dir (daemons, executors). */
function leftovers() {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    for (const file of ['cmdline', 'environ']) {
      try {
        if (readFileSync(`/proc/${name}/${file}`, 'latin1').includes(tmp)) {
          found.push(Number(name));
          break;
        }
      } catch {
        // gone, or not ours to read
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Statistics.

const fmt = (s, unit = 'ms') =>
  s.n === 0 ? 'no samples' : `p50 ${s.p50} ${unit}  p99 ${s.p99} ${unit}  max ${s.max} ${unit}`;
const round1 = (x) => Math.round(x * 10) / 10;

// ---------------------------------------------------------------------------------------------
// 1 + 2. Fire lateness.

/**
 * Runs `count` schedules on `cron` under a daemon for the observation window, then reads every
 * occurrence scheduled after `serve_started` from the store: process start (the attempt's
 * `started_at`) and decision (`detail.lateMs`) minus the scheduled time.
 */
async function fireLateness(name, count, cron) {
  const home = join(tmp, name);
  seedSchedules(home, count, cron);
  const d = startDaemon(home);
  const { entry } = await d.started;
  const from = Date.parse(entry.time);
  const cpu0 = cpuTicks(d.pid);
  const t0 = performance.now();
  await sleep(WINDOW_S * 1000 + 1500); // + the last occurrence's start and settlement
  const cpuPercent = (100 * (cpuTicks(d.pid) - cpu0)) / CLK_TCK / ((performance.now() - t0) / 1000);
  const to = from + WINDOW_S * 1000;
  await stopDaemon(d);

  const db = new Database(join(home, 'goose-flow.db'), { readonly: true });
  const rows = db
    .prepare(
      `SELECT o.schedule_id, o.scheduled_at, o.decision, o.decided_at, o.detail, o.run_id,
              a.started_at AS attempt_started, r.status
         FROM occurrences o
         LEFT JOIN attempts a ON a.run_id = o.run_id AND a.number = 1
         LEFT JOIN runs r ON r.id = o.run_id
        WHERE o.source = 'schedule' AND o.scheduled_at > ? AND o.scheduled_at <= ?
        ORDER BY o.scheduled_at, o.schedule_id`,
    )
    .all(from, to);
  db.close();

  const decisions = {};
  const start = [];
  const decision = [];
  const logged = [];
  const byInstant = new Map();
  let noAttempt = 0;
  for (const r of rows) {
    decisions[r.decision] = (decisions[r.decision] ?? 0) + 1;
    decision.push(r.decided_at - r.scheduled_at);
    logged.push(JSON.parse(r.detail).lateMs);
    if (r.decision !== 'started') continue;
    if (r.run_id !== `${r.schedule_id}@${new Date(r.scheduled_at).toISOString()}`)
      throw new Error(`unexpected run id ${r.run_id} for ${r.schedule_id} at ${r.scheduled_at}`);
    if (r.attempt_started === null) {
      noAttempt++;
      continue;
    }
    const late = r.attempt_started - r.scheduled_at;
    start.push(late);
    const at = byInstant.get(r.scheduled_at) ?? [];
    at.push(late);
    byInstant.set(r.scheduled_at, at);
  }
  // Every occurrence in the window has a decision (none missed by the scheduler).
  const instants = byInstant.size;
  const statuses = {};
  for (const r of rows) if (r.status) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    schedules: count,
    cron,
    windowS: WINDOW_S,
    occurrences: rows.length,
    instants,
    decisions,
    runStatuses: statuses,
    startedWithoutAttempt: noAttempt,
    processStartLateMs: summary(start),
    decisionLateMs: summary(decision),
    loggedLateMs: summary(logged),
    // For a burst: how late the first and the last of each instant's runs started.
    perInstant: [...byInstant.values()].map((xs) => ({
      n: xs.length,
      first: Math.min(...xs),
      last: Math.max(...xs),
    })),
    daemonCpuPercentDuringWindow: round1(cpuPercent),
  };
}

/**
 * Reference for the burst: this (small) Node process spawns BURST no-op processes back to back
 * with the supervisor's options (new session, piped output with listeners) and notes when each
 * `spawn()` returned. The daemon cannot start its last run earlier than this, whatever it does.
 */
async function rawBurst(bursts) {
  const offsets = [];
  const lasts = [];
  for (let b = 0; b < bursts; b++) {
    const closed = [];
    const t0 = performance.now();
    for (let i = 0; i < BURST; i++) {
      const child = spawn(noop, ['run', '--recipe', recipe], {
        cwd: tmp,
        env: envFor(tmp),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      offsets.push(round1(performance.now() - t0));
      child.stdout.on('data', () => {});
      child.stderr.on('data', () => {});
      closed.push(new Promise((resolve) => child.on('close', resolve)));
    }
    lasts.push(round1(performance.now() - t0));
    await Promise.all(closed);
    await sleep(200);
  }
  return { bursts, spawnReturnedMs: summary(offsets), lastSpawnReturnedMs: lasts };
}

// ---------------------------------------------------------------------------------------------
// 3–5. 10,000 schedules: serve start, idle CPU and memory, schedule list.

/**
 * Schedule i fires daily at `S M H` UTC = 1 h 05 min + i seconds from now: 10,000 distinct
 * expressions (a cache keyed by expression would not flatter the result), none due for > 1 h.
 */
function dailyAfterAnHour() {
  const base = Math.ceil((Date.now() + 65 * 60_000) / 1000) * 1000;
  const cron = (i) => {
    const t = new Date(base + i * 1000);
    return `${t.getUTCSeconds()} ${t.getUTCMinutes()} ${t.getUTCHours()} * * *`;
  };
  return { cron, first: new Date(base), last: new Date(base + (MANY - 1) * 1000) };
}

async function serveStart(home, samples, expectSchedules) {
  const xs = [];
  for (let i = 0; i <= samples; i++) {
    const d = startDaemon(home);
    const { ms, entry } = await d.started;
    // `serve` logs serve_started a moment before it installs its SIGTERM handler: a SIGTERM sent
    // at once can kill it the default way (seen 1 in 20). Wait a little before stopping it.
    await sleep(200);
    await stopDaemon(d);
    if (entry.schedules !== expectSchedules)
      throw new Error(
        `serve_started reports ${entry.schedules} schedules, expected ${expectSchedules}`,
      );
    if (i > 0) xs.push(round1(ms)); // sample 0 is a warm-up (page cache)
  }
  return xs;
}

async function idle(home) {
  const d = startDaemon(home);
  await d.started;
  await sleep(3000); // let start-up work (and its garbage collection) finish
  const linesBefore = d.lines.length;
  const cpu0 = cpuTicks(d.pid);
  const threads0 = threadTicks(d.pid);
  const t0 = performance.now();
  await sleep(WINDOW_S * 1000);
  const ticks = cpuTicks(d.pid) - cpu0;
  const threads1 = threadTicks(d.pid); // threads that ended in between are not counted here
  const seconds = (performance.now() - t0) / 1000;
  const rssKb = statusKb(d.pid, 'VmRSS');
  const hwmKb = statusKb(d.pid, 'VmHWM');
  const logLines = d.lines.length - linesBefore;
  await stopDaemon(d);
  return {
    windowS: round1(seconds),
    cpuTicks: ticks,
    clkTck: CLK_TCK,
    cpuPercent: +((100 * ticks) / CLK_TCK / seconds).toFixed(2),
    mainThreadTicks: threads1.main - threads0.main,
    otherThreadsTicks: threads1.others - threads0.others,
    rssMb: round1(rssKb / 1024),
    peakRssMb: round1(hwmKb / 1024),
    logLinesDuringWindow: logLines,
  };
}

function list(home, samples, expectCount) {
  const xs = [];
  for (let i = 0; i <= samples; i++) {
    const t0 = performance.now();
    const out = cliSync(home, ['schedule', 'list', '--json']);
    const ms = performance.now() - t0;
    const n = JSON.parse(out).length;
    if (n !== expectCount)
      throw new Error(`schedule list printed ${n} schedules, not ${expectCount}`);
    if (i > 0) xs.push(round1(ms)); // sample 0 is a warm-up
  }
  return xs;
}

// ---------------------------------------------------------------------------------------------

const loadAtStart = loadavg()[0];
let exitCode = 0;
try {
  const began = performance.now();
  console.log(
    `Scheduler benchmark (${QUICK ? 'quick: ' : ''}${WINDOW_S} s windows, no-op executor, serve --max-concurrent ${MAX_CONCURRENT})`,
  );

  const every = await fireLateness('every-second', 1, '* * * * * *');
  console.log(
    `  1 schedule, every second, ${every.occurrences} occurrences ${JSON.stringify(every.decisions)}`,
  );
  console.log(`    process start − scheduled: ${fmt(every.processStartLateMs)}`);
  console.log(`    decided_at − scheduled:    ${fmt(every.decisionLateMs)}`);
  console.log(`    detail.lateMs (logged):    ${fmt(every.loggedLateMs)}`);

  const burst = await fireLateness('burst', BURST, '*/10 * * * * *');
  console.log(
    `  ${BURST} schedules due in the same second (*/10 s), ${burst.instants} instants, ${burst.occurrences} occurrences ${JSON.stringify(burst.decisions)}`,
  );
  console.log(`    process start − scheduled: ${fmt(burst.processStartLateMs)}`);
  console.log(`    decided_at − scheduled:    ${fmt(burst.decisionLateMs)}`);
  console.log(`    detail.lateMs (logged):    ${fmt(burst.loggedLateMs)}`);
  console.log(
    `    per instant, first/last start: ${burst.perInstant.map((x) => `${x.first}/${x.last}`).join(', ')} ms`,
  );

  const raw = await rawBurst(6);
  console.log(
    `    reference, ${BURST} raw spawn() calls back to back from this process: ${fmt(raw.spawnReturnedMs)} (last: ${raw.lastSpawnReturnedMs.join(', ')} ms)`,
  );

  const many = join(tmp, 'many');
  const daily = dailyAfterAnHour();
  const s0 = performance.now();
  seedSchedules(many, MANY, daily.cron);
  const seedMs = performance.now() - s0;
  const hhmm = (d) => d.toISOString().slice(11, 19);
  console.log(
    `  ${MANY} schedules, each daily at its own second between ${hhmm(daily.first)} and ${hhmm(daily.last)} UTC ("${daily.cron(0)}", …), seeded in ${(seedMs / 1000).toFixed(1)} s`,
  );

  const emptyHome = join(tmp, 'empty');
  const startEmpty = await serveStart(emptyHome, START_SAMPLES, 0);
  const startMany = await serveStart(many, START_SAMPLES, MANY);
  console.log(`    serve → serve_started, 0 schedules:      ${startEmpty.join(', ')} ms`);
  console.log(`    serve → serve_started, ${MANY} schedules: ${startMany.join(', ')} ms`);

  const idleResult = await idle(many);
  console.log(
    `    idle ${idleResult.windowS} s: ${idleResult.cpuTicks} ticks (main thread ${idleResult.mainThreadTicks}, other threads ${idleResult.otherThreadsTicks}) → ${idleResult.cpuPercent} % of one core; RSS ${idleResult.rssMb} MB (peak ${idleResult.peakRssMb} MB); ${idleResult.logLinesDuringWindow} log lines`,
  );

  const listEmpty = list(emptyHome, LIST_SAMPLES, 0);
  const listMany = list(many, LIST_SAMPLES, MANY);
  console.log(`    schedule list --json, 0 schedules:      ${listEmpty.join(', ')} ms`);
  console.log(`    schedule list --json, ${MANY} schedules: ${listMany.join(', ')} ms`);

  const left = leftovers();
  if (left.length > 0) throw new Error(`processes left behind: ${left.join(', ')}`);

  const checks = {
    everySecond:
      every.processStartLateMs.n > 0 && every.processStartLateMs.p99 <= TARGETS.everySecondP99Ms,
    burst: burst.processStartLateMs.n > 0 && burst.processStartLateMs.p99 <= TARGETS.burstP99Ms,
    idleCpu: idleResult.cpuPercent <= TARGETS.idleCpuPercent,
    idleRss: idleResult.rssMb <= TARGETS.idleRssMb,
    serveStart: Math.max(...startMany) <= TARGETS.serveStartMs,
    list: Math.max(...listMany) <= TARGETS.listMs,
  };
  const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
  console.log('  targets:');
  console.log(
    `    every second: p99 ${every.processStartLateMs.p99} ms ≤ ${TARGETS.everySecondP99Ms} ms → ${verdict(checks.everySecond)}`,
  );
  console.log(
    `    ${BURST} in the same second: p99 ${burst.processStartLateMs.p99} ms ≤ ${TARGETS.burstP99Ms} ms → ${verdict(checks.burst)}`,
  );
  console.log(
    `    idle CPU ${idleResult.cpuPercent} % ≤ ${TARGETS.idleCpuPercent} % → ${verdict(checks.idleCpu)}; RSS ${idleResult.rssMb} MB ≤ ${TARGETS.idleRssMb} MB → ${verdict(checks.idleRss)}`,
  );
  console.log(
    `    serve ready: max ${Math.max(...startMany)} ms ≤ ${TARGETS.serveStartMs} ms → ${verdict(checks.serveStart)}`,
  );
  console.log(
    `    schedule list --json: max ${Math.max(...listMany)} ms ≤ ${TARGETS.listMs} ms → ${verdict(checks.list)}`,
  );
  console.log(
    `  no process left behind; total ${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
  const pass = Object.values(checks).every(Boolean);
  console.log(
    JSON.stringify({
      bench: 'scheduler',
      loadAvg1mAtStart: +loadAtStart.toFixed(2),
      loadAvg1mAtEnd: +loadavg()[0].toFixed(2),
      quick: QUICK,
      windowS: WINDOW_S,
      maxConcurrent: MAX_CONCURRENT,
      targets: TARGETS,
      results: {
        everySecond: every,
        burst,
        rawSpawnBurst: raw,
        serveStartMs: { schedules0: startEmpty, [`schedules${MANY}`]: startMany },
        idle: idleResult,
        listMs: { schedules0: listEmpty, [`schedules${MANY}`]: listMany },
      },
      checks,
      pass,
    }),
  );
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  for (const d of daemons) {
    d.child.kill('SIGTERM');
    await Promise.race([d.exit, sleep(20_000)]);
    if (!d.exited) d.child.kill('SIGKILL');
  }
  if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = exitCode;
