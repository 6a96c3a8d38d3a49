/** The dashboard's log helpers: ANSI SGR → styled segments (the rest stripped), search, the window. */
import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from '../../web/src/ansi.js';
import { findMatches } from '../../web/src/text-search.js';
import { bounded, utf8Bytes } from '../../web/src/log-window.js';

describe('parseAnsi', () => {
  it('turns colour and bold codes into classes and resets them', () => {
    expect(parseAnsi('a \x1b[31mred\x1b[0m b \x1b[1;92mbright\x1b[22m\x1b[39m c')).toEqual([
      { text: 'a ', style: '' },
      { text: 'red', style: 'ansi-fg-1' },
      { text: ' b ', style: '' },
      { text: 'bright', style: 'ansi-bold ansi-fg-10' },
      { text: ' c', style: '' },
    ]);
  });

  it('keeps 256-colour codes of the basic 16 and backgrounds; skips true colour', () => {
    expect(parseAnsi('\x1b[38;5;4;44mx\x1b[38;2;1;2;3my')).toEqual([
      { text: 'xy', style: 'ansi-fg-4 ansi-bg-4' },
    ]);
  });

  it('drops cursor, erase and OSC sequences, and never yields markup', () => {
    const text = '\x1b[2K\x1b[1Gdone\x1b]0;title\x07 <b>&amp;</b>';
    expect(stripAnsi(text)).toBe('done <b>&amp;</b>');
    expect(parseAnsi(text)).toEqual([{ text: 'done <b>&amp;</b>', style: '' }]);
  });
});

describe('findMatches', () => {
  it('finds every case-insensitive match', () => {
    expect(findMatches('Error, error, ERROR', 'error')).toEqual([0, 7, 14]);
    expect(findMatches('abc', '')).toEqual([]);
  });
});

describe('bounded (the log window while following)', () => {
  const win = (text: string, start = 100) =>
    ({ text, start, end: start + utf8Bytes(text), loading: false, error: null }) as const;

  it('keeps a window within its cap unchanged', () => {
    const w = win('a\nb\n');
    expect(bounded(w, 10)).toBe(w);
  });

  it('drops whole lines from the front and moves start by their UTF-8 bytes', () => {
    const w = win('héllo\nworld\nlast\n');
    const b = bounded(w, 10);
    expect(b.text).toBe('last\n');
    expect(b.start).toBe(100 + utf8Bytes('héllo\nworld\n'));
    expect(b.end).toBe(w.end);
  });
});
