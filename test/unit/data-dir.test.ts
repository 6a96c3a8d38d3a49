import { describe, expect, it } from 'vitest';
import { encodeRunDir } from '../../src/adapters/data-dir.js';

describe('encodeRunDir', () => {
  it('keeps plain ids readable and encodes everything else, so no two ids share a folder', () => {
    expect(encodeRunDir('nightly@2026-11-27T08:00:00.000Z')).toBe(
      'nightly@2026-11-27T08%3A00%3A00.000Z',
    );
    const ids = [
      'Daily summary@2026-11-27T08:00:00.000Z',
      'Daily_summary@2026-11-27T08:00:00.000Z',
      'Daily%20summary@2026-11-27T08:00:00.000Z',
      'Tägliche Übersicht@x',
      'a/b',
      'a%2Fb',
    ];
    const dirs = ids.map(encodeRunDir);
    expect(new Set(dirs).size).toBe(ids.length);
    for (const d of dirs) expect(d).toMatch(/^[A-Za-z0-9._@%~-]+$/);
    expect(encodeRunDir('a/b')).toBe('a%2Fb');
    expect(encodeRunDir('..')).toBe('%2E%2E');
  });

  it('keeps long ids within a file name, still distinct', () => {
    const a = encodeRunDir('ü'.repeat(200) + '@1');
    const b = encodeRunDir('ü'.repeat(200) + '@2');
    expect(a.length).toBeLessThanOrEqual(180);
    expect(a).not.toBe(b);
  });
});
