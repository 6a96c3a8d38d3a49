import { describe, expect, it } from 'vitest';
import {
  temporalSpecShape,
  temporalSpecWarnings,
} from '../../src/engines/temporal/spec-mapping.js';
import type { SchedulePolicies } from '../../src/domain/schedule/model.js';

const policies: SchedulePolicies = {
  overlap: 'skip',
  catchupWindowMs: 60_000,
  catchupLatestOnly: false,
  pauseOnFailure: false,
};
const spec = (expression: string, timezone = 'UTC') => ({
  expression,
  timezone,
  jitterMs: 0,
  startAt: null,
  endAt: null,
});
// 2026-11-27T12:00:00Z: the next Berlin DST change is 2027-03-28 (clocks forward at 02:00).
const NOW = Date.UTC(2026, 10, 27, 12);

describe('our spec in Temporal terms', () => {
  it('always hands Temporal the 7-field form (Temporal reads 6 fields as "…, year")', () => {
    expect(temporalSpecShape('30 2 * * *')).toEqual({ kind: 'cron', cron: '0 30 2 * * * *' });
    expect(temporalSpecShape('*/5 * * * * *')).toEqual({ kind: 'cron', cron: '*/5 * * * * * *' });
    expect(temporalSpecShape('0 0 9 * * MON-FRI 2027')).toEqual({
      kind: 'cron',
      cron: '0 0 9 * * MON-FRI 2027',
    });
    expect(temporalSpecShape('@hourly')).toEqual({ kind: 'cron', cron: '0 0 * * * * *' });
    expect(temporalSpecShape('@every 90s')).toEqual({ kind: 'interval', everyMs: 90_000 });
  });

  it('refuses what Temporal would read differently, saying why', () => {
    expect(() => temporalSpecShape('0 9 1 * MON')).toThrow(/both day-of-month and day-of-week/);
    expect(() => temporalSpecShape('0 9 L * *')).toThrow(
      /L, W, # \(or \? outside the day fields\)/,
    );
    expect(() => temporalSpecShape('0 9 * * 5#2')).toThrow(
      /L, W, # \(or \? outside the day fields\)/,
    );
    expect(() => temporalSpecShape('0 0 12 * * * 1999')).toThrow(/years 2000–2100 only/);
    // Quartz's "no specific value" is a wildcard on both engines.
    expect(temporalSpecShape('0 0 12 ? * MON *')).toEqual({
      kind: 'cron',
      cron: '0 0 12 * * MON *',
    });
    expect(temporalSpecShape('0 12 * * ?')).toEqual({ kind: 'cron', cron: '0 0 12 * * * *' });
    expect(() => temporalSpecShape('0 0 12 * * * 2099-2101')).toThrow(/years 2000–2100 only/);
    expect(temporalSpecShape('0 0 12 * * * 2099')).toEqual({
      kind: 'cron',
      cron: '0 0 12 * * * 2099',
    });
    // Names that contain the letters are not extensions.
    expect(temporalSpecShape('0 9 * JUL WED')).toEqual({ kind: 'cron', cron: '0 0 9 * JUL WED *' });
    expect(() =>
      temporalSpecWarnings(spec('@daily'), { ...policies, catchupLatestOnly: true }, NOW),
    ).toThrow(/no Temporal equivalent/);
  });

  it('does not warn about a catch-up window under 10 s: both engines start an occurrence up to 10 s late', () => {
    expect(temporalSpecWarnings(spec('@daily'), policies, NOW)).toEqual([]);
    expect(temporalSpecWarnings(spec('@daily'), { ...policies, catchupWindowMs: 0 }, NOW)).toEqual(
      [],
    );
  });

  it('warns when the spec meets a DST change in the next year, in both directions', () => {
    const [forward] = temporalSpecWarnings(spec('30 2 * * *', 'Europe/Berlin'), policies, NOW);
    expect(forward).toMatch(/2027-03-28 02:30 \(Europe\/Berlin\) does not exist/);
    const [back] = temporalSpecWarnings(
      spec('30 2 * * *', 'Europe/Berlin'),
      policies,
      Date.UTC(2027, 4, 1),
    );
    expect(back).toMatch(/2027-10-31 02:30 \(Europe\/Berlin\) happens twice/);
    expect(temporalSpecWarnings(spec('30 4 * * *', 'Europe/Berlin'), policies, NOW)).toEqual([]);
    expect(temporalSpecWarnings(spec('30 2 * * *', 'UTC'), policies, NOW)).toEqual([]);
    expect(temporalSpecWarnings(spec('@every 1h', 'Europe/Berlin'), policies, NOW)).toEqual([]);
  });
});
