import { Cron } from 'croner';
import { UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { isKnownZone, isRepeatedWallTime, transitionBetween, wallClock } from './zone.js';

/** When a schedule fires: the user's expression, read in an IANA zone, within optional bounds. */
export interface ScheduleSpec {
  /** 5, 6 or 7 cron fields (7 = with year, as Goose sends), an `@hourly`-style macro, or `@every 30s`. */
  readonly expression: string;
  readonly timezone: string;
  /** Each occurrence fires up to this much later (a fixed offset per occurrence, 0 = none). */
  readonly jitterMs: number;
  /** No occurrence before this instant (inclusive) / after it (exclusive). */
  readonly startAt: number | null;
  readonly endAt: number | null;
}

export class SpecError extends UsageError {
  constructor(message: string, field: string, value: string) {
    super(message, { field, value });
  }
}

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
/** Croner numbers fields over the 7-part form, whatever the user wrote. */
const CRON_FIELDS = ['second', 'minute', 'hour', 'day-of-month', 'month', 'day-of-week', 'year'];
const CRONER_NAMES: Record<string, string> = { day: 'day-of-month', dayOfWeek: 'day-of-week' };

/** A validated spec that answers "when next?" as a pure function of an instant. */
export interface CompiledSpec {
  readonly spec: ScheduleSpec;
  /** The first scheduled time strictly after `after`, or null when there is none. */
  next(after: number): number | null;
  /** Scheduled times in (from, to], oldest first, at most `limit`. */
  between(from: number, to: number, limit: number): number[];
}

export function compileSpec(spec: ScheduleSpec): CompiledSpec {
  if (!isKnownZone(spec.timezone)) {
    throw new SpecError(
      `unknown time zone '${spec.timezone}': use an IANA name such as Europe/Berlin, America/New_York or UTC`,
      'timezone',
      spec.timezone,
    );
  }
  if (!(spec.jitterMs >= 0))
    throw new SpecError('jitter must not be negative', 'jitter', String(spec.jitterMs));
  if (spec.startAt !== null && spec.endAt !== null && spec.endAt <= spec.startAt) {
    throw new SpecError(
      'the end must be after the start',
      'end',
      new Date(spec.endAt).toISOString(),
    );
  }
  const raw = spec.expression.trim();
  const step = raw.startsWith('@every') ? everyStep(raw) : cronStep(raw, spec.timezone);
  const inBounds = (t: number) =>
    (spec.startAt === null || t >= spec.startAt) && (spec.endAt === null || t < spec.endAt);
  const next = (after: number): number | null => {
    const from = spec.startAt !== null && after < spec.startAt ? spec.startAt - 1 : after;
    const t = step(from);
    return t !== null && inBounds(t) ? t : null;
  };
  return {
    spec,
    next,
    between(from, to, limit) {
      const out: number[] = [];
      for (let t = next(from); t !== null && t <= to && out.length < limit; t = next(t))
        out.push(t);
      return out;
    },
  };
}

/** `@every 30s`: instants that are whole multiples of the interval since the Unix epoch, as Temporal's intervals. */
function everyStep(raw: string): (after: number) => number {
  const text = raw.slice('@every'.length).trim();
  const interval = parseDuration(text, '@every interval');
  if (interval < 1_000)
    throw new SpecError(
      `@every needs an interval of at least 1s (got '${text}')`,
      'expression',
      raw,
    );
  return (after) => (Math.floor(after / interval) + 1) * interval;
}

function cronStep(raw: string, zone: string): (after: number) => number | null {
  const cron = parseCron(raw, zone);
  // The same pattern read on a clock without DST: tells whether a skipped wall time matched.
  // Built only when a DST gap is met (croner allocates ~80 KB per pattern).
  let wall: Cron | null = null;
  const wallCron = () =>
    (wall ??= new Cron(raw, { timezone: 'UTC', paused: true, fixedTimeRule: 'no-wildcard' }));
  const nextOf = (t: number) => cron.nextRun(new Date(t))?.getTime() ?? null;
  return (after) => {
    let t = nextOf(after);
    // Croner fires interval jobs (wildcards, steps) twice in a repeated hour; we fire the first only.
    while (t !== null && isRepeatedWallTime(zone, t)) t = nextOf(t);
    return gapInstant(wallCron, zone, after, t) ?? t;
  };
}

function parseCron(raw: string, zone: string): Cron {
  if (raw.startsWith('@') && !MACROS.includes(raw)) {
    throw new SpecError(
      `unknown macro '${raw}'; allowed: ${MACROS.join(', ')}, @every <duration>`,
      'expression',
      raw,
    );
  }
  const count = raw.split(/\s+/).length;
  if (!raw.startsWith('@') && (count < 5 || count > 7)) {
    throw new SpecError(
      `invalid cron '${raw}': expected 5 fields (minute hour day-of-month month day-of-week), 6 (with seconds first) or 7 (with year last), got ${count}`,
      'expression',
      raw,
    );
  }
  try {
    // fixedTimeRule: a list or range of hours (`30 2,14 * * *`) is a set of fixed times, so a time
    // in a DST gap runs after the gap instead of being skipped.
    return new Cron(raw, { timezone: zone, paused: true, fixedTimeRule: 'no-wildcard' });
  } catch (err) {
    throw new SpecError(
      `invalid cron '${raw}': ${describeCronerError((err as Error).message)}`,
      'expression',
      raw,
    );
  }
}

function describeCronerError(message: string): string {
  const text = message.replace(/^CronPattern:\s*/, '');
  const entry = /configuration entry (\d+) \((.*)\) contains illegal characters/.exec(text);
  if (entry)
    return `the ${CRON_FIELDS[Number(entry[1])] ?? 'field'} field '${entry[2]}' contains characters cron does not allow`;
  const value = /Invalid value for (\w+): (.*)/.exec(text);
  if (value)
    return `${value[2]} is out of range for the ${CRONER_NAMES[value[1]!] ?? value[1]} field`;
  return text;
}

/**
 * A wildcard or step job whose time falls in a DST gap (02:30 on the night clocks go forward):
 * croner skips it; we fire it once, at the first valid instant after the gap.
 */
function gapInstant(
  wall: () => Cron,
  zone: string,
  after: number,
  next: number | null,
): number | null {
  const horizon = next ?? after + 86_400_000;
  const transition = transitionBetween(zone, after, horizon);
  if (transition === null || transition <= after || (next !== null && transition >= next))
    return null;
  const wallBefore = wallClock(zone, transition - 1) + 1;
  const wallAfter = wallClock(zone, transition);
  if (wallAfter <= wallBefore) return null;
  const missed = wall()
    .nextRun(new Date(wallBefore - 1))
    ?.getTime();
  return missed !== undefined && missed < wallAfter ? transition : null;
}

/**
 * How much later than its scheduled time an occurrence fires: a fixed fraction of the jitter,
 * derived from the schedule id and the time (FNV-1a), so a restarted scheduler computes the same
 * fire time and the same occurrence is never fired twice at two different instants.
 */
export function jitterOffset(scheduleId: string, scheduledAt: number, jitterMs: number): number {
  if (jitterMs <= 0) return 0;
  let hash = 0x811c9dc5;
  for (const ch of `${scheduleId}@${scheduledAt}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % (jitterMs + 1);
}
