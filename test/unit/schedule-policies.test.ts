import { describe, expect, it } from 'vitest';
import {
  decideOccurrence,
  isExhausted,
  ON_TIME_TOLERANCE_MS,
  stateAfterRun,
  stateAfterStart,
  type OccurrenceContext,
} from '../../src/domain/schedule/policies.js';
import {
  OVERLAP_POLICIES,
  type OverlapPolicy,
  type Schedule,
} from '../../src/domain/schedule/model.js';
import { jitterOffset } from '../../src/domain/schedule/spec.js';

const T = Date.parse('2026-11-27T09:00:00Z');
const schedule = (
  over: Partial<Schedule['policies']> = {},
  state: Partial<Schedule['state']> = {},
) => ({
  policies: {
    overlap: 'skip' as OverlapPolicy,
    catchupWindowMs: 0,
    catchupLatestOnly: false,
    pauseOnFailure: false,
    ...over,
  },
  state: { paused: false, note: null, remainingActions: null, ...state },
});
const ctx = (over: Partial<OccurrenceContext> = {}): OccurrenceContext => ({
  scheduledAt: T,
  now: T + 5,
  activeRuns: 0,
  buffered: 0,
  laterAlsoDue: false,
  ...over,
});

describe('overlap policies (Temporal semantics)', () => {
  it('starts when nothing of the schedule runs or waits, whatever the policy', () => {
    for (const overlap of OVERLAP_POLICIES) {
      expect(decideOccurrence(schedule({ overlap }), ctx())).toEqual({
        decision: 'started',
        stopOthers: null,
      });
    }
  });

  it.each([
    ['skip', 0, { decision: 'skipped_overlap' }],
    ['buffer_one', 0, { decision: 'buffered' }],
    ['buffer_one', 1, { decision: 'skipped_overlap' }],
    ['buffer_all', 3, { decision: 'buffered' }],
    ['cancel_other', 0, { decision: 'started', stopOthers: 'cancel' }],
    ['terminate_other', 0, { decision: 'started', stopOthers: 'terminate' }],
    ['allow_all', 0, { decision: 'started', stopOthers: null }],
  ] as const)('%s with a run going and %i waiting → %j', (overlap, buffered, outcome) => {
    expect(decideOccurrence(schedule({ overlap }), ctx({ activeRuns: 1, buffered }))).toEqual(
      outcome,
    );
  });

  it('a waiting occurrence goes first even when no run is active', () => {
    expect(decideOccurrence(schedule({ overlap: 'buffer_all' }), ctx({ buffered: 1 }))).toEqual({
      decision: 'buffered',
    });
  });

  it('trigger and backfill use the overlap policy given with them', () => {
    expect(
      decideOccurrence(
        schedule({ overlap: 'skip' }),
        ctx({ activeRuns: 1, overlap: 'allow_all', manual: true }),
      ),
    ).toEqual({
      decision: 'started',
      stopOthers: null,
    });
  });
});

describe('pause and catch-up', () => {
  it('records a paused occurrence as skipped_paused; a manual trigger still runs', () => {
    const paused = schedule({}, { paused: true, note: 'holiday' });
    expect(decideOccurrence(paused, ctx())).toEqual({ decision: 'skipped_paused' });
    expect(decideOccurrence(paused, ctx({ manual: true })).decision).toBe('started');
  });

  it('window 0 (default): an occurrence decided late is recorded missed, not replayed', () => {
    const late = ctx({ now: T + ON_TIME_TOLERANCE_MS + 1 });
    expect(decideOccurrence(schedule(), late)).toEqual({
      decision: 'missed_catchup',
      lateByMs: ON_TIME_TOLERANCE_MS + 1,
    });
    expect(decideOccurrence(schedule(), ctx({ now: T + ON_TIME_TOLERANCE_MS })).decision).toBe(
      'started',
    );
  });

  it('a catch-up window replays occurrences younger than it', () => {
    const hour = 3_600_000;
    expect(
      decideOccurrence(schedule({ catchupWindowMs: hour }), ctx({ now: T + hour - 1 })).decision,
    ).toBe('started');
    expect(
      decideOccurrence(schedule({ catchupWindowMs: hour }), ctx({ now: T + hour + 1 })).decision,
    ).toBe('missed_catchup');
  });

  it('latest: of several missed occurrences only the most recent starts', () => {
    const latest = schedule({ catchupWindowMs: 3_600_000, catchupLatestOnly: true });
    const now = T + 600_000;
    expect(decideOccurrence(latest, ctx({ now, laterAlsoDue: true })).decision).toBe(
      'missed_catchup',
    );
    expect(decideOccurrence(latest, ctx({ now, laterAlsoDue: false })).decision).toBe('started');
    // On time, a later occurrence being due as well changes nothing.
    expect(decideOccurrence(latest, ctx({ laterAlsoDue: true })).decision).toBe('started');
  });
});

describe('schedule state after runs', () => {
  it('pauses on failure with a note naming the run, only when asked to', () => {
    expect(stateAfterRun(schedule({ pauseOnFailure: true }), 'r1', 'failed')).toEqual({
      paused: true,
      note: 'paused after run r1 failed',
      remainingActions: null,
    });
    expect(stateAfterRun(schedule({ pauseOnFailure: true }), 'r1', 'timed_out')?.paused).toBe(true);
    expect(stateAfterRun(schedule({ pauseOnFailure: true }), 'r1', 'succeeded')).toBeNull();
    expect(stateAfterRun(schedule({ pauseOnFailure: true }), 'r1', 'cancelled')).toBeNull();
    expect(stateAfterRun(schedule(), 'r1', 'failed')).toBeNull();
  });

  it('counts down remaining actions and is exhausted at zero', () => {
    const one = { paused: false, note: null, remainingActions: 1 };
    expect(stateAfterStart(one)).toEqual({ ...one, remainingActions: 0 });
    expect(isExhausted(stateAfterStart(one))).toBe(true);
    expect(isExhausted({ ...one, remainingActions: null })).toBe(false);
  });
});

describe('jitter', () => {
  it('is a stable offset within [0, jitter] per schedule and occurrence', () => {
    const a = jitterOffset('nightly', T, 60_000);
    expect(jitterOffset('nightly', T, 60_000)).toBe(a);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(60_000);
    const spread = new Set(
      Array.from({ length: 50 }, (_, i) => jitterOffset('nightly', T + i * 60_000, 60_000)),
    );
    expect(spread.size).toBeGreaterThan(40);
    expect(jitterOffset('nightly', T, 0)).toBe(0);
  });
});
