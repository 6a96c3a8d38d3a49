/**
 * A schedule's run settling and what follows from it — pause on failure, the release of the next
 * buffered occurrence — in one transaction, on every path that settles a run (here the store's
 * own transitions, which the driver, a kill and recovery all go through), and the repair of a
 * buffer an older goose-flow left waiting.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/adapters/sqlite/database.js';
import { SqliteRunStore } from '../../src/adapters/sqlite/run-store.js';
import { SqliteScheduleStore } from '../../src/adapters/sqlite/schedule-store.js';
import { DEFAULT_RETRY_POLICY } from '../../src/domain/retry-policy.js';
import { occurrenceRunId, type Schedule } from '../../src/domain/schedule/model.js';
import type { Clock, NewRun, NewSchedule, OccurrenceSource } from '../../src/engines/ports.js';
import {
  afterRunSettled,
  releaseIdle,
  type AfterRunDeps,
} from '../../src/engines/embedded/after-run.js';

let dir: string;
let db: Db;
let runs: SqliteRunStore;
let schedules: SqliteScheduleStore;
const now = Date.UTC(2026, 10, 27, 12, 0, 0);
const clock: Clock = { now: () => now, sleep: async () => undefined };

function runOf(schedule: Schedule, id: string, source: OccurrenceSource): NewRun {
  return {
    id,
    trigger: source === 'schedule' ? 'schedule' : 'manual',
    scheduleId: schedule.id,
    recipePath: '/r/recipe.yaml',
    recipeHash: 'h1',
    kind: 'recipe',
    recipeEntry: '/data/recipes/h1/recipe.yaml',
    params: {},
    options: {
      timeoutMs: 1000,
      graceMs: 100,
      retryPolicy: DEFAULT_RETRY_POLICY,
      cwd: '/tmp',
      logCapBytes: 1024,
    },
    owner: null,
  };
}

const deps = (): AfterRunDeps => ({
  schedules,
  runs,
  newRun: (schedule, id, source) => runOf(schedule, id, source),
});

function schedule(id: string, over: Partial<NewSchedule> = {}): Schedule {
  return schedules.createSchedule({
    id,
    spec: { expression: '* * * * *', timezone: 'UTC', jitterMs: 0, startAt: null, endAt: null },
    policies: {
      overlap: 'buffer_all',
      catchupWindowMs: 0,
      catchupLatestOnly: false,
      pauseOnFailure: true,
      ...over.policies,
    },
    state: { paused: false, note: null, remainingActions: null, ...over.state },
    action: {
      recipePath: '/r/recipe.yaml',
      recipeHash: 'h1',
      followSource: false,
      params: {},
      timeoutMs: 1000,
      retryPolicy: DEFAULT_RETRY_POLICY,
      cwd: null,
      mode: 'background',
      fallbackToBackground: true,
    },
    decidedThrough: now - 600_000,
  });
}

/** A started occurrence with its running run, and `waiting` buffered ones after it. */
function busy(s: Schedule, waiting: number): string {
  const first = now - 300_000;
  const runId = occurrenceRunId(s.id, first);
  schedules.recordOccurrence({
    scheduleId: s.id,
    scheduledAt: first,
    source: 'schedule',
    decision: 'started',
    detail: {},
    run: runOf(s, runId, 'schedule'),
    state: null,
  });
  runs.startAttempt(runId, {
    number: 1,
    process: { pid: 1234, startTime: '1' },
    startedAt: first,
    deadlineAt: first + 1000,
    logPath: '/l/1.log',
  });
  for (let i = 1; i <= waiting; i++)
    schedules.recordOccurrence({
      scheduleId: s.id,
      scheduledAt: first + i * 60_000,
      source: 'schedule',
      decision: 'buffered',
      detail: {},
      run: null,
      state: null,
    });
  return runId;
}

function fail(runId: string) {
  return runs.endAttempt(
    runId,
    1,
    {
      status: 'lost',
      exitCode: null,
      signal: null,
      failure: 'ProcessLost',
      logBytes: 0,
      logTruncated: false,
    },
    { type: 'attempt_lost', data: {} },
    { to: 'failed', patch: { error: 'lost' }, event: { type: 'run_completed', data: {} } },
  );
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-after-run-'));
  db = openDatabase(join(dir, 'goose-flow.db'));
  runs = new SqliteRunStore(db, clock);
  schedules = new SqliteScheduleStore(db, runs, clock);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a schedule run settling', () => {
  it('releases the next buffered occurrence and applies pause-on-failure in the same transaction', () => {
    runs.whenSettled((run) => afterRunSettled(deps(), run));
    const s = schedule('wedge');
    const first = busy(s, 2);
    const dispatch = schedules.counters().dispatch;
    fail(first);
    const [released, still] = db
      .prepare(
        "SELECT run_id, released_at FROM occurrences WHERE schedule_id = 'wedge' AND decision = 'buffered' ORDER BY scheduled_at",
      )
      .all() as { run_id: string | null; released_at: number | null }[];
    expect(released!.run_id).toBeTruthy();
    expect(runs.getRun(released!.run_id!)).toMatchObject({ status: 'pending', owner: null });
    expect(still).toMatchObject({ run_id: null, released_at: null });
    expect(schedules.getSchedule('wedge')!.state).toMatchObject({ paused: true });
    // The daemon learns of the released run through the dispatch counter.
    expect(schedules.counters().dispatch).toBeGreaterThan(dispatch);
  });

  it('is atomic: if the effects fail, the run still settles and the run scanner releases later', () => {
    runs.whenSettled(() => {
      throw new Error('boom');
    });
    const s = schedule('atomic', { policies: { pauseOnFailure: false } as never });
    const first = busy(s, 1);
    expect(fail(first).status).toBe('failed');
    expect(schedules.waiting('atomic')).toHaveLength(1);
    // What an older goose-flow (or a failed effect) left: repaired in one pass.
    const released = releaseIdle(deps());
    expect(released).toHaveLength(1);
    expect(schedules.waiting('atomic')).toHaveLength(0);
    expect(releaseIdle(deps())).toEqual([]);
  });

  it('a release is a start: remaining actions count it, and with none left what waits is dropped', () => {
    runs.whenSettled((run) => afterRunSettled(deps(), run));
    const s = schedule('limited', {
      policies: { pauseOnFailure: false } as never,
      state: { remainingActions: 1 } as never,
    });
    const first = busy(s, 2);
    fail(first);
    expect(schedules.getSchedule('limited')!.state.remainingActions).toBe(0);
    const released = schedules
      .occurrences('limited', 10)
      .find((o) => o.runId && o.decision === 'buffered');
    fail2(released!.runId!);
    const last = schedules.occurrences('limited', 10)[0]!;
    expect(last).toMatchObject({ decision: 'buffered', runId: null });
    expect(last.releasedAt).not.toBeNull();
    expect(last.detail).toMatchObject({ dropped: 'the schedule has no actions left' });
    expect(schedules.waiting('limited')).toEqual([]);
  });
});

/** Settles a pending run (no attempt) as failed, the way a kill or a failed start does. */
function fail2(runId: string) {
  return runs.transition(runId, 'failed', { error: 'x' }, { type: 'run_completed', data: {} });
}
