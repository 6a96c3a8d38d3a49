import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capMarker, LogFollower } from '../../src/adapters/process/log-follower.js';
import { processSupervisor } from '../../src/adapters/process/supervisor.js';
import { Keeper } from '../../src/adapters/process/keeper.js';
import type { AttemptHooks, AttemptSpec } from '../../src/engines/ports.js';
import { isAlive, processStartTime } from '../../src/adapters/process/proc.js';
import { livePids, readPids, standinPath } from '../support/harness.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-sup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LogFollower', () => {
  it('finds the session id even when the line is split across writes', () => {
    const found: string[] = [];
    const path = join(dir, 'a.log');
    writeFileSync(path, '');
    const follower = new LogFollower(path, 1_000, { onSessionId: (id) => found.push(id) });
    appendFileSync(path, 'starting session | provider: x\n    session i');
    follower.poll();
    appendFileSync(path, 'd: 20261127_7\n    working directory: /w\nsession id: other\n');
    follower.close();
    expect(found).toEqual(['20261127_7']);
  });

  it('keeps the file at the cap with one marker line, and reports it once', () => {
    let capped = 0;
    const out: string[] = [];
    const path = join(dir, 'b.log');
    writeFileSync(path, '');
    const follower = new LogFollower(path, 10, {
      onCapped: () => capped++,
      onOutput: (chunk) => out.push(chunk.toString()),
    });
    appendFileSync(path, '12345678');
    follower.poll();
    appendFileSync(path, 'abcdef');
    follower.poll();
    appendFileSync(path, 'more');
    follower.close();
    expect(follower.bytes).toBe(10);
    expect(follower.truncated).toBe(true);
    expect(capped).toBe(1);
    expect(out.join('')).toBe('12345678ab');
    expect(readFileSync(path, 'utf8')).toBe('12345678ab' + capMarker(10));
  });
});

describe('process supervisor', () => {
  const start = (s: AttemptSpec, hooks: AttemptHooks) => processSupervisor.prepare(s).start(hooks);
  const spec = (env: Record<string, string>, over: object = {}) => ({
    command: standinPath,
    args: ['run', '--recipe', '/dev/null'],
    env: { ...(process.env as Record<string, string>), STANDIN_PIDFILE: join(dir, 'pids'), ...env },
    cwd: dir,
    logPath: join(dir, 'attempt.log'),
    logCapBytes: 1_000_000,
    deadlineAt: Date.now() + 60_000,
    graceMs: 300,
    heartbeatMs: 50,
    ...over,
  });

  it('identifies a process by pid and start time', () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(isAlive({ pid: process.pid, startTime: processStartTime(process.pid) })).toBe(true);
    expect(isAlive({ pid: process.pid, startTime: '1' })).toBe(false);
  });

  it('stops a three-level tree that ignores SIGTERM by escalating to SIGKILL', async () => {
    const proc = start(
      spec({ STANDIN_SLEEP: '60', STANDIN_CHILDREN: '2', STANDIN_IGNORE_TERM: '1' }),
      {},
    );
    await waitForPids(5);
    const report = await proc.stop('cancel');
    const exit = await proc.exit;
    expect(report.escalated).toBe(true);
    expect(exit).toMatchObject({ stoppedBy: 'cancel', signal: 'SIGKILL', adopted: false });
    expect(livePids(readPids(join(dir, 'pids')))).toEqual([]);
  });

  it('times out an attempt at its deadline, heartbeating meanwhile', async () => {
    let beats = 0;
    const proc = start(spec({ STANDIN_SLEEP: '60' }, { deadlineAt: Date.now() + 400 }), {
      onHeartbeat: () => beats++,
    });
    const exit = await proc.exit;
    expect(exit.stoppedBy).toBe('timeout');
    expect(exit.signal).toBe('SIGTERM');
    expect(beats).toBeGreaterThan(2);
  });

  it('stops processes an attempt leaves behind when it exits', async () => {
    const proc = start(spec({ STANDIN_CHILDREN: '1' }), {});
    const exit = await proc.exit;
    expect(exit.exitCode).toBe(0);
    expect(livePids(readPids(join(dir, 'pids')))).toEqual([]);
    expect(readFileSync(join(dir, 'attempt.log'), 'utf8')).toContain(
      'left-over processes of the attempt were stopped',
    );
  });

  it('reports a missing executable as a spawn error', async () => {
    const exit = await start(spec({}, { command: join(dir, 'no-such-goose') }), {}).exit;
    expect(exit.spawnError).toMatch(/ENOENT/);
  });

  it('names a missing working directory as such (not as a missing goose)', async () => {
    const missing = join(dir, 'no-such-dir');
    const exit = await start(spec({}, { cwd: missing }), {}).exit;
    expect(exit.spawnError).toContain(`the working directory ${missing} does not exist`);
    expect(exit.spawnError).not.toMatch(/ENOENT/);
  });

  it('records how goose ended next to its log, for a goose-flow that is not there to see it', async () => {
    const proc = start(spec({ STANDIN_EXIT: '3' }), {});
    const identity = await proc.started;
    expect(identity?.pid).toBeGreaterThan(0);
    expect(await proc.exit).toMatchObject({ exitCode: 3, signal: null });
    expect(readFileSync(join(dir, 'attempt.pid'), 'utf8')).toBe(`${identity!.pid}\n`);
    expect(readFileSync(join(dir, 'attempt.exit'), 'utf8')).toBe('3\n');
  });

  it("settles a goose whose keeper's waiter was killed (nobody reports its end) as an end unknown", async () => {
    const proc = start(spec({ STANDIN_SLEEP: '1' }), {});
    const identity = await proc.started;
    const stat = readFileSync(`/proc/${identity!.pid}/stat`, 'utf8');
    const waiter = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    process.kill(waiter, 'SIGKILL');
    expect(await proc.exit).toMatchObject({ exitCode: null, signal: null, spawnError: null });
  }, 30_000);

  async function waitForPids(n: number): Promise<void> {
    const until = Date.now() + 10_000;
    while (readPids(join(dir, 'pids')).length < n) {
      if (Date.now() > until) throw new Error('process tree did not appear');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
});

describe('the keeper', () => {
  it('keeps no memory of attempts that ended (a daemon starts many over its life)', async () => {
    const keeper = new Keeper();
    const rss = (pid: number) =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    const once = (i: number) =>
      new Promise<void>((resolve) => {
        const log = join(dir, `${i % 20}.log`);
        const { start } = keeper.keeperFor({
          base: log.slice(0, -4),
          logPath: log,
          cwd: dir,
          graceMs: 1000,
          deadlineAt: Date.now() + 60_000,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
          command: '/bin/true',
          args: [],
        });
        start((answer) => {
          if (answer.kind !== 'started') resolve();
        });
      });
    const { identity } = keeper.keeperFor({
      base: join(dir, 'x'),
      logPath: join(dir, 'x.log'),
      cwd: dir,
      graceMs: 1000,
      deadlineAt: Date.now(),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      command: '/bin/true',
      args: [],
    });
    for (let i = 0; i < 300; i++) await once(i);
    const before = rss(identity.pid);
    for (let i = 0; i < 1500; i++) await once(i);
    // Without pruning bash's job table, 1,500 attempts grow it by ~360 KB.
    expect(rss(identity.pid) - before).toBeLessThan(150);
  }, 60_000);
});
