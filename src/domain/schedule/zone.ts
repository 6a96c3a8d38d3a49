/**
 * Wall-clock arithmetic for IANA zones, on top of Intl (no I/O, no zone database of our own).
 * An instant is epoch milliseconds; a wall-clock time is the same number read in the zone, i.e.
 * `instant + offset(instant)`.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's UTC offset at `instant`, in milliseconds (east of UTC is positive). */
export function offsetAt(zone: string, instant: number): number {
  const parts = formatter(zone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  const wholeSeconds = instant - (((instant % 1000) + 1000) % 1000);
  return wall - wholeSeconds;
}

/** The wall-clock reading of `instant` in `zone`, as if that reading were UTC. */
export function wallClock(zone: string, instant: number): number {
  return instant + offsetAt(zone, instant);
}

/** Zone transitions are at least this far apart in every zone in use. */
const TRANSITION_SPACING_MS = 12 * 3_600_000;

/**
 * True when the wall-clock time of `instant` was already shown earlier (the clock was set back,
 * e.g. 02:30 on the night summer time ends): `instant` is then its second occurrence.
 */
export function isRepeatedWallTime(zone: string, instant: number): boolean {
  const now = offsetAt(zone, instant);
  const shift = offsetAt(zone, instant - TRANSITION_SPACING_MS) - now;
  return shift > 0 && offsetAt(zone, instant - shift) === now + shift;
}

/**
 * The instant at which the zone's offset changes between `from` and `to` (exclusive of `from`),
 * or null if it does not. Binary search to the millisecond.
 */
export function transitionBetween(zone: string, from: number, to: number): number | null {
  const before = offsetAt(zone, from);
  if (offsetAt(zone, to) === before) return null;
  let lo = from;
  let hi = to;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}
