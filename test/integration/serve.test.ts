import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import {
  cli,
  finished,
  json,
  livePids,
  readPids,
  repoRoot,
  sandbox,
  startCli,
  waitFor,
  type CliProcess,
  type Sandbox,
} from '../support/harness.js';

interface Occurrence {
  scheduled_at: number;
  source: string;
  decision: string;
  run_id: string | null;
  detail: string;
}

let box: Sandbox;
let daemons: CliProcess[] = [];
beforeEach(() => {
  box = sandbox();
  daemons = [];
});
afterEach(async () => {
  for (const d of daemons) if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
  await Promise.all(daemons.map((d) => d.closed));
  // Whatever a killed daemon left is settled before the sandbox checks for leaks.
  await cli(['recover'], { ...box.env, GOOSE_FLOW_ORPHANS: 'kill' });
  box.cleanup();
});

async function serve(env = box.env, extra: string[] = []): Promise<CliProcess> {
  const daemon = startCli(['serve', '--log-format', 'json', ...extra], env);
  daemons.push(daemon);
  await waitFor(
    () => daemon.out.stdout.includes('serve_started') || daemon.exitCode !== null,
    10_000,
    'serve to start',
  );
  return daemon;
}

async function stop(daemon: CliProcess): Promise<number | null> {
  daemon.kill('SIGTERM');
  return (await finished(daemon)).code;
}

function ledger(scheduleId: string): Occurrence[] {
  const db = new Database(join(box.dataDir, 'goose-flow.db'), { readonly: true });
  try {
    return db
      .prepare('SELECT * FROM occurrences WHERE schedule_id = ? ORDER BY scheduled_at, source')
      .all(scheduleId) as Occurrence[];
  } finally {
    db.close();
  }
}

function runsOf(scheduleId: string): { id: string; status: string; session_id: string | null }[] {
  const db = new Database(join(box.dataDir, 'goose-flow.db'), { readonly: true });
  try {
    return db
      .prepare('SELECT id, status, session_id FROM runs WHERE schedule_id = ? ORDER BY id')
      .all(scheduleId) as { id: string; status: string; session_id: string | null }[];
  } finally {
    db.close();
  }
}

