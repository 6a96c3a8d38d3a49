import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { repoRoot } from '../support/harness.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/adapters/sqlite/database.js';
import { SqliteRunStore } from '../../src/adapters/sqlite/run-store.js';
import { DEFAULT_RETRY_POLICY } from '../../src/domain/retry-policy.js';
import type { Clock, NewRun } from '../../src/engines/ports.js';

let dir: string;
let db: Db;
let store: SqliteRunStore;
let now = Date.UTC(2026, 10, 27, 12, 0, 0);
const clock: Clock = { now: () => now, sleep: async () => undefined };

const newRun = (id: string, over: Partial<NewRun> = {}): NewRun => ({
  id,
  trigger: 'manual',
  scheduleId: null,
  recipePath: '/r/recipe.yaml',
  recipeHash: 'h1',
  kind: 'recipe',
  recipeEntry: '/data/recipes/h1/recipe.yaml',
  params: { a: '1' },
  options: {
    timeoutMs: 1000,
    graceMs: 100,
    retryPolicy: DEFAULT_RETRY_POLICY,
    cwd: '/tmp',
    logCapBytes: 1024,
  },
  owner: { pid: 42, startTime: '100' },
  ...over,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-store-'));
  db = openDatabase(join(dir, 'goose-flow.db'));
  store = new SqliteRunStore(db, clock);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteRunStore', () => {
  it('records an attempt with its keeper before goose starts, then its process; takes back one that never started', () => {
    store.createRun(newRun('r1'));
    store.startAttempt('r1', {
      number: 1,
      process: null,
      keeper: { pid: 11, startTime: '12' },
      startedAt: now,
      deadlineAt: now + 1000,
      logPath: '/l/1.log',
    });
    expect(store.currentAttempt('r1')).toMatchObject({
      process: null,
      keeper: { pid: 11, startTime: '12' },
    });
    store.recordProcess('r1', 1, { pid: 13, startTime: '14' });
    expect(store.currentAttempt('r1')?.process).toEqual({ pid: 13, startTime: '14' });

    // Never started (its goose-flow died before the keeper had it): the run waits to start it again.
    const back = store.withdrawAttempt('r1', 1, 'died first');
    expect(back).toMatchObject({ status: 'retrying', attemptCount: 0, nextAttemptAt: now });
    expect(store.attempts('r1')).toEqual([]);
    expect(store.events('r1').at(-1)).toMatchObject({
      type: 'attempt_withdrawn',
      attempt: 1,
      data: { reason: 'died first' },
    });
    // Only the running attempt of a running run.
    expect(store.withdrawAttempt('r1', 1, 'again')).toBeNull();
  });

  it('creates a run with its snapshot and a created event, in WAL mode', () => {
    const run = store.createRun(newRun('r1'));
    expect(run).toMatchObject({
      id: 'r1',
      status: 'pending',
      params: { a: '1' },
      attemptCount: 0,
      createdAt: now,
    });
    expect(store.snapshotEntry('h1')).toBe('/data/recipes/h1/recipe.yaml');
    expect(store.events('r1').map((e) => e.type)).toEqual(['run_created']);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('walks an attempt through its life with one event per step', () => {
    store.createRun(newRun('r1'));
    const running = store.startAttempt('r1', {
      number: 1,
      process: { pid: 7, startTime: '9' },
      startedAt: now,
      deadlineAt: now + 1000,
      logPath: '/l/1.log',
    });
    expect(running).toMatchObject({ status: 'running', attemptCount: 1, cancelRequestedAt: null });
    now += 500;
    store.heartbeat('r1', 1);
    const done = store.endAttempt(
      'r1',
      1,
      {
        status: 'succeeded',
        exitCode: 0,
        signal: null,
        failure: null,
        logBytes: 12,
        logTruncated: false,
      },
      { type: 'attempt_succeeded' },
      { to: 'succeeded', patch: { exitCode: 0 }, event: { type: 'run_completed' } },
    );
    expect(done).toMatchObject({
      status: 'succeeded',
      startedAt: now - 500,
      endedAt: now,
      attemptCount: 1,
      exitCode: 0,
    });
    expect(store.attempts('r1')[0]).toMatchObject({
      status: 'succeeded',
      process: { pid: 7, startTime: '9' },
      heartbeatAt: now,
      logBytes: 12,
    });
    expect(store.events('r1').map((e) => [e.type, e.attempt])).toEqual([
      ['run_created', null],
      ['attempt_started', 1],
      ['attempt_succeeded', 1],
      ['run_completed', null],
    ]);
  });

  it('ending an attempt with an illegal run transition writes nothing at all', () => {
    store.createRun(newRun('r1'));
    store.startAttempt('r1', {
      number: 1,
      process: null,
      startedAt: now,
      deadlineAt: now,
      logPath: '/l',
    });
    const end = {
      status: 'failed',
      exitCode: 1,
      signal: null,
      failure: 'ExitCode',
      logBytes: 0,
      logTruncated: false,
    } as const;
    expect(() =>
      store.endAttempt(
        'r1',
        1,
        end,
        { type: 'attempt_failed' },
        { to: 'pending', patch: {}, event: { type: 'run_completed' } },
      ),
    ).toThrow('cannot go from running to pending');
    expect(store.attempts('r1')[0]?.status).toBe('running');
    expect(store.events('r1').map((e) => e.type)).toEqual(['run_created', 'attempt_started']);
  });

  it('refuses an illegal transition and writes nothing', () => {
    store.createRun(newRun('r1'));
    expect(() =>
      store.transition('r1', 'succeeded', { exitCode: 0 }, { type: 'run_completed' }),
    ).toThrow('run r1 cannot go from pending to succeeded');
    expect(store.getRun('r1')).toMatchObject({ status: 'pending', exitCode: null });
    expect(store.events('r1')).toHaveLength(1);
  });

  it('claims ownership only from the expected owner (compare-and-set)', () => {
    store.createRun(newRun('r1'));
    const old = { pid: 42, startTime: '100' };
    expect(store.claimOwner('r1', old, { pid: 1, startTime: 'a' })).toBe(true);
    expect(store.claimOwner('r1', old, { pid: 2, startTime: 'b' })).toBe(false);
    expect(store.getRun('r1')?.owner).toEqual({ pid: 1, startTime: 'a' });
  });

  it('records a cancel request once', () => {
    store.createRun(newRun('r1'));
    store.requestCancel('r1', 'first');
    store.requestCancel('r1', 'second');
    expect(store.events('r1').filter((e) => e.type === 'kill_requested')).toHaveLength(1);
    expect(store.getRun('r1')?.cancelRequestedAt).toBe(now);
  });

  it('lists newest first, filters by status, and finds unsettled runs', () => {
    for (const id of ['a', 'b', 'c']) {
      now += 1;
      store.createRun(newRun(id));
    }
    store.transition('b', 'cancelled', {}, { type: 'run_completed' });
    expect(store.listRuns({}).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(store.listRuns({ status: 'cancelled' }).map((r) => r.id)).toEqual(['b']);
    expect(store.listRuns({ limit: 1 }).map((r) => r.id)).toEqual(['c']);
    expect(store.unsettledRuns().map((r) => r.id)).toEqual(['a', 'c']);
  });

  it('re-opening applies no migration twice and keeps the data', () => {
    store.createRun(newRun('r1'));
    db.close();
    db = openDatabase(join(dir, 'goose-flow.db'));
    store = new SqliteRunStore(db, clock);
    expect(store.getRun('r1')?.id).toBe('r1');
    const files = readdirSync(join(repoRoot, 'src/adapters/sqlite/migrations')).filter((f) =>
      f.endsWith('.sql'),
    );
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(files.length);
  });
});
