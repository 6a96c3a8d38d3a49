import { describe, expect, it } from 'vitest';
import { draftFromInput, type InputNames } from '../../src/domain/schedule/draft-input.js';
import { defaultDraft } from '../../src/domain/schedule/transfer-draft.js';

const CLI: InputNames = {
  of: (field) => (field === 'timezone' ? '--tz' : `--${field}`),
  catchup: '--catchup',
  catchupWindow: '--catchup-window',
};
const API: InputNames = {
  of: (field) => `field '${field}':`,
  catchup: "field 'catchup':",
  catchupWindow: "'catchupWindow'",
};

describe('the schedule fields both faces take', () => {
  const base = defaultDraft('nightly', '0 2 * * *', '/r/a.yaml');

  it('parses durations and times, keeps what is absent from the base, merges params', () => {
    const draft = draftFromInput(
      'nightly',
      {
        jitter: '30s',
        start: '2026-12-01T09:00:00Z',
        catchupWindow: '1h',
        catchup: 'latest',
        params: { b: '2' },
        timeout: '90m',
      },
      { ...base, params: { a: '1' } },
      CLI,
    );
    expect(draft).toMatchObject({
      id: 'nightly',
      expression: '0 2 * * *',
      recipePath: '/r/a.yaml',
      jitterMs: 30_000,
      startAt: Date.parse('2026-12-01T09:00:00Z'),
      catchupWindowMs: 3_600_000,
      catchupLatestOnly: true,
      params: { a: '1', b: '2' },
      timeoutMs: 90 * 60_000,
    });
    expect(draft.endAt).toBe(base.endAt);
  });

  it('names the field as the face that asked names it', () => {
    expect(() => draftFromInput('n', { jitter: 'soon' }, base, CLI)).toThrow(/--jitter/);
    expect(() => draftFromInput('n', { jitter: 'soon' }, base, API)).toThrow(/field 'jitter':/);
    expect(() => draftFromInput('n', { start: 'tomorrow' }, base, CLI)).toThrow(
      "--start 'tomorrow' is not an ISO-8601 time",
    );
    expect(() => draftFromInput('n', { timeout: '400d' }, base, API)).toThrow(/field 'timeout':/);
    expect(() => draftFromInput('n', { catchup: 'latest' }, base, CLI)).toThrow(
      '--catchup latest needs a --catchup-window greater than 0',
    );
    expect(() => draftFromInput('n', { catchup: 'latest' }, base, API)).toThrow(
      "field 'catchup': latest needs a 'catchupWindow' greater than 0",
    );
  });
});
