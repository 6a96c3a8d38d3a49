/**
 * The short form of scripts/chaos.mjs: `kill -9` of `serve` at random moments under seven
 * schedules (every overlap policy, failing and tree-spawning recipes), attempts killed too now and
 * then; afterwards every occurrence has exactly one fate, no buffered occurrence waits while
 * nothing of its schedule runs, every run settled, no process is left, the store is intact.
 * The long form (100 kills) is `node scripts/chaos.mjs`; its figures are in docs/BENCHMARKS.md.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { finished, repoRoot, startScript } from '../support/harness.js';

interface ChaosReport {
  seed: number;
  kills: number;
  violations: string[];
  occurrences: number;
  decisions: Record<string, number>;
}

it('kill -9 of serve at random moments: one fate per occurrence, no buffer left waiting, nothing left running', async () => {
  const chaos = startScript(
    join(repoRoot, 'scripts/chaos.mjs'),
    ['--kills', '4', '--min-ms', '600', '--max-ms', '2000', '--scale', '0.4', '--json'],
    process.env,
  );
  const result = await finished(chaos, 240_000);
  expect(result.code, result.stderr + result.stdout).toBe(0);
  const report = JSON.parse(result.stdout) as ChaosReport;
  expect(report.violations, `seed ${report.seed}`).toEqual([]);
  expect(report.kills).toBe(4);
  expect(report.decisions.started).toBeGreaterThan(0);
  expect(report.decisions.buffered).toBeGreaterThan(0);
}, 300_000);
