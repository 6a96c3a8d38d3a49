import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cli,
  finished,
  json,
  livePids,
  readPids,
  sandbox,
  startCli,
  waitFor,
  type Sandbox,
} from '../support/harness.js';

interface Detail {
  id: string;
  status: string;
  error: string | null;
  attempts: {
    number: number;
    status: string;
    failure: string | null;
    pid: number | null;
    log: { bytes: number };
  }[];
  timeline: { type: string; attempt: number | null; data: Record<string, unknown> }[];
}

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

async function detail(env: NodeJS.ProcessEnv = box.env): Promise<Detail> {
  const runs = json<{ id: string }[]>((await cli(['runs', '--json'], env)).stdout);
  expect(runs).toHaveLength(1);
  return json<Detail>((await cli(['runs', 'show', runs[0]!.id, '--json'], env)).stdout);
}

/** Starts `goose-flow run`, waits until the attempt's tree exists, then SIGKILLs goose-flow. */
async function killGooseFlowMidRun(
  recipe: string,
  extra: string[] = [],
  treeSize = 1,
): Promise<void> {
  const runner = startCli(['run', recipe, ...extra], box.env);
  await waitFor(() => readPids(box.pidfile).length >= treeSize, 15_000, 'the attempt process');
  await new Promise((r) => setTimeout(r, 200));
  runner.kill('SIGKILL');
  await finished(runner);
}

describe('recovery after goose-flow is killed with SIGKILL', () => {
  it('re-adopts a still-living attempt, watches it to its end, then retries (exit status unknown)', async () => {
    const recipe = box.recipe('adopt.yaml', { sleep: 2, sleep_attempts: 1, lines: 0 });
    await killGooseFlowMidRun(recipe);
    const standin = readPids(box.pidfile)[0]!;
    expect(livePids([standin])).toEqual([standin]);
    // (No `runs` here: any command would already hand the orphan to a background recovery.)

    const recovered = await cli(['recover', '--json'], box.env);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(json<{ adopted: string[] }>(recovered.stdout).adopted).toHaveLength(1);

    const run = await detail();
    expect(run.status).toBe('succeeded');
    expect(run.attempts.map((a) => [a.status, a.failure])).toEqual([
      ['lost', 'ExitStatusUnknown'],
      ['succeeded', null],
    ]);
    const types = run.timeline.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['owner_lost', 'attempt_adopted', 'attempt_lost', 'retry_scheduled']),
    );
    expect(types.indexOf('attempt_adopted')).toBeLessThan(types.indexOf('attempt_lost'));
    expect(livePids(readPids(box.pidfile))).toEqual([]);
  });

  it('with GOOSE_FLOW_ORPHANS=kill, kills the orphaned tree and settles the run per retry policy', async () => {
    const env = { ...box.env, GOOSE_FLOW_ORPHANS: 'kill' };
    const recipe = box.recipe('orphan.yaml', { sleep: 60, children: 2, lines: 0 });
    await killGooseFlowMidRun(recipe, ['--retries', '0', '--grace', '500ms'], 5);
    expect(livePids(readPids(box.pidfile))).toHaveLength(5);

    const recovered = await cli(['recover'], env);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(livePids(readPids(box.pidfile))).toEqual([]);
    const run = await detail(env);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('not retried');
    expect(run.attempts.map((a) => [a.status, a.failure])).toEqual([['lost', 'ProcessLost']]);
    const kill = run.timeline.find((e) => e.type === 'process_killed');
    expect(kill?.data.reason).toBe('orphan policy: kill');
  });

  it('records a vanished attempt as lost and retries it; any command starts recovery', async () => {
    const recipe = box.recipe('vanish.yaml', { sleep: 60, sleep_attempts: 1, lines: 0 });
    await killGooseFlowMidRun(recipe);
    // The machine-level crash: the attempt dies with goose-flow.
    for (const pid of readPids(box.pidfile)) process.kill(pid, 'SIGKILL');
    await waitFor(() => livePids(readPids(box.pidfile)).length === 0, 5_000, 'the attempt to die');

    // A plain `runs` notices the orphan and hands it to a background `goose-flow recover`.
    const list = await cli(['runs', '--json'], box.env);
    expect(list.code).toBe(0);
    const run = await waitFor(
      async () => {
        const d = await detail();
        return d.status === 'succeeded' ? d : undefined;
      },
      20_000,
      'the background recovery to settle the run',
    );
    expect(run.attempts.map((a) => [a.status, a.failure])).toEqual([
      ['lost', 'ProcessLost'],
      ['succeeded', null],
    ]);
    const lost = run.timeline.find((e) => e.type === 'attempt_lost');
    expect(lost?.data.reason).toContain('vanished');
  });

  it('a second recover finds nothing: a run is claimed by exactly one process', async () => {
    const recipe = box.recipe('once.yaml', { sleep: 1.5, sleep_attempts: 1, lines: 0 });
    await killGooseFlowMidRun(recipe);
    const [a, b] = await Promise.all([
      cli(['recover', '--json'], box.env),
      cli(['recover', '--json'], box.env),
    ]);
    const reports = [a, b].map((r) => json<{ adopted: string[] }>(r.stdout));
    expect(reports.map((r) => r.adopted.length).sort()).toEqual([0, 1]);
    const run = await detail();
    expect(run.timeline.filter((e) => e.type === 'owner_lost')).toHaveLength(1);
    expect(run.status).toBe('succeeded');
  });

  it('takes over a run whose owner hangs (alive but not heartbeating) and watches its attempt', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(box.dataDir, { recursive: true });
    writeFileSync(join(box.dataDir, 'config.yaml'), 'run:\n  heartbeat: 100ms\n');
    const recipe = box.recipe('hung.yaml', { sleep: 3, sleep_attempts: 1, lines: 0 });
    const runner = startCli(['run', recipe], box.env);
    await waitFor(() => readPids(box.pidfile).length >= 1, 15_000, 'the attempt process');
    runner.kill('SIGSTOP'); // the owner hangs: alive, but its heartbeats stop
    try {
      await new Promise((r) => setTimeout(r, 2_500)); // 18 missed heartbeats of 100 ms
      const recovered = await cli(['recover', '--json'], box.env);
      expect(json<{ adopted: string[] }>(recovered.stdout).adopted).toHaveLength(1);
      const run = await detail();
      expect(run.status).toBe('succeeded');
      expect(run.timeline.map((e) => e.type)).toEqual(
        expect.arrayContaining(['owner_lost', 'attempt_adopted']),
      );
    } finally {
      runner.kill('SIGKILL');
      await finished(runner);
    }
  });
});
