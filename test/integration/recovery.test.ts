import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The parent of a process (goose's parent is its keeper's waiter). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The newest attempt's pid and heartbeat, from the store (see `types`). */
function attemptRow(): { pid: number | null; heartbeat_at: number } | undefined {
  const file = join(box.dataDir, 'goose-flow.db');
  if (!existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db
      .prepare('SELECT pid, heartbeat_at FROM attempts ORDER BY rowid DESC LIMIT 1')
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
  env: NodeJS.ProcessEnv = box.env,
): Promise<void> {
  const before = readPids(box.pidfile).length;
  const runner = startCli(['run', recipe, ...extra], env);
  await waitFor(
    () => readPids(box.pidfile).length >= before + treeSize,
    15_000,
    'the attempt process',
  );
  // The attempt's pid is recorded once its keeper started it: kill once it is there.
  await waitFor(() => attemptRow()?.pid, 15_000, 'the attempt to be recorded');
  runner.kill('SIGKILL');
  await finished(runner);
}

describe('recovery after goose-flow is killed with SIGKILL', () => {
  it('re-adopts a still-living attempt and settles it with its real exit status, never running it again', async () => {
    const done = join(box.root, 'adopt.done');
    const record = join(box.root, 'calls.jsonl');
    const env = { ...box.env, STANDIN_RECORD: record };
    const recipe = box.recipe('adopt.yaml', { wait_file: done, lines: 0 });
    await killGooseFlowMidRun(recipe, [], 1, env);
    const standin = readPids(box.pidfile)[0]!;
    expect(livePids([standin])).toEqual([standin]);
    // (No `runs` here: any command would already hand the orphan to a background recovery.)

    // The attempt lives until the test has seen it adopted: no race with a slow machine.
    const recovering = startCli(['recover', '--json'], env);
    await waitFor(() => types().includes('attempt_adopted'), 30_000, 'adoption');
    writeFileSync(done, '');
    const recovered = await finished(recovering);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(json<{ adopted: string[] }>(recovered.stdout).adopted).toHaveLength(1);

    const run = await detail(env);
    expect(run.status).toBe('succeeded');
    expect(run.attempts.map((a) => [a.status, a.failure])).toEqual([['succeeded', null]]);
    const kinds = run.timeline.map((e) => e.type);
    expect(kinds).toEqual(
      expect.arrayContaining(['owner_lost', 'attempt_adopted', 'attempt_succeeded']),
    );
    expect(kinds).not.toContain('retry_scheduled');
    // goose ran once: one invocation for one attempt.
    expect(readFileSync(record, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(livePids(readPids(box.pidfile))).toEqual([]);
  });

  it('a goose that ends while no goose-flow is alive is settled with how it ended: success is not re-run, failure is judged', async () => {
    for (const [name, exit, expected] of [
      ['ok', 0, [['succeeded', null]]],
      ['bad', 3, [['failed', 'ExitCode']]],
    ] as const) {
      const done = join(box.root, `${name}.done`);
      const record = join(box.root, `${name}.jsonl`);
      const env = { ...box.env, STANDIN_RECORD: record };
      const recipe = box.recipe(`${name}.yaml`, { wait_file: done, exit, lines: 2 });
      await killGooseFlowMidRun(recipe, ['--retries', '0'], 1, env);
      // goose ends now, with nobody watching; its keeper records how.
      writeFileSync(done, '');
      await waitFor(() => livePids(readPids(box.pidfile)).length === 0, 15_000, 'goose to end');
      const recovered = await cli(['recover', '--json'], env);
      expect(recovered.code, recovered.stderr).toBe(0);
      const runs = json<{ id: string; recipe: string }[]>(
        (await cli(['runs', '--json'], env)).stdout,
      );
      const id = runs.find((r) => r.recipe.endsWith(`${name}.yaml`))!.id;
      const run = json<Detail>((await cli(['runs', 'show', id, '--json'], env)).stdout);
      expect(run.attempts.map((a) => [a.status, a.failure])).toEqual(expected);
      const ended = run.timeline.find(
        (e) => e.type.startsWith('attempt_') && e.attempt === 1 && e.data.recovered,
      );
      expect(ended?.data.recovered).toContain('its keeper recorded how');
      if (exit !== 0) expect(ended?.data.exitCode).toBe(3);
      // All of goose's output reached the log, though no goose-flow was alive to read it.
      const log = (await cli(['logs', id], env)).stdout;
      expect(log).toContain('stand-in line 2 of 2');
      expect(readFileSync(record, 'utf8').trim().split('\n')).toHaveLength(1);
    }
  });

  it('the deadline survives: with no goose-flow alive, the keeper stops goose at its timeout, and the attempt is timed out', async () => {
    const recipe = box.recipe('late.yaml', { sleep: 120, children: 1, lines: 0 });
    await killGooseFlowMidRun(recipe, ['--timeout', '3s', '--grace', '500ms', '--retries', '0'], 3);
    // Nobody watches: the keeper keeps the deadline (TERM to goose's group, grace, KILL).
    await waitFor(
      () => livePids(readPids(box.pidfile)).length === 0,
      30_000,
      'the keeper to stop goose at its deadline',
    );
    const recovered = await cli(['recover'], box.env);
    expect(recovered.code, recovered.stderr).toBe(0);
    const run = await detail();
    expect(run.status).toBe('timed_out');
    expect(run.attempts.map((a) => [a.status, a.failure])).toEqual([['timed_out', 'TimedOut']]);
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
    // Its keeper recorded the signal that ended it.
    expect(run.attempts.map((a) => [a.status, a.failure])).toEqual([['failed', 'ExitCode']]);
    const kill = run.timeline.find((e) => e.type === 'process_killed');
    expect(kill?.data.reason).toBe('orphan policy: kill');
  });

  it('records as lost only a goose that vanished with its keeper (no record of how it ended), and retries it; any command starts recovery', async () => {
    const recipe = box.recipe('vanish.yaml', { sleep: 60, sleep_attempts: 1, lines: 0 });
    await killGooseFlowMidRun(recipe);
    // The machine-level crash: goose and the keeper's waiter that would record its end die too.
    const goose = readPids(box.pidfile)[0]!;
    process.kill(parentOf(goose), 'SIGKILL');
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
      30_000,
      'the background recovery to settle the run',
    );
    expect(run.attempts.map((a) => [a.status, a.failure])).toEqual([
      ['lost', 'ExitStatusUnknown'],
      ['succeeded', null],
    ]);
    const lost = run.timeline.find((e) => e.type === 'attempt_lost');
    expect(lost?.data.reason).toContain('no record of how');
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
