// What the benchmarks share: a no-op goose, a recipe for it, and percentile statistics.
import { chmodSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** An executable in `dir` that runs `body` (sh) and exits 0: goose, as cheap as it gets. */
export function noopGoose(dir, body = '') {
  const path = join(dir, 'noop');
  writeFileSync(path, `#!/bin/sh\n${body}${body ? '\n' : ''}exit 0\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A valid headless recipe in `dir`. */
export function noopRecipe(dir, description = 'benchmark') {
  const path = join(dir, 'recipe.yaml');
  writeFileSync(
    path,
    `version: 1.0.0\ntitle: noop\ndescription: ${description}\nprompt: Do nothing.\n`,
  );
  return path;
}

/** The p-th percentile (nearest rank). */
export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

export const summary = (xs) =>
  xs.length === 0
    ? { n: 0 }
    : { n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: Math.max(...xs) };

/**
 * A store with `schedules` yearly schedules (one added by the CLI through `add`, the rest copied) and
 * `runs` settled runs of them, one a minute up to now.
 */
export function seedStore({ home, recipe, schedules: SCHEDULES, runs: RUNS, add }) {
  add(['schedule', 'add', 's0000', '--cron', '0 0 1 1 *', '--tz', 'UTC', '--recipe', recipe]);
  const db = new Database(join(home, 'goose-flow.db'));
  db.pragma('journal_mode = WAL');
  const template = db.prepare("SELECT * FROM schedules WHERE id = 's0000'").get();
  const cols = Object.keys(template);
  const insSchedule = db.prepare(
    `INSERT INTO schedules (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`,
  );
  const snapshot = JSON.parse(template.action).recipeHash;
  db.prepare('INSERT OR IGNORE INTO recipe_snapshots VALUES (?, ?, ?, ?)').run(
    snapshot,
    recipe,
    join(home, 'recipes', snapshot, 'recipe.yaml'),
    Date.now(),
  );
  const options = JSON.stringify({
    timeoutMs: 7_200_000,
    graceMs: 10_000,
    retryPolicy: {
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 60000,
      maxAttempts: 3,
      nonRetryableErrorTypes: [],
    },
    cwd: home,
    logCapBytes: 1e6,
  });
  const insRun = db.prepare(
    `INSERT INTO runs (id, status, trigger, schedule_id, recipe_path, recipe_hash, params, options, created_at, started_at, ended_at, attempt_count, exit_code)
     VALUES (?, 'succeeded', 'schedule', ?, ?, ?, '{}', ?, ?, ?, ?, 1, 0)`,
  );
  db.transaction(() => {
    const base = db.prepare("SELECT value FROM counters WHERE name = 'schedules'").pluck().get();
    const now = Date.now();
    // Listings as varied as real ones (each job its own recipe file, created over a year), so
    // gzip is measured on realistic text, not 1,000 copies of one line.
    const action = JSON.parse(template.action);
    const topics = ['standup', 'release-notes', 'dependency-audit', 'inbox-triage', 'metrics'];
    for (let i = 1; i < SCHEDULES; i++)
      insSchedule.run({
        ...template,
        id: `s${String(i).padStart(4, '0')}`,
        action: JSON.stringify({
          ...action,
          recipePath: `/home/dev/goose/recipes/${topics[i % topics.length]}/${(i * 7919) % 100_003}-${topics[(i * 3) % topics.length]}.yaml`,
        }),
        created_at: now - ((i * 2_654_435_761) % 31_536_000_000),
        updated_at: now,
        decided_through: now,
        version: base + i,
      });
    db.prepare("UPDATE counters SET value = ? WHERE name = 'schedules'").run(base + SCHEDULES - 1);
    const t0 = now - RUNS * 60_000;
    for (let i = 0; i < RUNS; i++) {
      const s = `s${String(i % SCHEDULES).padStart(4, '0')}`;
      const at = t0 + i * 60_000;
      insRun.run(
        `${s}@${new Date(at).toISOString()}`,
        s,
        recipe,
        snapshot,
        options,
        at,
        at + 5,
        at + 30_000,
      );
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** The port a starting `serve --port 0 --log-format json` logs on its `http_listening` line. */
export function listeningPort(child) {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const e = JSON.parse(line);
        if (e.msg === 'http_listening') resolve(e.port);
      } catch {
        /* not JSON */
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}
