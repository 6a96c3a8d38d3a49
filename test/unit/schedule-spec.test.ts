import { describe, expect, it } from 'vitest';
import { compileSpec, type ScheduleSpec } from '../../src/domain/schedule/spec.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const spec = (
  expression: string,
  timezone = 'UTC',
  over: Partial<ScheduleSpec> = {},
): ScheduleSpec => ({
  expression,
  timezone,
  jitterMs: 0,
  startAt: null,
  endAt: null,
  ...over,
});
const times = (s: ScheduleSpec, from: string, to: string, limit = 20) =>
  compileSpec(s)
    .between(at(from), at(to), limit)
    .map((t) => iso(t));

describe('schedule spec: forms', () => {
  it('reads a 5-field cron in the schedule zone', () => {
    expect(
      iso(compileSpec(spec('0 9 * * *', 'Europe/Berlin')).next(at('2026-11-27T00:00:00Z'))),
    ).toBe('2026-11-27T08:00:00.000Z');
  });

  it("treats Goose's 7-field form like the 5-field one it came from", () => {
    const five = times(
      spec('0 12 * * 1-5', 'America/New_York'),
      '2026-11-20T00:00:00Z',
      '2026-12-01T00:00:00Z',
    );
    const seven = times(
      spec('0 0 12 * * 1-5 *', 'America/New_York'),
      '2026-11-20T00:00:00Z',
      '2026-12-01T00:00:00Z',
    );
    expect(seven).toEqual(five);
    expect(five[0]).toBe('2026-11-20T17:00:00.000Z');
  });

  it('supports seconds (6 fields), macros and @every (anchored at the epoch, like Temporal intervals)', () => {
    expect(iso(compileSpec(spec('*/10 * * * * *')).next(at('2026-01-01T00:00:03Z')))).toBe(
      '2026-01-01T00:00:10.000Z',
    );
    expect(iso(compileSpec(spec('@hourly')).next(at('2026-01-01T00:30:00Z')))).toBe(
      '2026-01-01T01:00:00.000Z',
    );
    expect(times(spec('@every 30s'), '2026-01-01T00:00:10Z', '2026-01-01T00:01:30Z')).toEqual([
      '2026-01-01T00:00:30.000Z',
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:01:30.000Z',
    ]);
  });

  it('keeps occurrences within start (inclusive) and end (exclusive)', () => {
    const bounded = spec('0 * * * *', 'UTC', {
      startAt: at('2026-01-01T02:00:00Z'),
      endAt: at('2026-01-01T05:00:00Z'),
    });
    expect(times(bounded, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')).toEqual([
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
      '2026-01-01T04:00:00.000Z',
    ]);
    expect(compileSpec(spec('0 0 12 * * * 2020')).next(at('2026-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('schedule spec: DST (a missing time fires once after the gap; a repeated time fires once, the first)', () => {
  it('Europe/Berlin, clocks forward: 02:30 fires at 03:00 CEST', () => {
    expect(
      times(spec('30 2 * * *', 'Europe/Berlin'), '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z'),
    ).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('Europe/Berlin, clocks back: 02:30 fires once, in summer time', () => {
    expect(
      times(spec('30 2 * * *', 'Europe/Berlin'), '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z'),
    ).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('Europe/Berlin, clocks back: an every-30-minutes job does not repeat the repeated hour', () => {
    expect(
      times(spec('*/30 * * * *', 'Europe/Berlin'), '2026-10-24T23:40:00Z', '2026-10-25T02:30:00Z'),
    ).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST; 02:00 and 02:30 CET are not fired again
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-10-25T02:30:00.000Z',
    ]);
  });

  it('America/New_York, clocks forward: an hourly :30 job fires for 02:30 at 03:00 EDT', () => {
    expect(
      times(spec('30 * * * *', 'America/New_York'), '2026-03-08T06:00:00Z', '2026-03-08T08:00:00Z'),
    ).toEqual([
      '2026-03-08T06:30:00.000Z', // 01:30 EST
      '2026-03-08T07:00:00.000Z', // 02:30 does not exist: 03:00 EDT
      '2026-03-08T07:30:00.000Z', // 03:30 EDT
    ]);
  });

  it('America/New_York, clocks back: 01:00 fires once, and :15 of the repeated hour once', () => {
    expect(
      times(spec('0 1 * * *', 'America/New_York'), '2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z'),
    ).toEqual(['2026-11-01T05:00:00.000Z', '2026-11-02T06:00:00.000Z']);
    expect(
      times(spec('15 * * * *', 'America/New_York'), '2026-11-01T04:00:00Z', '2026-11-01T07:30:00Z'),
    ).toEqual([
      '2026-11-01T04:15:00.000Z', // 00:15 EDT
      '2026-11-01T05:15:00.000Z', // 01:15 EDT; 01:15 EST (06:15Z) is not fired again
      '2026-11-01T07:15:00.000Z', // 02:15 EST
    ]);
  });
});

describe('schedule spec: bad input says which field and why', () => {
  it.each([
    ['61 * * * *', /invalid cron '61 \* \* \* \*': 61 is out of range for the minute field/],
    ['* * * * 8', /8 is out of range for the day-of-week field/],
    ['* * * * x', /the day-of-week field 'x' contains characters cron does not allow/],
    ['a * * * * *', /the second field 'a'/],
    ['* * * *', /expected 5 fields .* got 4/],
    ['5-3 * * * *', /From value is larger than to value/],
    ['@reboot', /unknown macro '@reboot'; allowed: @yearly/],
    ['@every 500ms', /at least 1s/],
    ['@every soon', /invalid @every interval 'soon'/],
  ])('%s', (expression, message) => {
    expect(() => compileSpec(spec(expression))).toThrow(message);
  });

  it('names an unknown time zone and what to use instead', () => {
    expect(() => compileSpec(spec('@daily', 'Mars/Olympus'))).toThrow(
      /unknown time zone 'Mars\/Olympus': use an IANA name/,
    );
  });

  it('refuses an end before the start', () => {
    expect(() => compileSpec(spec('@daily', 'UTC', { startAt: 10, endAt: 5 }))).toThrow(
      /end must be after the start/,
    );
  });
});
