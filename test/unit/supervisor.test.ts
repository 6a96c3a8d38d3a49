import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogSink } from '../../src/adapters/process/log-sink.js';
import { processSupervisor } from '../../src/adapters/process/supervisor.js';
import { isAlive, processStartTime } from '../../src/adapters/process/proc.js';
import { livePids, readPids, standinPath } from '../support/harness.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goose-flow-sup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LogSink', () => {
  it('finds the session id even when the line is split across chunks', async () => {
    const found: string[] = [];
    const sink = new LogSink(
      join(dir, 'a.log'),
      1_000,
      (id) => found.push(id),
      () => undefined,
    );
    sink.write(Buffer.from('starting session | provider: x\n    session i'));
    sink.write(Buffer.from('d: 20261127_7\n    working directory: /w\nsession id: other\n'));
    await sink.close();
    expect(found).toEqual(['20261127_7']);
  });

  it('caps the log at the limit and reports it once', async () => {
    let capped = 0;
    const sink = new LogSink(
      join(dir, 'b.log'),
      10,
      () => undefined,
      () => capped++,
    );
    sink.write(Buffer.from('12345678'));
    sink.write(Buffer.from('abcdef'));
    sink.write(Buffer.from('more'));
    await sink.close();
    expect(sink.bytes).toBe(10);
    expect(sink.truncated).toBe(true);
    expect(capped).toBe(1);
    expect(readFileSync(join(dir, 'b.log'), 'utf8')).toBe(
      '12345678ab\n[goose-flow] log capped at 10 bytes; further output dropped\n',
    );
  });
});

describe('process supervisor', () => {
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
    const proc = processSupervisor.start(
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
    const proc = processSupervisor.start(
      spec({ STANDIN_SLEEP: '60' }, { deadlineAt: Date.now() + 400 }),
      {
        onHeartbeat: () => beats++,
      },
    );
    const exit = await proc.exit;
    expect(exit.stoppedBy).toBe('timeout');
    expect(exit.signal).toBe('SIGTERM');
    expect(beats).toBeGreaterThan(2);
  });

  it('stops processes an attempt leaves behind when it exits', async () => {
    const proc = processSupervisor.start(spec({ STANDIN_CHILDREN: '1' }), {});
    const exit = await proc.exit;
    expect(exit.exitCode).toBe(0);
    expect(livePids(readPids(join(dir, 'pids')))).toEqual([]);
    expect(readFileSync(join(dir, 'attempt.log'), 'utf8')).toContain(
      'left-over processes of the attempt were stopped',
    );
  });

  it('reports a missing executable as a spawn error', async () => {
    const exit = await processSupervisor.start(
      spec({}, { command: join(dir, 'no-such-goose') }),
      {},
    ).exit;
    expect(exit.spawnError).toMatch(/ENOENT/);
  });

  async function waitForPids(n: number): Promise<void> {
    const until = Date.now() + 10_000;
    while (readPids(join(dir, 'pids')).length < n) {
      if (Date.now() > until) throw new Error('process tree did not appear');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
});
