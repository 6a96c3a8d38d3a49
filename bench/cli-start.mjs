// CLI start: `goose-flow runs --json` on a store of 10,000 runs answers in <= 300 ms, measured as
// the wall-clock time of a fresh `node dist/cli/main.js` child process (start-up included).
//
//   node bench/cli-start.mjs [runs=10000] [samples=20]
/* global process, console, performance, URL */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openApp } from '../dist/app.js';
import { layout } from '../dist/adapters/data-dir.js';
import { resolveConfig } from '../dist/config.js';

const RUNS = Number(process.argv[2] ?? 10_000);
const SAMPLES = Number(process.argv[3] ?? 20);
const TARGET_MS = 300;
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'goose-flow-bench-cli-'));
const dataDir = join(tmp, 'data');

/** Seeds settled runs the way goose-flow leaves them: one attempt and four events each. */
async function seed() {
  // Open once through the app so the data dir and the schema exist, then write rows directly.
  const app = await openApp(resolveConfig({ dataDir }));
  const file = layout(dataDir).database;
  const options = JSON.stringify(app.runs.defaultOptions());
  await app.close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const hash = randomBytes(32).toString('hex');
  const recipe = join(tmp, 'recipe.yaml');
  // 7 in 10 succeeded; one each failed, timed out, was cancelled.
  const statuses = ['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded'];
  statuses.push('succeeded', 'timed_out', 'succeeded', 'cancelled', 'succeeded');
  const insRun = db.prepare(
    `INSERT INTO runs (id, status, trigger, recipe_path, recipe_hash, params, options, created_at,
       started_at, ended_at, attempt_count, session_id, exit_code, error, owner_pid, owner_start_time)
     VALUES (@id, @status, 'manual', @recipe, @hash, @params, @options, @created, @started, @ended, 1,
       @session, @exit, @error, @owner, '1')`,
  );
  const insAttempt = db.prepare(
    `INSERT INTO attempts (run_id, number, status, pid, pid_start_time, started_at, ended_at,
       deadline_at, heartbeat_at, exit_code, log_path, log_bytes)
     VALUES (@id, 1, @status, @pid, '1', @started, @ended, @deadline, @ended, @exit, @log, 2048)`,
  );
  const insEvent = db.prepare(
    'INSERT INTO events (run_id, at, type, attempt, data) VALUES (?, ?, ?, ?, ?)',
  );
  const stamp = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-');
  const t0 = Date.now() - RUNS * 60_000;
  db.transaction(() => {
    db.prepare('INSERT INTO recipe_snapshots VALUES (?, ?, ?, ?)').run(
      hash,
      recipe,
      join(dataDir, 'recipes', hash, 'recipe.yaml'),
      t0,
    );
    for (let i = 0; i < RUNS; i++) {
      const created = t0 + i * 60_000;
      const status = statuses[i % statuses.length];
      const ok = status === 'succeeded';
      const row = {
        id: `r-${stamp(created).slice(0, 15)}-${randomBytes(5).toString('hex')}`,
        status,
        recipe,
        hash,
        params: JSON.stringify({ topic: `t${i}` }),
        options,
        created,
        started: created + 5,
        ended: created + 30_000,
        deadline: created + 7_200_005,
        session: `session_${i}`,
        exit: ok ? 0 : status === 'failed' ? 1 : null,
        error: ok ? null : `attempt 1 ${status.replace('_', ' ')}`,
        owner: process.pid,
        pid: 10_000 + (i % 30_000),
        log: join(dataDir, 'logs', `r-${i}`, '1.log'),
      };
      insRun.run(row);
      insAttempt.run(row);
      const createdData = JSON.stringify({ trigger: 'manual', recipe, recipeHash: hash });
      insEvent.run(row.id, created, 'run_created', null, createdData);
      insEvent.run(row.id, row.started, 'attempt_started', 1, JSON.stringify({ pid: row.pid }));
      const ended = `attempt_${ok ? 'succeeded' : status === 'timed_out' ? 'timed_out' : 'failed'}`;
      insEvent.run(row.id, row.ended, ended, 1, JSON.stringify({ exitCode: row.exit }));
      insEvent.run(row.id, row.ended, 'run_completed', null, JSON.stringify({ status }));
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

function timeCommand(args, expectCount) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  if (expectCount !== undefined) {
    const n = JSON.parse(r.stdout).length;
    if (n !== expectCount)
      throw new Error(`${args.join(' ')} listed ${n} runs, expected ${expectCount}`);
  }
  return ms;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

function measure(label, args, expectCount) {
  for (let i = 0; i < 3; i++) timeCommand(args, expectCount); // warm-up: page cache, V8 code cache
  const xs = Array.from({ length: SAMPLES }, () => timeCommand(args, expectCount));
  return {
    label,
    p50: +pct(xs, 50).toFixed(1),
    p99: +pct(xs, 99).toFixed(1),
    min: +Math.min(...xs).toFixed(1),
  };
}

let exitCode = 0;
try {
  const s0 = performance.now();
  await seed();
  const seedMs = performance.now() - s0;
  const base = [cli, '--data-dir', dataDir, 'runs'];
  const failed = RUNS / 10; // every 10th seeded run (index 6 mod 10) failed
  const rows = [
    measure('node -e "" (bare Node start-up, for reference)', ['-e', '']),
    measure('goose-flow runs --json (limit 50)', [...base, '--json'], Math.min(50, RUNS)),
    // The largest page (`--limit` is at most 1,000 since E5; more is paged with --cursor).
    measure(
      `goose-flow runs --json --limit ${Math.min(1000, RUNS)}`,
      [...base, '--json', '--limit', String(Math.min(1000, RUNS))],
      Math.min(1000, RUNS),
    ),
    measure(
      'goose-flow runs --status failed --json',
      [...base, '--status', 'failed', '--json'],
      Math.min(50, failed),
    ),
    measure('goose-flow runs (table, limit 50)', base),
  ];
  const main = rows[1];
  const pass = main.p99 <= TARGET_MS;
  console.log(
    `CLI start — store of ${RUNS} settled runs (seeded in ${(seedMs / 1000).toFixed(1)} s), ${SAMPLES} samples after 3 warm-ups`,
  );
  for (const r of rows)
    console.log(
      `  ${r.label.padEnd(48)} p50 ${String(r.p50).padStart(6)} ms  p99 ${String(r.p99).padStart(6)} ms  min ${r.min} ms`,
    );
  console.log(
    `  target: runs --json ≤ ${TARGET_MS} ms (p99 ${main.p99} ms) → ${pass ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    JSON.stringify({
      bench: 'cli-start',
      loadAvg1mAtEnd: +loadavg()[0].toFixed(2),
      runs: RUNS,
      samples: SAMPLES,
      targetMs: TARGET_MS,
      results: rows,
      pass,
    }),
  );
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = exitCode;
