import { describe, expect, it } from 'vitest';
import { formatDurationExact, goDuration } from '../../src/domain/duration.js';
import { checkCount, DurationLimit, parseDurationIn } from '../../src/domain/limits.js';

describe('goDuration (Go time.Duration text, as the Go service answered running_duration)', () => {
  it.each([
    [0, '0s'],
    [750, '750ms'],
    [1_000, '1s'],
    [2_500, '2.5s'],
    [62_500, '1m2.5s'],
    [120_000, '2m0s'],
    [3_600_000, '1h0m0s'],
    [3_723_004, '1h2m3.004s'],
  ])('%d ms → %s', (ms, text) => expect(goDuration(ms)).toBe(text));
});

describe('duration ranges', () => {
  it('names the field, what was written and the allowed range', () => {
    expect(() => parseDurationIn('25d', '--grace', DurationLimit.grace)).toThrow(
      "--grace '25d' is out of range: allowed 0s to 1h",
    );
    expect(parseDurationIn('25d', '--timeout', DurationLimit.timeout)).toBe(25 * 86_400_000);
    expect(() => checkCount(101, 'retries', { min: 0, max: 100 })).toThrow(
      'retries must be a whole number from 0 to 100, got 101',
    );
    expect(formatDurationExact(365 * 86_400_000)).toBe('365d');
    expect(formatDurationExact(1_500)).toBe('1500ms');
  });
});
