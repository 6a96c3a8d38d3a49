import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/**
 * Parses a duration like `90s`, `30m`, `1h30m`, `2h`, `500ms` into milliseconds.
 * A bare number is rejected: the unit is what makes a duration unambiguous.
 */
export function parseDuration(text: string, field = 'duration'): number {
  const input = text.trim();
  let total = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(input); m; m = PART.exec(input)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    consumed = PART.lastIndex;
  }
  if (input === '' || consumed !== input.length) {
    throw new UsageError(
      `invalid ${field} '${text}': expected a number with a unit (ms, s, m, h, d), e.g. 30s, 30m, 1h30m`,
      { field, value: text },
    );
  }
  return Math.round(total);
}

/** Formats milliseconds as a short human duration: `850ms`, `12.3s`, `4m05s`, `2h00m`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1_000);
  if (ms < 3_600_000) {
    return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  }
  const minutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

const EXACT_UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/**
 * Formats milliseconds so that `parseDuration` reads back exactly the same number: `1h30m`,
 * `45s`, `1d`, and `1500ms` when the value is not a whole number of seconds.
 */
export function formatDurationExact(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new UsageError(`cannot write ${ms} ms as a duration: expected a whole number >= 0`, {
      field: 'duration',
      value: String(ms),
    });
  if (ms === 0) return '0s';
  if (ms % 1_000 !== 0) return `${ms}ms`;
  let rest = ms;
  let text = '';
  for (const [unit, size] of EXACT_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}

/**
 * Go's `time.Duration` text, as Goose's Go service answered `running_duration`: `1m2.5s`,
 * `1h0m0s`, `750ms`, `0s` (millisecond precision).
 */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  if (whole === 0) return '0s';
  if (whole < 1_000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = ((whole % 60_000) / 1_000).toFixed(3).replace(/\.?0+$/, '');
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}
