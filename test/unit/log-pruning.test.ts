import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { pruneLogs } from '../../src/adapters/data-dir.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('a Temporal worker host deletes attempt logs last written before the cutoff, and their emptied folders', () => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-logs-'));
  const now = Date.now();
  const log = (run: string, attempt: number, ageMs: number) => {
    mkdirSync(join(dir, run), { recursive: true });
    const file = join(dir, run, `${attempt}.log`);
    writeFileSync(file, 'x');
    const t = (now - ageMs) / 1000;
    utimesSync(file, t, t);
    return file;
  };
  const old1 = log('old-run', 1, 40 * 86_400_000);
  const old2 = log('mixed-run', 1, 40 * 86_400_000);
  const fresh = log('mixed-run', 2, 1_000);
  const recent = log('new-run', 1, 60_000);
  expect(pruneLogs(dir, now - 30 * 86_400_000)).toBe(2);
  expect([old1, old2].map(existsSync)).toEqual([false, false]);
  expect([fresh, recent].map(existsSync)).toEqual([true, true]);
  expect(existsSync(join(dir, 'old-run'))).toBe(false);
  expect(pruneLogs(join(dir, 'missing'), now)).toBe(0);
});
