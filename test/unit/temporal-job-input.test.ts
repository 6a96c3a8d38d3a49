import { describe, expect, it } from 'vitest';
import { TemporalEngine } from '../../src/engines/temporal/engine.js';
import type { TemporalLink } from '../../src/engines/temporal/connection.js';
import type { ScheduleBackend } from '../../src/engines/contract.js';
import { DEFAULT_RETRY_POLICY } from '../../src/domain/retry-policy.js';

const engine = new TemporalEngine({
  link: {} as TemporalLink,
  clock: { now: () => 0, sleep: async () => undefined },
  heartbeatMs: 1000,
  readSnapshot: () => [{ path: 'r.yaml', content: 'prompt: x\n' }],
  hostDefaultCwd: '/data/host-a/work',
  // Job input only: no schedule is touched here.
  schedulesFor: () => ({}) as ScheduleBackend,
  pipelines: {
    pipelineAt: () => {
      throw new Error('no pipeline here');
    },
    snapshotHash: () => 'h',
  },
});

const run = (cwd: string) => ({
  trigger: 'manual' as const,
  scheduleId: null,
  recipePath: '/r.yaml',
  recipeHash: 'h',
  kind: 'recipe' as const,
  recipeEntry: '/data/recipes/h/r.yaml',
  params: {},
  options: {
    timeoutMs: 1000,
    graceMs: 100,
    retryPolicy: DEFAULT_RETRY_POLICY,
    cwd,
    logCapBytes: 1024,
  },
});

describe('the workflow input of a Temporal run', () => {
  it("ships no working directory when the run uses this host's default: each worker uses its own", () => {
    expect(engine.jobOf(run('/data/host-a/work')).input.options.cwd).toBeNull();
    expect(engine.jobOf(run('/data/host-a/work/')).input.options.cwd).toBeNull();
  });

  it('ships a working directory the user chose as it is', () => {
    expect(engine.jobOf(run('/home/me/project')).input.options.cwd).toBe('/home/me/project');
  });
});
