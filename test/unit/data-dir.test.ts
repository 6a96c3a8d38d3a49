import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRunDir, ensureDir } from '../../src/adapters/data-dir.js';

describe('ensureDir', () => {
  it('creates every missing level, accepts what exists, and refuses what cannot be a folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'ensure-dir-'));
    try {
      ensureDir(join(root, 'a', 'b', 'c'));
      expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
      ensureDir(join(root, 'a', 'b'));
      writeFileSync(join(root, 'file'), '');
      expect(() => ensureDir(join(root, 'file', 'x'))).toThrow(/ENOTDIR|not a directory/);
      // Node's recursive mkdir loops forever here; this answers at once.
      expect(() => ensureDir('/proc/goose-flow-test/x')).toThrow(/ENOENT/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

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
