/**
 * What a change of the clocks does to a schedule's fires, in plain words, for a preview: a wall
 * time that does not exist on the night clocks go forward (02:30 fires at 03:00, or is skipped
 * when the job repeats), and one that happens twice on the night they go back (it fires once).
 * Pure: the zone maths of zone.ts and the pattern read on a clock without DST.
 */
import { Cron } from 'croner';
import type { ScheduleSpec } from './spec.js';
import { offsetAt, transitionBetween, wallClock } from './zone.js';

export interface DstNote {
  /** The fire the note is about (forward), or the instant the clocks go back. */
  readonly at: number;
  readonly note: string;
}

const DAY_MS = 86_400_000;
/** Zone transitions are months apart: a window this long holds at most one. */
const WINDOW_MS = 30 * DAY_MS;
const MAX_LISTED = 4;

const hhmm = (wall: number) => new Date(wall).toISOString().slice(11, 16);
const day = (wall: number) => new Date(wall).toISOString().slice(0, 10);
const hours = (ms: number) => {
  const h = Math.abs(ms) / 3_600_000;
  return Number.isInteger(h) ? `${h} h` : `${Math.round(Math.abs(ms) / 60_000)} min`;
};
function list(walls: readonly number[]): string {
  const shown = walls.slice(0, MAX_LISTED).map(hhmm);
  const more = walls.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/**
 * Notes about the fires `fires` (ascending, the first after `from`) of `spec`: one per clock
 * change that moves or drops a fire in that span. `@every` intervals count real time: none.
 */
export function dstNotes(spec: ScheduleSpec, from: number, fires: readonly number[]): DstNote[] {
  const raw = spec.expression.trim();
  if (raw.startsWith('@every') || fires.length === 0) return [];
  const zone = spec.timezone;
  let wallCron: Cron;
  try {
    wallCron = new Cron(raw, { timezone: 'UTC', paused: true });
  } catch {
    return [];
  }
  /** The wall times in [w0, w1) the pattern names, at most `cap`. */
  const matching = (w0: number, w1: number, cap = 60): number[] => {
    const out: number[] = [];
    let t = wallCron.nextRun(new Date(w0 - 1))?.getTime();
    while (t !== undefined && t < w1 && out.length < cap) {
      out.push(t);
      t = wallCron.nextRun(new Date(t))?.getTime();
    }
    return out;
  };
  const fireSet = new Set(fires);
  const seen = new Set<number>();
  const notes: DstNote[] = [];
  const points = [from, ...fires];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const windows: [number, number][] =
      b - a <= 2 * WINDOW_MS
        ? [[a, b]]
        : [
            [a, a + WINDOW_MS],
            [b - WINDOW_MS, b],
          ];
    for (const [w0, w1] of windows) {
      const tr = transitionBetween(zone, w0, w1);
      if (tr === null || seen.has(tr)) continue;
      seen.add(tr);
      const shift = offsetAt(zone, tr) - offsetAt(zone, tr - 1);
      const wallBefore = wallClock(zone, tr - 1) + 1;
      const wallAfter = wallClock(zone, tr);
      if (shift > 0) {
        // Clocks go forward: wall times in [wallBefore, wallAfter) are not on the clock.
        const missed = matching(wallBefore, wallAfter);
        if (missed.length === 0) continue;
        const next = fires.find((t) => t >= tr);
        if (next === undefined) continue;
        const nextWall = wallClock(zone, next);
        const natural = matching(nextWall, nextWall + 1).length === 1;
        const change = `clocks go forward ${hours(shift)} at ${hhmm(wallBefore)} on ${day(wallBefore)}`;
        const note = natural
          ? `${list(missed)} ${missed.length === 1 ? 'is' : 'are'} not on the clock (${change}): skipped; the next fire is ${hhmm(nextWall)}`
          : `${list(missed)} ${missed.length === 1 ? 'is' : 'are'} not on the clock (${change}): fires once at ${hhmm(nextWall)} instead`;
        notes.push({ at: next, note });
      } else if (shift < 0) {
        // Clocks go back: wall times in [wallAfter, wallBefore) happen twice; they fire once.
        const repeated = matching(wallAfter, wallBefore);
        if (repeated.length === 0) continue;
        const firstFire = fires.find((t) => t < tr && t >= tr + shift && fireSet.has(t));
        notes.push({
          at: firstFire ?? tr,
          note: `${list(repeated)} ${repeated.length === 1 ? 'happens' : 'happen'} twice on ${day(wallAfter)} (clocks go back ${hours(shift)} at ${hhmm(wallBefore)}): fires once, the first time`,
        });
      }
    }
  }
  return notes.sort((x, y) => x.at - y.at);
}

/** `instant` as an RFC 3339 time with the zone's offset, e.g. `2026-03-29T03:00:00+02:00`. */
export function isoInZone(zone: string, instant: number): string {
  const offset = offsetAt(zone, instant);
  const wall = new Date(instant + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${wall}Z`;
  const abs = Math.abs(offset) / 60_000;
  const sign = offset > 0 ? '+' : '-';
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${wall}${sign}${hh}:${mm}`;
}
