/**
 * The short form of scripts/pipeline-chaos.mjs: `kill -9` of `serve` at random moments while a
 * fan-out pipeline (list → review ×4, max_parallel 2, and a retried check → summary) runs every
 * 2 seconds; afterwards every pipeline run succeeded with all its steps, the summary got the 4
 * reviews, no goose started twice for one attempt, every step run has as many goose starts as
 * attempts, nothing is left running, the store is intact.
 * The long form (30 kills) is `node scripts/pipeline-chaos.mjs`; its figures are in
 * docs/BENCHMARKS.md.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { finished, repoRoot, startScript } from '../support/harness.js';

interface PipelineChaosReport {
  seed: number;
  kills: number;
  violations: string[];
  pipelineRuns: number;
  pipelineStatuses: Record<string, number>;
  attemptsExecutedTwice: number;
  processesLeft: number;
}

it('kill -9 of serve while fan-out pipelines run: each succeeds, no step runs twice, the fan-in arrives', async () => {
  const chaos = startScript(
    join(repoRoot, 'scripts/pipeline-chaos.mjs'),
    ['--kills', '4', '--min-ms', '600', '--max-ms', '2000', '--json'],
    process.env,
  );
  const result = await finished(chaos, 150_000);
  expect(result.code, result.stderr + result.stdout).toBe(0);
  const report = JSON.parse(result.stdout) as PipelineChaosReport;
  expect(report.violations, `seed ${report.seed}`).toEqual([]);
  expect(report.kills).toBe(4);
  expect(report.pipelineRuns).toBeGreaterThan(0);
  expect(report.pipelineStatuses).toEqual({ succeeded: report.pipelineRuns });
  expect(report.attemptsExecutedTwice).toBe(0);
  expect(report.processesLeft).toBe(0);
}, 180_000);
