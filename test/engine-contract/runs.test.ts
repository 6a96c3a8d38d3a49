import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { livePids, readPids } from '../support/harness.js';
import { eventually, forEachEngine } from './engines.js';

forEachEngine('runs', (engine) => {
  it('an ad-hoc run succeeds: one attempt, exit 0, session id, the output in its log', async () => {
    const e = engine();
    await e.serve();
    const run = await e.runToEnd(e.box.recipe('ok.yaml', { lines: 2 }));
    expect(run.status).toBe('succeeded');
    const detail = await e.app.runs.show(run.id);
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ number: 1, status: 'succeeded', exitCode: 0 });
    expect(detail.run.sessionId).toMatch(/^standin_/);
    const log = readFileSync(detail.attempts[0]!.logPath, 'utf8');
    expect(log).toContain('stand-in line 2 of 2');
    const types = detail.events.map((ev) => ev.type);
    expect(types).toContain('attempt_started');
    expect(types.at(-1)).toBe('run_completed');
    expect((await e.app.runs.get(run.id)).status).toBe('succeeded');
  });

  it('a failing run is retried per its policy, then fails with every attempt recorded', async () => {
    const e = engine();
    await e.serve();
    const run = await e.runToEnd(e.box.recipe('fail.yaml', { exit: 3 }), { retries: 1 });
    expect(run.status).toBe('failed');
    const detail = await e.app.runs.show(run.id);
    expect(detail.attempts.map((a) => [a.number, a.status, a.exitCode])).toEqual([
      [1, 'failed', 3],
      [2, 'failed', 3],
    ]);
    expect(detail.run.exitCode).toBe(3);
    expect(detail.events.some((ev) => ev.type === 'retry_scheduled')).toBe(true);
  });

  it('a run that fails once and then succeeds ends succeeded on its second attempt', async () => {
    const e = engine();
    await e.serve();
    const run = await e.runToEnd(e.box.recipe('flaky.yaml', { fail_first: 1 }), { retries: 2 });
    expect(run.status).toBe('succeeded');
    const detail = await e.app.runs.show(run.id);
    expect(detail.attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
  });

  it('an attempt past its timeout is timed out, its whole tree killed, no duplicate left running', async () => {
    const e = engine();
    await e.serve();
    const run = await e.runToEnd(e.box.recipe('slow.yaml', { sleep: 30, children: 1 }), {
      retries: 0,
      timeoutMs: 1_500,
    });
    expect(run.status).toBe('timed_out');
    const detail = await e.app.runs.show(run.id);
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]!.status).toBe('timed_out');
    await eventually(() => livePids(readPids(e.box.pidfile)).length === 0, 'the tree to be gone');
    expect(readPids(e.box.pidfile).length).toBeGreaterThanOrEqual(3);
  });

  it('kill cancels a running run and kills its process tree', async () => {
    const e = engine();
    await e.serve();
    const defaults = e.app.runs.defaultOptions();
    const prepared = e.app.runs.prepare({
      recipe: e.box.recipe('long.yaml', { sleep: 60, children: 1 }),
      params: {},
      options: defaults,
    });
    const started = await e.app.runs.start(prepared);
    await eventually(async () => {
      const d = await e.app.runs.show(started.run.id);
      return d.run.status === 'running' && readPids(e.box.pidfile).length >= 3;
    }, 'the run to be running');
    const killedAt = Date.now();
    const outcome = await e.app.runs.kill(started.run.id, 'test kill');
    expect(outcome.run.status).toBe('cancelled');
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    await eventually(() => livePids(readPids(e.box.pidfile)).length === 0, 'the tree to be gone');
    const detail = await e.app.runs.show(started.run.id);
    expect(detail.events.find((ev) => ev.type === 'kill_requested')?.data.reason).toBe('test kill');
    expect(detail.attempts[0]!.status).toBe('cancelled');
    await expect(e.app.runs.kill(started.run.id)).rejects.toThrow(/already ended/);
  });

  it('a run that waits for a free slot is cancelled at once, without the kill grace, and never runs', async () => {
    const e = engine();
    // A kill grace far longer than the answer may take: a wait for it would show.
    writeFileSync(join(e.box.dataDir, 'config.yaml'), 'run:\n  heartbeat: 1s\n  kill_grace: 30s\n');
    await e.restart();
    await e.serve({ maxConcurrent: 1 });
    const recipe = e.box.recipe('slot.yaml', { sleep: 60 });
    await e.app.schedules.add(e.draft('slot', '0 0 12 1 1 *', recipe));
    await e.app.schedules.trigger('slot', 'allow_all');
    await e.app.schedules.trigger('slot', 'allow_all');
    const [first, waiting] = await eventually(async () => {
      const runs = (await e.runsOf('slot')).sort((a, b) => a.createdAt - b.createdAt);
      return (
        runs.length === 2 && runs[0]!.status === 'running' && runs[1]!.status === 'pending' && runs
      );
    }, 'one run running and one waiting for the slot');
    const killedAt = Date.now();
    const outcome = await e.app.runs.kill(waiting!.id, 'test kill of a waiting run');
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    expect(outcome).toMatchObject({ settled: true, run: { status: 'cancelled' } });
    const detail = await e.app.runs.show(waiting!.id);
    expect(detail.attempts).toHaveLength(0);
    // The running one is stopped normally (TERM, and the stand-in exits at once).
    expect((await e.app.runs.kill(first!.id)).run.status).toBe('cancelled');
    await eventually(() => livePids(readPids(e.box.pidfile)).length === 0, 'no process left');
    expect((await e.app.runs.show(waiting!.id)).attempts).toHaveLength(0);
  }, 90_000);

  it('lists runs by status, and a run id that does not exist is not found', async () => {
    const e = engine();
    await e.serve();
    const ok = await e.runToEnd(e.box.recipe('a.yaml'));
    const bad = await e.runToEnd(e.box.recipe('b.yaml', { exit: 1 }), { retries: 0 });
    const succeeded = await eventually(async () => {
      const list = await e.app.runs.list({ status: 'succeeded' });
      return list.some((r) => r.id === ok.id) && list;
    }, 'the succeeded run to be listed');
    expect(succeeded.map((r) => r.id)).not.toContain(bad.id);
    const failed = await eventually(async () => {
      const list = await e.app.runs.list({ status: 'failed' });
      return list.some((r) => r.id === bad.id) && list;
    }, 'the failed run to be listed');
    expect(failed.map((r) => r.id)).not.toContain(ok.id);
    await expect(e.app.runs.show('no-such-run')).rejects.toThrow(/not found/);
  });

  it('runs survive a restart: history and logs are still there', async () => {
    const e = engine();
    await e.serve();
    const run = await e.runToEnd(e.box.recipe('keep.yaml'));
    const app = await e.restart();
    const detail = await app.runs.show(run.id);
    expect(detail.run.status).toBe('succeeded');
    expect(existsSync(detail.attempts[0]!.logPath)).toBe(true);
  });
});