describe('goose-flow serve', () => {
  it('fires a schedule every second on time, one run per occurrence, and refuses a second daemon', async () => {
    const add = await cli(
      [
        'schedule',
        'add',
        'tick',
        '--cron',
        '* * * * * *',
        // Every occurrence starts, however long a run takes on a loaded machine.
        '--overlap',
        'allow_all',
        '--recipe',
        box.recipe('tick.yaml', { lines: 1 }),
      ],
      box.env,
    );
    expect(add.code, add.stderr).toBe(0);
    const daemon = await serve();
    await waitFor(
      () => runsOf('tick').filter((r) => r.status === 'succeeded').length >= 3,
      15_000,
      'three runs',
    );

    const second = await cli(['serve'], box.env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`another goose-flow serve (pid ${daemon.pid}) already runs`);

    expect(await stop(daemon)).toBe(0);
    const occurrences = ledger('tick');
    expect(occurrences.every((o) => o.decision === 'started' && o.source === 'schedule')).toBe(
      true,
    );
    for (const o of occurrences) {
      expect(o.scheduled_at % 1000).toBe(0);
      expect(o.run_id).toBe(`tick@${new Date(o.scheduled_at).toISOString()}`);
      // On time (the fire lateness itself is measured by bench/scheduler.mjs, not here).
      const late = (JSON.parse(o.detail) as { lateMs: number }).lateMs;
      expect(late).toBeLessThan(5_000);
    }
    const times = occurrences.map((o) => o.scheduled_at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(1000);
  });

  it('records overlap skips, pauses and resumes, and a schedule added while it runs fires', async () => {
    const daemon = await serve();
    const recipe = box.recipe('slow.yaml', { sleep: 2.5, lines: 0 });
    await cli(['schedule', 'add', 'slow', '--cron', '* * * * * *', '--recipe', recipe], box.env);
    await waitFor(
      () => ledger('slow').some((o) => o.decision === 'skipped_overlap'),
      10_000,
      'an overlap skip',
    );

    expect((await cli(['schedule', 'pause', 'slow', '--note', 'maintenance'], box.env)).code).toBe(
      0,
    );
    await waitFor(
      () => ledger('slow').some((o) => o.decision === 'skipped_paused'),
      10_000,
      'a paused skip',
    );
    const show = json<{ paused: boolean; note: string }>(
      (await cli(['schedule', 'show', 'slow', '--json'], box.env)).stdout,
    );
    expect(show).toMatchObject({ paused: true, note: 'maintenance' });

    expect((await cli(['schedule', 'resume', 'slow'], box.env)).code).toBe(0);
    const resumedAt = Date.now();
    await waitFor(
      () =>
        ledger('slow').some((o) => o.decision !== 'skipped_paused' && o.scheduled_at > resumedAt),
      10_000,
      'an occurrence after resume',
    );
    await stop(daemon);
    const decisions = new Set(ledger('slow').map((o) => o.decision));
    expect([...decisions].sort()).toEqual(['skipped_overlap', 'skipped_paused', 'started']);
  });

  it('trigger hands the run to a running daemon, or runs it in the foreground without one', async () => {
    const recipe = box.recipe('manual.yaml', { lines: 1 });
    await cli(['schedule', 'add', 'manual', '--cron', '0 0 1 1 *', '--recipe', recipe], box.env);
    const foreground = await cli(['schedule', 'trigger', 'manual', '--json'], box.env);
    expect(foreground.code, foreground.stderr).toBe(0);
    expect(json<{ run: { status: string }; daemonPid: null }>(foreground.stdout)).toMatchObject({
      run: { status: 'succeeded' },
      daemonPid: null,
    });

    const daemon = await serve();
    const handed = await cli(['schedule', 'trigger', 'manual'], box.env);
    expect(handed.stdout).toContain(`started by the daemon (pid ${daemon.pid})`);
    await waitFor(
      () => runsOf('manual').filter((r) => r.status === 'succeeded').length === 2,
      10_000,
      'the daemon to run it',
    );
    await stop(daemon);
    expect(ledger('manual').map((o) => [o.source, o.decision])).toEqual([
      ['trigger', 'started'],
      ['trigger', 'started'],
    ]);
    // An ordinary start, logged and recorded as one: no crash-recovery words.
    const handedId = runsOf('manual')
      .map((r) => r.id)
      .find((id) => handed.stdout.includes(id))!;
    expect(daemon.out.stdout).toMatch(
      new RegExp(
        `"runId":"${handedId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^\n]*"msg":"run_started"`,
      ),
    );
    expect(daemon.out.stdout).not.toContain('runs_recovered');
    const timeline = json<{ timeline: { type: string }[] }>(
      (await cli(['runs', 'show', handedId, '--json'], box.env)).stdout,
    ).timeline.map((e) => e.type);
    expect(timeline).toContain('run_claimed');
    expect(timeline).not.toContain('owner_lost');
  });
});

describe('exactly once across daemon crashes', () => {
  it('kill -9 of the daemon mid-run: after a restart every occurrence has exactly one fate and every run settles', async () => {
    const recipe = box.recipe('work.yaml', { sleep: 1.5, lines: 0 });
    await cli(
      [
        'schedule',
        'add',
        'work',
        '--cron',
        '*/2 * * * * *',
        '--recipe',
        recipe,
        '--catchup-window',
        '1m',
      ],
      box.env,
    );
    const first = await serve();
    await waitFor(
      () => runsOf('work').some((r) => r.status === 'running'),
      10_000,
      'a running run',
    );
    first.kill('SIGKILL');
    await finished(first);
    await new Promise((r) => setTimeout(r, 2_500));
    const second = await serve();
    await waitFor(
      () => runsOf('work').filter((r) => r.status === 'succeeded').length >= 4,
      20_000,
      'runs after the restart',
    );
    await stop(second);
    expectLedgerExactlyOnce('work', 2_000);
  });

  const points = [
    ['before-decision', 2],
    ['after-decision', 2],
    ['after-dispatch', 2],
  ] as const;
  for (const [point, at] of points) {
    it(`a crash at ${point} (hit ${at}) loses and duplicates nothing`, async () => {
      const recipe = box.recipe('fault.yaml', { lines: 0, sleep: 0.3 });
      await cli(
        [
          'schedule',
          'add',
          'fault',
          '--cron',
          '* * * * * *',
          '--recipe',
          recipe,
          '--catchup-window',
          '1m',
        ],
        box.env,
      );
      const faulty = spawn(process.execPath, [join(repoRoot, 'test/support/faulty-daemon.mjs')], {
        env: { ...box.env, FAULT_POINT: point, FAULT_AT: String(at) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const code = await new Promise<number | null>((resolve) =>
        faulty.once('exit', (c, s) => resolve(c ?? (s ? -1 : null))),
      );
      expect(code).toBe(-1); // killed by its own fault
      const daemon = await serve();
      await waitFor(
        () => runsOf('fault').filter((r) => r.status === 'succeeded').length >= 4,
        20_000,
        'runs after restart',
      );
      await stop(daemon);
      expectLedgerExactlyOnce('fault', 1_000);
    });
  }
});

/**
 * Every occurrence from the first to the last decided one has exactly one row (or lies inside a
 * collapsed range); every started occurrence has exactly one run, and no run is left unsettled.
 */
describe('a crash never wedges a buffer', () => {
  it('kill -9 of the daemon and its attempt: the restarted daemon settles the run and releases the buffered occurrence', async () => {
    const done = join(box.root, 'wedge.done');
    const recipe = box.recipe('wedge.yaml', { wait_file: done, lines: 0 });
    const added = await cli(
      [
        'schedule',
        'add',
        'wedge',
        '--cron',
        '*/2 * * * * *',
        '--overlap',
        'buffer_one',
        '--retries',
        '0',
        '--recipe',
        recipe,
      ],
      box.env,
    );
    expect(added.code, added.stderr).toBe(0);
    const first = await serve();
    // One runs, one waits.
    await waitFor(
      () =>
        runsOf('wedge').some((r) => r.status === 'running') &&
        ledger('wedge').some((o) => o.decision === 'buffered' && o.run_id === null),
      20_000,
      'a running run and a buffered occurrence',
    );
    first.kill('SIGKILL');
    await finished(first);
    // The attempt dies too (its goose-flow is gone, so nothing can report its end).
    for (const pid of livePids(readPids(box.pidfile))) process.kill(pid, 'SIGKILL');
    await waitFor(() => livePids(readPids(box.pidfile)).length === 0, 10_000, 'the attempt gone');

    const second = await serve();
    // Recovery settles the lost run (no retries left) and, in the same transaction, releases the
    // buffered occurrence: its run starts. It used to wait forever, and every later occurrence
    // was skipped_overlap.
    const waitedRow = await waitFor(
      () =>
        ledger('wedge').find(
          (o) =>
            o.decision === 'buffered' && o.run_id !== null && runStatus(o.run_id) === 'running',
        ),
      20_000,
      'the buffered occurrence released and running',
    );
    expect(runStatus(waitedRow.run_id!)).toBe('running');
    const lost = runsOf('wedge').filter((r) => r.status === 'failed');
    expect(lost).toHaveLength(1);
    writeFileSync(done, '');
    // From here the schedule goes on: buffered occurrences keep being released as runs end.
    await waitFor(
      () => runsOf('wedge').filter((r) => r.status === 'succeeded').length >= 2,
      20_000,
      'later occurrences to run',
    );
    await stop(second);
    expect(
      ledger('wedge').filter(
        (o) => o.decision === 'buffered' && o.run_id === null && !JSON.parse(o.detail).dropped,
      ).length,
    ).toBeLessThanOrEqual(1);
  });
});

function runStatus(runId: string): string | undefined {
  const db = new Database(join(box.dataDir, 'goose-flow.db'), { readonly: true });
  try {
    return db.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(runId) as
      string | undefined;
  } finally {
    db.close();
  }
}

function expectLedgerExactlyOnce(scheduleId: string, everyMs: number): void {
  const rows = ledger(scheduleId).filter((o) => o.source === 'schedule');
  expect(rows.length).toBeGreaterThan(3);
  let expected = rows[0]!.scheduled_at;
  for (const row of rows) {
    expect(row.scheduled_at).toBe(expected);
    const through = (JSON.parse(row.detail) as { through?: string }).through;
    expected = (through ? Date.parse(through) : row.scheduled_at) + everyMs;
  }
  const runs = runsOf(scheduleId);
  const started = rows.filter((o) => o.decision === 'started');
  expect(runs.map((r) => r.id).sort()).toEqual(started.map((o) => o.run_id).sort());
  expect(
    runs.filter((r) => !['succeeded', 'failed', 'timed_out', 'cancelled'].includes(r.status)),
  ).toEqual([]);
  expect(livePids(readPids(box.pidfile))).toEqual([]);
}

describe('run --detach and backfill', () => {
  it('run --detach needs a daemon, and hands the run to it', async () => {
    const recipe = box.recipe('detached.yaml', { lines: 1 });
    const refused = await cli(['run', recipe, '--detach'], box.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('none runs on');
    expect(json((await cli(['runs', '--json'], box.env)).stdout)).toEqual([]);

    const daemon = await serve();
    const handed = await cli(['run', recipe, '--detach', '--json'], box.env);
    expect(handed.code, handed.stderr).toBe(0);
    const { id } = json<{ id: string }>(handed.stdout);
    await waitFor(
      async () => {
        const run = json<{ status: string }>(
          (await cli(['runs', 'show', id, '--json'], box.env)).stdout,
        );
        return run.status === 'succeeded';
      },
      10_000,
      'the daemon to run it',
    );
    await stop(daemon);
  });

  it('backfill decides each occurrence of the range once, with the overlap policy given', async () => {
    const recipe = box.recipe('hourly.yaml', { lines: 0, sleep: 0.5 });
    await cli(['schedule', 'add', 'hourly', '--cron', '0 * * * *', '--recipe', recipe], box.env);
    const range = ['--from', '2026-11-26T00:00:00Z', '--to', '2026-11-26T02:59:00Z'];
    const skip = await cli(['schedule', 'backfill', 'hourly', ...range, '--json'], box.env);
    expect(skip.code, skip.stderr).toBe(0);
    const decided = json<{ decided: { decision: string; already: boolean }[] }>(
      skip.stdout,
    ).decided;
    expect(decided.map((d) => d.decision)).toEqual([
      'started',
      'skipped_overlap',
      'skipped_overlap',
    ]);

    const again = json<{ decided: { already: boolean }[] }>(
      (
        await cli(
          ['schedule', 'backfill', 'hourly', ...range, '--overlap', 'allow_all', '--json'],
          box.env,
        )
      ).stdout,
    );
    expect(again.decided.map((d) => d.already)).toEqual([true, true, true]);
    expect(runsOf('hourly').map((r) => [r.id, r.status])).toEqual([
      ['hourly@2026-11-26T00:00:00.000Z/backfill', 'succeeded'],
    ]);
  });
});

describe('backfill of an occurrence already decided', () => {
  it('changes nothing: no run is stopped by its policy, and the answer is the first decision', async () => {
    const recipe = box.recipe('yearly.yaml', { lines: 0, sleep: 60 });
    await cli(['schedule', 'add', 'y', '--cron', '0 0 1 1 *', '--recipe', recipe], box.env);
    const daemon = await serve();
    const backfill = async (at: string, overlap: string) => {
      const r = await cli(
        ['schedule', 'backfill', 'y', '--from', at, '--to', at, '--overlap', overlap, '--json'],
        box.env,
      );
      expect(r.code, r.stderr).toBe(0);
      return json<{ decided: { decision: string; runId: string | null; already: boolean }[] }>(
        r.stdout,
      ).decided[0]!;
    };
    const first = await backfill('2031-01-01T00:00:00Z', 'skip');
    expect(first).toMatchObject({ decision: 'started', already: false });
    await waitFor(
      () => runsOf('y').some((r) => r.status === 'running'),
      10_000,
      'the 2031 run to run',
    );
    expect(await backfill('2032-01-01T00:00:00Z', 'skip')).toMatchObject({
      decision: 'skipped_overlap',
      already: false,
    });
    expect(await backfill('2032-01-01T00:00:00Z', 'cancel_other')).toEqual({
      scheduledAt: '2032-01-01T00:00:00.000Z',
      decision: 'skipped_overlap',
      runId: null,
      already: true,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(runsOf('y').map((r) => r.status)).toEqual(['running']);
    await stop(daemon);
  });
});

describe('serve shutdown', () => {
  it('SIGTERM stops running runs (their whole tree) by default, and exits 0', async () => {
    const recipe = box.recipe('long.yaml', { sleep: 60, children: 1, lines: 0 });
    await cli(['schedule', 'add', 'long', '--cron', '* * * * * *', '--recipe', recipe], box.env);
    const daemon = await serve();
    await waitFor(
      () => runsOf('long').some((r) => r.status === 'running') && readPids(box.pidfile).length >= 3,
      10_000,
      'a run',
    );
    expect(await stop(daemon)).toBe(0);
    expect(livePids(readPids(box.pidfile))).toEqual([]);
    expect(runsOf('long').map((r) => r.status)).toEqual(['cancelled']);
  });

  it('SIGTERM starts none of the queued runs: they stay pending, and the next daemon runs them', async () => {
    const recipe = box.recipe('queued.yaml', { lines: 1 });
    await cli(['schedule', 'add', 'q', '--cron', '0 0 1 1 *', '--recipe', recipe], box.env);
    // The first daemon's goose sleeps (the stand-in reads STANDIN_SLEEP from its environment).
    const first = await serve({ ...box.env, STANDIN_SLEEP: '60' }, ['--max-concurrent', '1']);
    for (let i = 0; i < 3; i++)
      expect(
        (await cli(['schedule', 'trigger', 'q', '--overlap', 'allow_all'], box.env)).code,
      ).toBe(0);
    await waitFor(
      () => {
        const s = runsOf('q').map((r) => r.status);
        return s.length === 3 && s.filter((x) => x === 'running').length === 1 && s;
      },
      10_000,
      'one run running, two waiting',
    );
    expect(await stop(first)).toBe(0);
    expect(first.out.stdout + first.out.stderr).not.toContain('database connection is not open');
    expect(livePids(readPids(box.pidfile))).toEqual([]);
    expect(
      runsOf('q')
        .map((r) => r.status)
        .sort(),
    ).toEqual(['cancelled', 'pending', 'pending']);
    // The next daemon runs what was waiting.
    const second = await serve();
    await waitFor(
      () => runsOf('q').filter((r) => r.status === 'succeeded').length === 2,
      30_000,
      'the two waiting runs to run',
    );
    await stop(second);
  });

  it('--on-shutdown leave exits at once and the next daemon re-adopts the run', async () => {
    // The attempt lives until the test has seen it re-adopted (no race with a slow machine).
    const done = join(box.root, 'quiet.done');
    const recipe = box.recipe('quiet.yaml', { wait_file: done, sleep_attempts: 1, lines: 0 });
    await cli(['schedule', 'add', 'quiet', '--cron', '0 0 1 1 *', '--recipe', recipe], box.env);
    const first = await serve(box.env, ['--on-shutdown', 'leave']);
    await cli(['schedule', 'trigger', 'quiet'], box.env);
    // Wait until the attempt is past its start-up output: a goose that writes after its daemon left
    // hits a closed pipe, so only a quiet attempt outlives the daemon.
    await waitFor(() => readPids(box.pidfile).length === 1, 10_000, 'the attempt process');
    // Its session header was read (the session id is stored): from here on it writes nothing.
    await waitFor(() => runsOf('quiet')[0]?.session_id, 10_000, 'the session header');
    expect(await stop(first)).toBe(0);
    expect(livePids(readPids(box.pidfile))).toHaveLength(1);
    const second = await serve();
    await waitFor(
      () => eventTypes(runsOf('quiet')[0]!.id).includes('attempt_adopted'),
      30_000,
      'adoption',
    );
    writeFileSync(done, '');
    await waitFor(
      () => runsOf('quiet').every((r) => r.status === 'succeeded'),
      30_000,
      'the re-adopted run to settle',
    );
    await stop(second);
  });
});

function eventTypes(runId: string): string[] {
  const db = new Database(join(box.dataDir, 'goose-flow.db'), { readonly: true });
  try {
    return db
      .prepare('SELECT type FROM events WHERE run_id = ? ORDER BY seq')
      .pluck()
      .all(runId) as string[];
  } finally {
    db.close();
  }
}

describe('serve under a locked store', () => {
  it('survives the store staying locked past its busy timeout, and then decides every occurrence once', async () => {
    const recipe = box.recipe('locked.yaml', { lines: 0 });
    await cli(['schedule', 'add', 'locked', '--cron', '* * * * * *', '--recipe', recipe], box.env);
    const daemon = await serve();
    await waitFor(() => runsOf('locked').length >= 2, 10_000, 'the first runs');
    // Another process holds the write lock for longer than the daemon's 5 s busy timeout.
    const holder = new Database(join(box.dataDir, 'goose-flow.db'));
    holder.exec('BEGIN IMMEDIATE');
    await new Promise((r) => setTimeout(r, 6_500));
    holder.exec('COMMIT');
    holder.close();
    const before = runsOf('locked').length;
    await waitFor(() => runsOf('locked').length >= before + 2, 15_000, 'firing to resume');
    expect(daemon.exitCode).toBeNull();
    // It said so: a tick or a run's write waited for the lock, and went on afterwards.
    expect(daemon.out.stdout).toMatch(/tick_failed|store is locked by another process/);
    await stop(daemon);
    expectLedgerExactlyOnce('locked', 1_000);
  });
});

describe('serve that cannot start exits at once', () => {
  it('a port out of range is a usage error (exit 2); a taken port exits 1, naming it, after one signal-free start', async () => {
    const bad = await cli(['serve', '--port', '99999'], box.env, { timeoutMs: 20_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--port must be a whole number from 0 to 65535, got '99999'/);
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const port = (blocker.address() as { port: number }).port;
    try {
      // It used to print the error and go on running (two signals needed), serving nothing.
      const taken = await cli(['serve', '--port', String(port)], box.env, { timeoutMs: 20_000 });
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(`port ${port} on 127.0.0.1 is already taken`);
      // The data dir is free for the next daemon.
      const lock = json<{ daemon: unknown }>((await cli(['status', '--json'], box.env)).stdout);
      expect(lock.daemon).toBeNull();
    } finally {
      blocker.close();
    }
  });

  it('temporal-service --help and --version print and exit 0 (they used to start a server)', async () => {
    const script = join(repoRoot, 'dist/cli/temporal-service.js');
    const { startScript } = await import('../support/harness.js');
    const help = await finished(startScript(script, ['--help'], box.env), 20_000);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: temporal-service/);
    expect(help.stdout).toContain('GOOSE_FLOW_JOBS_KEY');
    const version = await finished(startScript(script, ['--version'], box.env), 20_000);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const unknown = await finished(startScript(script, ['--port', '1'], box.env), 20_000);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unexpected argument '--port'");
  });
});

describe('the data dir is owner-only', () => {
  it('is created 0700 / 0600 under umask 022, and serve fixes what an older version left', async () => {
    const { chmodSync, readdirSync, statSync } = await import('node:fs');
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect((await cli(['run', box.recipe('perm.yaml')], box.env)).code).toBe(0);
    expect(mode(box.dataDir)).toBe(0o700);
    expect(mode(join(box.dataDir, 'goose-flow.db'))).toBe(0o600);
    const runDir = join(box.dataDir, 'logs', readdirSync(join(box.dataDir, 'logs'))[0]!);
    const log = join(runDir, '1.log');
    expect(mode(runDir)).toBe(0o700);
    expect(mode(log)).toBe(0o600);
    const snapshot = join(box.dataDir, 'recipes', readdirSync(join(box.dataDir, 'recipes'))[0]!);
    expect(mode(snapshot)).toBe(0o700);
    expect(mode(join(snapshot, 'perm.yaml'))).toBe(0o600);
    // As an older goose-flow left them under umask 022.
    for (const [p, m] of [
      [box.dataDir, 0o755],
      [runDir, 0o755],
      [log, 0o644],
      [snapshot, 0o755],
      [join(snapshot, 'perm.yaml'), 0o644],
    ] as const)
      chmodSync(p, m);
    const daemon = await serve();
    expect(daemon.out.stdout).toContain('data_dir_made_owner_only');
    expect([box.dataDir, runDir, snapshot].map(mode)).toEqual([0o700, 0o700, 0o700]);
    expect([log, join(snapshot, 'perm.yaml')].map(mode)).toEqual([0o600, 0o600]);
    await stop(daemon);
  });
});
