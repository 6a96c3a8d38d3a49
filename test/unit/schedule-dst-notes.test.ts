import { describe, expect, it } from 'vitest';
import { compileSpec, type ScheduleSpec } from '../../src/domain/schedule/spec.js';
import { dstNotes, isoInZone } from '../../src/domain/schedule/dst-notes.js';

const BERLIN = 'Europe/Berlin';
const spec = (expression: string, timezone = BERLIN): ScheduleSpec => ({
  expression,
  timezone,
  jitterMs: 0,
  startAt: null,
  endAt: null,
});
/** The notes of the next `count` fires after the fixed instant `from`. */
function notesOf(s: ScheduleSpec, from: string, count = 10) {
  const start = Date.parse(from);
  const fires = compileSpec(s).between(start, start + 400 * 86_400_000, count);
  return dstNotes(s, start, fires).map((n) => ({ at: isoInZone(s.timezone, n.at), note: n.note }));
}

describe('DST notes for a schedule preview', () => {
  it('says a fixed time in the spring-forward gap fires at the end of the gap', () => {
    expect(notesOf(spec('30 2 * * *'), '2026-03-27T00:00:00Z')).toEqual([
      {
        at: '2026-03-29T03:00:00+02:00',
        note: '02:30 is not on the clock (clocks go forward 1 h at 02:00 on 2026-03-29): fires once at 03:00 instead',
      },
    ]);
  });

  it('says repeating fires inside the gap are skipped', () => {
    const [note] = notesOf(spec('*/20 * * * *'), '2026-03-29T00:30:00Z');
    expect(note).toEqual({
      at: '2026-03-29T03:00:00+02:00',
      note: '02:00, 02:20, 02:40 are not on the clock (clocks go forward 1 h at 02:00 on 2026-03-29): skipped; the next fire is 03:00',
    });
  });

  it('says a time the fall-back repeats fires once, the first time', () => {
    expect(notesOf(spec('30 2 * * *'), '2026-10-23T00:00:00Z')).toEqual([
      {
        at: '2026-10-25T02:30:00+02:00',
        note: '02:30 happens twice on 2026-10-25 (clocks go back 1 h at 03:00): fires once, the first time',
      },
    ]);
  });

  it('is silent when no fire is touched, in zones without DST and for @every', () => {
    expect(notesOf(spec('0 12 * * *'), '2026-03-27T00:00:00Z')).toEqual([]);
    expect(notesOf(spec('30 2 1 * *'), '2026-01-01T00:00:00Z')).toEqual([]);
    expect(notesOf(spec('30 2 * * *', 'UTC'), '2026-03-27T00:00:00Z')).toEqual([]);
    expect(notesOf(spec('@every 1h'), '2026-03-29T00:00:00Z')).toEqual([]);
  });

  it('notes a clock change far from the neighbouring fires (monthly, weekly)', () => {
    // America/New_York springs forward on 2026-03-08 at 02:00.
    const notes = notesOf(spec('30 2 8 * *', 'America/New_York'), '2026-01-01T00:00:00Z', 5);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.at).toBe('2026-03-08T03:00:00-04:00');
  });
});

describe('isoInZone', () => {
  it('writes the instant with the zone offset', () => {
    const t = Date.parse('2026-03-29T01:00:00Z');
    expect(isoInZone(BERLIN, t)).toBe('2026-03-29T03:00:00+02:00');
    expect(isoInZone('UTC', t)).toBe('2026-03-29T01:00:00Z');
    expect(isoInZone('Asia/Kolkata', t)).toBe('2026-03-29T06:30:00+05:30');
    expect(isoInZone('America/New_York', t)).toBe('2026-03-28T21:00:00-04:00');
  });
});
