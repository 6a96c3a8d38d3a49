import Database from 'better-sqlite3';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The one run's timeline event types, read from the store directly: a goose-flow command would
 * itself hand an orphan to a background recovery and race the test's own `recover`.
 */
function types(): string[] {
  const file = join(box.dataDir, 'goose-flow.db');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db.prepare('SELECT type FROM events ORDER BY seq').pluck().all() as string[];
  } finally {
    db.close();
  }
}

/** The newest attempt's pid and heartbeat, from the store (see `types`). */
function attemptRow(): { pid: number | null; heartbeat_at: number } | undefined {
  const file = join(box.dataDir, 'goose-flow.db');
  if (!existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db
      .prepare('SELECT pid, heartbeat_at FROM attempts ORDER BY number DESC LIMIT 1')
      .get() as { pid: number | null; heartbeat_at: number } | undefined;
  } finally {
    db.close();
  }
}

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
  // The attempt's row (with its pid) is written just after the spawn: kill once it is there.
  await waitFor(() => attemptRow()?.pid, 15_000, 'the attempt to be recorded');
  runner.kill('SIGKILL');
  await finished(runner);
}

describe('recovery after goose-flow is killed with SIGKILL', () => {
  it('re-adopts a still-living attempt, watches it to its end, then retries (exit status unknown)', async () => {
    const done = join(box.root, 'adopt.done');
    const recipe = box.recipe('adopt.yaml', { wait_file: done, sleep_attempts: 1, lines: 0 });
    await killGooseFlowMidRun(recipe);
    const standin = readPids(box.pidfile)[0]!;
    expect(livePids([standin])).toEqual([standin]);
    // (No `runs` here: any command would already hand the orphan to a background recovery.)

    // The attempt lives until the test has seen it adopted: no race with a slow machine.
    const recovering = startCli(['recover', '--json'], box.env);
    await waitFor(() => types().includes('attempt_adopted'), 30_000, 'adoption');
    writeFileSync(done, '');
    const recovered = await finished(recovering);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(json<{ adopted: string[] }>(recovered.stdout).adopted).toHaveLength(1);

    const run = await detail();
    expect(run.status).toBe('succeeded');
    expect(run.attempts.map((a) => [a.status, a.failure])).toEqual([
      ['lost', 'ExitStatusUnknown'],
      ['succeeded', null],
    ]);
    const kinds = run.timeline.map((e) => e.type);
    expect(kinds).toEqual(
      expect.arrayContaining(['owner_lost', 'attempt_adopted', 'attempt_lost', 'retry_scheduled']),
    );
    expect(kinds.indexOf('attempt_adopted')).toBeLessThan(kinds.indexOf('attempt_lost'));
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
    const done = join(box.root, 'once.done');
    const recipe = box.recipe('once.yaml', { wait_file: done, sleep_attempts: 1, lines: 0 });
    await killGooseFlowMidRun(recipe);
    const both = [
      startCli(['recover', '--json'], box.env),
      startCli(['recover', '--json'], box.env),
    ];
    await waitFor(() => types().includes('attempt_adopted'), 30_000, 'adoption');
    writeFileSync(done, '');
    const [a, b] = await Promise.all(both.map((p) => finished(p)));
    const reports = [a!, b!].map((r) => json<{ adopted: string[] }>(r.stdout));
    expect(reports.map((r) => r.adopted.length).sort()).toEqual([0, 1]);
    const run = await detail();
    expect(run.timeline.filter((e) => e.type === 'owner_lost')).toHaveLength(1);
    expect(run.status).toBe('succeeded');
  });

  it('takes over a run whose owner hangs (alive but not heartbeating) and watches its attempt', async () => {
    mkdirSync(box.dataDir, { recursive: true });
    writeFileSync(join(box.dataDir, 'config.yaml'), 'run:\n  heartbeat: 100ms\n');
    const done = join(box.root, 'hung.done');
    const recipe = box.recipe('hung.yaml', { wait_file: done, sleep_attempts: 1, lines: 0 });
    const runner = startCli(['run', recipe], box.env);
    await waitFor(() => readPids(box.pidfile).length >= 1, 15_000, 'the attempt process');
    await waitFor(() => attemptRow()?.pid, 15_000, 'the attempt row');
    runner.kill('SIGSTOP'); // the owner hangs: alive, but its heartbeats stop
    try {
      // Stale once 18 heartbeats of 100 ms went missing: wait for that in the store, not by the clock.
      await waitFor(
        () => {
          const row = attemptRow();
          return row !== undefined && Date.now() - row.heartbeat_at > 2_500;
        },
        30_000,
        'the heartbeat to go stale',
      );
      const recovering = startCli(['recover', '--json'], box.env);
      await waitFor(() => types().includes('attempt_adopted'), 30_000, 'adoption');
      writeFileSync(done, '');
      const recovered = await finished(recovering);
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
