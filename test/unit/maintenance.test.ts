import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/adapters/sqlite/database.js';
import { SqliteRunStore } from '../../src/adapters/sqlite/run-store.js';
import { SqliteSystemJobStore } from '../../src/adapters/sqlite/system-job-store.js';
import { removeLogFiles } from '../../src/adapters/data-dir.js';
import { pruneSnapshots } from '../../src/adapters/recipe/snapshot.js';
import { Maintenance, HISTORY_SCANNER } from '../../src/engines/embedded/maintenance.js';
import { DEFAULT_RETRY_POLICY } from '../../src/domain/retry-policy.js';
import type { Clock } from '../../src/engines/ports.js';

const DAY = 86_400_000;
let dir: string;
let db: Db;
let now = Date.UTC(2026, 10, 27);
const clock: Clock = { now: () => now, sleep: async () => undefined };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-maint-'));
  db = openDatabase(join(dir, 'goose-flow.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A settled run with one attempt whose log file exists, created at `createdAt`. */
function settledRun(
  runs: SqliteRunStore,
  id: string,
  scheduleId: string | null,
  createdAt: number,
  recipeHash = 'h',
  parent: { runId: string; step: string; item: number | null } | null = null,
): string {
  now = createdAt;
  runs.createRun({
    id,
    trigger: 'manual',
    scheduleId,
    recipePath: '/r.yaml',
    recipeHash,
    kind: 'recipe',
    parent,
    recipeEntry: '/e',
    params: {},
    options: {
      timeoutMs: 1000,
      graceMs: 10,
      retryPolicy: DEFAULT_RETRY_POLICY,
      cwd: '/',
      logCapBytes: 100,
    },
    owner: null,
  });
  const log = join(dir, 'logs', id, '1.log');
  mkdirSync(join(dir, 'logs', id), { recursive: true });
  writeFileSync(log, 'output\n');
  runs.startAttempt(id, {
    number: 1,
    process: null,
    startedAt: now,
    deadlineAt: now + 1,
    logPath: log,
  });
  const end = {
    status: 'succeeded',
    exitCode: 0,
    signal: null,
    failure: null,
    logBytes: 7,
    logTruncated: false,
  } as const;
  runs.endAttempt(
    id,
    1,
    end,
    { type: 'attempt_succeeded' },
    { to: 'succeeded', patch: {}, event: { type: 'run_completed' } },
  );
  return log;
}

describe('history scanner', () => {
  it('deletes runs past the age or the per-schedule count, with their events and log files', async () => {
    const runs = new SqliteRunStore(db, clock);
    const jobs = new SqliteSystemJobStore(db, clock);
    const old = settledRun(runs, 'old', null, Date.UTC(2026, 9, 1));
    const logs = [1, 2, 3, 4].map((i) =>
      settledRun(runs, `s${i}`, 'nightly', Date.UTC(2026, 10, 20 + i)),
    );
    const kept = 'a'.repeat(64);
    const unused = 'b'.repeat(64);
    const fresh = 'c'.repeat(64);
    const recent = settledRun(runs, 'recent', null, Date.UTC(2026, 10, 26), kept);
    const recipes = join(dir, 'recipes');
    for (const h of [kept, unused, fresh]) {
      mkdirSync(join(recipes, h), { recursive: true });
      writeFileSync(join(recipes, h, 'r.yaml'), 'title: t\n');
    }
    const hourAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const h of [kept, unused]) utimesSync(join(recipes, h), hourAgo, hourAgo);
    now = Date.UTC(2026, 10, 27);
    const maintenance = new Maintenance({
      runs,
      jobs,
      clock,
      retention: { maxAgeMs: 30 * DAY, maxRunsPerSchedule: 2 },
      recover: async () => ({ adopted: [], retried: [], resumed: [], failed: [], claimed: [] }),
      removeLogs: removeLogFiles,
      pruneSnapshots: () => {
        const removed = pruneSnapshots(recipes, runs.referencedSnapshots(), Date.now() - 3_600_000);
        runs.forgetSnapshots(removed);
        return removed.length;
      },
      log: () => undefined,
    });
    await maintenance.run(HISTORY_SCANNER, () => maintenance.scanHistory());
    // The snapshot of a stored run stays, an unused one goes, a freshly written one stays.
    expect([kept, unused, fresh].map((h) => existsSync(join(recipes, h)))).toEqual([
      true,
      false,
      true,
    ]);

    expect(
      runs
        .listRuns({ limit: 100 })
        .map((r) => r.id)
        .sort(),
    ).toEqual(['recent', 's3', 's4']);
    expect([old, logs[0], logs[1]].map((p) => existsSync(p!))).toEqual([false, false, false]);
    expect(existsSync(join(dir, 'logs', 'old'))).toBe(false);
    expect([recent, logs[2], logs[3]].map((p) => existsSync(p!))).toEqual([true, true, true]);
    expect(
      db.prepare("SELECT count(*) FROM events WHERE run_id IN ('old','s1','s2')").pluck().get(),
    ).toBe(0);
    const job = jobs.list().find((j) => j.name === HISTORY_SCANNER);
    expect(job?.lastResult).toEqual({ runs: 3, logFiles: 3, occurrences: 0, snapshots: 1 });
  });

  it("a pipeline's step runs go with their pipeline run, never before it", () => {
    const runs = new SqliteRunStore(db, clock);
    const step = (runId: string, step: string) => ({ runId, step, item: null });
    // A schedule's pipeline runs (the count keeps two); their steps belong to no schedule.
    const logs: string[] = [];
    for (const n of [1, 2, 3]) {
      const at = Date.UTC(2026, 10, 20 + n);
      logs.push(settledRun(runs, `p${n}`, 'nightly', at));
      logs.push(settledRun(runs, `p${n}:a`, null, at, 'h', step(`p${n}`, 'a')));
    }
    // A long pipeline: its first step ended past the age limit, the pipeline itself within it.
    settledRun(runs, 'long:a', null, Date.UTC(2026, 9, 27) - DAY, 'h', step('long', 'a'));
    settledRun(runs, 'long', null, Date.UTC(2026, 9, 27) + DAY);
    now = Date.UTC(2026, 10, 27);
    const expired = runs.expiredRuns(now - 30 * DAY, 2).map((r) => r.id);
    expect(expired).toEqual(['p1']);
    const removed = runs.deleteRuns(expired);
    expect(removed).toEqual([logs[0], logs[1]]);
    expect(
      runs
        .listRuns({ limit: 100 })
        .map((r) => r.id)
        .sort(),
    ).toEqual(['long', 'long:a', 'p2', 'p2:a', 'p3', 'p3:a']);
  });

  it('keeps everything when both limits are off', () => {
    const runs = new SqliteRunStore(db, clock);
    settledRun(runs, 'ancient', 'x', Date.UTC(2000, 0, 1));
    expect(runs.expiredRuns(null, null)).toEqual([]);
  });
});
