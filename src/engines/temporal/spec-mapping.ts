/**
 * Our schedule spec and policies in Temporal's terms — pure. Where Temporal would read a spec
 * differently from the embedded engine, the schedule is refused (UsageError) or a warning says how.
 */
import { parseDuration } from '../../domain/duration.js';
import { UsageError } from '../../domain/errors.js';
import type { SchedulePolicies } from '../../domain/schedule/model.js';
import { compileSpec, type ScheduleSpec } from '../../domain/schedule/spec.js';
import { offsetAt, transitionBetween, wallClock } from '../../domain/schedule/zone.js';

/** Temporal refuses a catch-up window under 10 s (and reads 0 as "default: one year"). */
export const TEMPORAL_MIN_CATCHUP_MS = 10_000;

const MACRO_CRON: Record<string, string> = {
  '@yearly': '0 0 0 1 1 * *',
  '@annually': '0 0 0 1 1 * *',
  '@monthly': '0 0 0 1 * * *',
  '@weekly': '0 0 0 * * 0 *',
  '@daily': '0 0 0 * * * *',
  '@midnight': '0 0 0 * * * *',
  '@hourly': '0 0 * * * * *',
};

export type TemporalSpecShape =
  | { readonly kind: 'cron'; readonly cron: string }
  | { readonly kind: 'interval'; readonly everyMs: number };

/**
 * Temporal reads 6 cron fields as "…, year" where we (and croner) read "second, …": always hand
 * it the unambiguous 7-field form `second minute hour day-of-month month day-of-week year`.
 */
export function temporalSpecShape(expression: string): TemporalSpecShape {
  const raw = expression.trim();
  if (raw.startsWith('@every')) {
    return {
      kind: 'interval',
      everyMs: parseDuration(raw.slice('@every'.length).trim(), '@every interval'),
    };
  }
  const macro = MACRO_CRON[raw];
  if (macro) return { kind: 'cron', cron: macro };
  // Quartz's `?` (day-of-month or day-of-week: "no specific value") is `*` for both engines.
  const given = raw.split(/\s+/);
  const dayFields = given.length === 5 ? [2, 4] : [3, 5];
  const fields = given.map((f, i) => (f === '?' && dayFields.includes(i) ? '*' : f));
  if (
    fields.some((f) =>
      /[LW#?]/i.test(
        f.replace(
          /(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/gi,
          '',
        ),
      ),
    )
  ) {
    throw new UsageError(
      `cron '${raw}' uses L, W, # (or ? outside the day fields), which Temporal's cron does not read as the embedded engine does; write the days out, or use the embedded engine`,
      { field: 'expression', value: raw },
    );
  }
  const seven =
    fields.length === 5 ? ['0', ...fields, '*'] : fields.length === 6 ? [...fields, '*'] : fields;
  const [, , , dom, , dow, year = '*'] = seven;
  // Temporal's calendar knows the years 2000–2100 only.
  const years = year.match(/\d+/g)?.map(Number) ?? [];
  if (years.some((y) => y < 2000 || y > 2100)) {
    throw new UsageError(
      `cron '${raw}': Temporal schedules reach the years 2000–2100 only (year field '${year}')`,
      { field: 'expression', value: raw },
    );
  }
  if (dom !== '*' && dom !== '?' && dow !== '*' && dow !== '?') {
    throw new UsageError(
      `cron '${raw}' restricts both day-of-month and day-of-week: the embedded engine fires when either matches (classic cron), Temporal only when both do; split it into two schedules`,
      { field: 'expression', value: raw },
    );
  }
  return { kind: 'cron', cron: seven.join(' ') };
}

/** Warnings about a spec that Temporal runs differently in edge cases (the schedule still works). */
export function temporalSpecWarnings(
  spec: ScheduleSpec,
  policies: SchedulePolicies,
  now: number,
): string[] {
  const warnings: string[] = [];
  if (policies.catchupLatestOnly) {
    throw new UsageError(
      '--catchup latest has no Temporal equivalent (Temporal starts every missed occurrence within the window, subject to the overlap policy); use a catch-up window with overlap skip, or the embedded engine',
      { field: 'catchup' },
    );
  }
  // A window under 10 s is not a difference: both engines start an occurrence up to 10 s late
  // (Temporal's shortest window, the embedded engine's on-time tolerance); ScheduleService says so.
  const dst = dstWarning(spec, now);
  if (dst) warnings.push(dst);
  return warnings;
}

/**
 * Temporal has no DST policy: a wall time that does not exist fires 0 times and a repeated one
 * twice, where the embedded engine fires each once. Says so if this spec meets such a time in the
 * next year.
 */
function dstWarning(spec: ScheduleSpec, now: number): string | null {
  if (spec.expression.trim().startsWith('@every')) return null;
  const wall = compileSpec({ ...spec, timezone: 'UTC', startAt: null, endAt: null });
  let from = now;
  const end = now + 366 * 86_400_000;
  while (from < end) {
    const t = transitionBetween(spec.timezone, from, Math.min(from + 32 * 86_400_000, end));
    if (t === null) {
      from += 32 * 86_400_000;
      continue;
    }
    const shift = offsetAt(spec.timezone, t) - offsetAt(spec.timezone, t - 1);
    // Wall times affected: skipped (clocks forward) or shown twice (clocks back).
    const start = shift > 0 ? wallClock(spec.timezone, t - 1) + 1 : wallClock(spec.timezone, t);
    const hit = wall.next(start - 1);
    if (hit !== null && hit < start + Math.abs(shift)) {
      const local = new Date(hit).toISOString().slice(0, 16).replace('T', ' ');
      return shift > 0
        ? `${local} (${spec.timezone}) does not exist (clocks go forward): Temporal skips that occurrence, the embedded engine runs it right after the change`
        : `${local} (${spec.timezone}) happens twice (clocks go back): Temporal runs that occurrence twice, the embedded engine once`;
    }
    from = t + 1;
  }
  return null;
}
