/** Live events over SSE: run events and decisions as they happen, resumable with Last-Event-ID. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, sandbox, startCli, waitFor, type Sandbox } from '../support/harness.js';
import { forEachEngineOverHttp } from '../support/http-engines.js';

interface Sse {
  id: string | null;
  event: string;
  data: Record<string, unknown>;
}

/** Reads an SSE stream into `events` until `stop()`. */
function listen(url: string, headers: Record<string, string> = {}) {
  const events: Sse[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const r = await fetch(url, { headers, signal: controller.signal });
    if (!r.ok || !r.body) throw new Error(`SSE ${url}: ${r.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .filter((l) => l.startsWith(`${name}:`))
            .map((l) => l.slice(name.length + 1).trimStart())
            .join('\n');
        if (!field('event')) continue;
        events.push({
          id: field('id') || null,
          event: field('event'),
          data: JSON.parse(field('data') || '{}'),
        });
      }
    }
  })().catch(() => {
    // Stopped by us, or the server went away at the end of a test: the events read so far stand.
  });
  return { events, stop: () => controller.abort(), done };
}

forEachEngineOverHttp('live events (SSE)', (c) => {
  /** A schedule that never fires by itself: runs come from triggers. */
  async function addYearly(id: string, recipe: string): Promise<void> {
    const added = await cli(
      ['schedule', 'add', id, '--cron', '@yearly', '--recipe', recipe],
      c().env,
    );
    expect(added.code, added.stderr).toBe(0);
  }

  it("a run's state changes reach connected clients, and a reconnecting client resumes without gaps", async () => {
    const base = await c().serveHttp();
    const a = listen(`${base}/events`);
    const b = listen(`${base}/events?scheduleId=ev`);
    await waitFor(
      () => a.events.some((e) => e.event === 'ready') && b.events.some((e) => e.event === 'ready'),
      10_000,
      'ready',
    );
    await addYearly('ev', c().box.recipe('ev.yaml'));
    const trigger = JSON.parse(
      (await cli(['schedule', 'trigger', 'ev', '--json'], c().env)).stdout,
    ) as { run: { id: string } };
    const runId = trigger.run.id;
    const completed = (s: { events: Sse[] }) =>
      s.events.find(
        (e) => e.event === 'run' && e.data.runId === runId && e.data.type === 'run_completed',
      );
    await waitFor(() => completed(a) && completed(b), 20_000, 'run_completed on both streams');
    expect(completed(a)!.data.data).toMatchObject({ status: 'succeeded' });
    const types = a.events.filter((e) => e.data.runId === runId).map((e) => e.data.type);
    expect(types[0]).toBe('run_created');
    if (c().engine === 'embedded') {
      expect(types).toContain('attempt_started');
      expect(a.events.some((e) => e.event === 'decision' && e.data.decision === 'started')).toBe(
        true,
      );
    }
    a.stop();
    b.stop();

    // Resume from the first event: everything after it, nothing before, nothing twice (live
    // delivery interleaves runs and decisions as they come; a catch-up sends each kind in order).
    const firstId = a.events.find((e) => e.id)!.id!;
    const key = (e: Sse) =>
      e.event === 'run'
        ? `run:${String(e.data.runId)}:${String(e.data.seq)}:${String(e.data.type)}`
        : `decision:${String(e.data.scheduleId)}:${String(e.data.scheduledAt)}:${String(e.data.source)}`;
    const expected = a.events
      .filter((e) => e.id && e.id !== firstId)
      .map(key)
      .sort();
    const resumed = listen(`${base}/events`, { 'last-event-id': firstId });
    await waitFor(
      () => resumed.events.filter((e) => e.id).length >= expected.length,
      10_000,
      'the resumed stream to catch up',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(
      resumed.events
        .filter((e) => e.id)
        .map(key)
        .sort(),
    ).toEqual(expected);
    resumed.stop();

    const bad = await fetch(`${base}/events`, { headers: { 'last-event-id': 'garbage' } });
    expect(bad.status).toBe(400);
    expect((await fetch(`${base}/events?logs=yes`)).status).toBe(400);

    // A stream that is still open does not hold a stopping server.
    const open = listen(`${base}/events`);
    await waitFor(() => open.events.some((e) => e.event === 'ready'), 10_000, 'ready');
    const stopping = Date.now();
    c().server().kill('SIGTERM');
    expect(await c().server().closed).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5_000);
  });

  it("streams a run's log lines until it ends, resumable by offset", async () => {
    const base = await c().serveHttp();
    await addYearly('ev', c().box.recipe('log.yaml', { lines: 5 }));
    const trigger = JSON.parse(
      (await cli(['schedule', 'trigger', 'ev', '--json'], c().env)).stdout,
    ) as { run: { id: string } };
    const url = `${base}/runs/${encodeURIComponent(trigger.run.id)}/log-stream`;
    const s = listen(url);
    await waitFor(() => s.events.some((e) => e.event === 'end'), 20_000, 'the end of the log');
    const text = s.events
      .filter((e) => e.event === 'log')
      .map((e) => e.data.data)
      .join('');
    expect(text).toContain('stand-in line 5 of 5');
    const firstLog = s.events.find((e) => e.event === 'log')!;
    const rest = listen(url, { 'last-event-id': firstLog.id! });
    await waitFor(() => rest.events.some((e) => e.event === 'end'), 20_000, 'the resumed end');
    const restText = rest.events
      .filter((e) => e.event === 'log')
      .map((e) => e.data.data)
      .join('');
    expect(String(firstLog.data.data) + restText).toBe(text);
    const missing = await fetch(`${base}/runs/nope/log-stream`);
    expect(missing.status).toBe(404);
  });

  it('with logs=true, the global stream carries the log lines of the runs it covers', async () => {
    const base = await c().serveHttp();
    const recipe = (name: string) => c().box.recipe(`${name}.yaml`, { lines: 4, sleep: 0.5 });
    for (const id of ['lg', 'other']) await addYearly(id, recipe(id));
    const s = listen(`${base}/events?logs=true&scheduleId=lg`);
    await waitFor(() => s.events.some((e) => e.event === 'ready'), 10_000, 'ready');
    const run = async (id: string) =>
      (
        JSON.parse((await cli(['schedule', 'trigger', id, '--json'], c().env)).stdout) as {
          run: { id: string };
        }
      ).run.id;
    const other = await run('other');
    const runId = await run('lg');
    const text = () =>
      s.events
        .filter((e) => e.event === 'log' && e.data.runId === runId)
        .map((e) => String(e.data.data))
        .join('');
    // Exactly the attempt's log, in order, once, by the time the run has ended and been read out.
    await waitFor(
      async () => {
        const ended = s.events.some(
          (e) => e.event === 'run' && e.data.runId === runId && e.data.type === 'run_completed',
        );
        return ended && text() === (await cli(['logs', runId, '--attempt', '1'], c().env)).stdout;
      },
      30_000,
      "the run's whole log on the stream",
    );
    expect(text()).toContain('stand-in line 4 of 4');
    // Nothing of the schedule the filter leaves out.
    expect(s.events.some((e) => e.event === 'log' && e.data.runId === other)).toBe(false);
    expect(s.events.filter((e) => e.event === 'log').every((e) => e.id === null)).toBe(true);
    s.stop();
  });
});

describe('goose-flow events (the CLI face of the feed)', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = sandbox();
  });
  afterEach(() => box.cleanup());

  it('prints what happened after an id, and follows new events live', async () => {
    const follower = startCli(['events', '--follow', '--json'], box.env);
    await waitFor(
      () => follower.out.stderr.includes('following events after'),
      20_000,
      'following',
    );
    const run = await cli(['run', box.recipe('e.yaml'), '--json'], box.env);
    const runId = (JSON.parse(run.stdout) as { id: string }).id;
    const lines = await waitFor(
      () => {
        const l = follower.out.stdout
          .split('\n')
          .filter(Boolean)
          .map((x) => JSON.parse(x) as Record<string, unknown>);
        return l.some((e) => e.runId === runId && e.type === 'run_completed') && l;
      },
      15_000,
      'the follower to see the run end',
    );
    follower.kill('SIGTERM');
    expect(await follower.closed).toBe(0);
    expect(lines[0]).toMatchObject({ kind: 'run', runId, type: 'run_created' });
    const after = await cli(['events', '--after', String(lines[0]!.id), '--json'], box.env);
    const replay = after.stdout
      .split('\n')
      .filter(Boolean)
      .map((x) => JSON.parse(x) as { id: string });
    expect(replay.map((e) => e.id)).toEqual(lines.slice(1).map((e) => e.id));
    const bad = await cli(['events', '--after', 'nope'], box.env);
    expect(bad.code).toBe(2);
    // With no flags: the newest events (it used to print nothing); --after 0: all from the start.
    const plain = await cli(['events', '--json'], box.env);
    const newest = plain.stdout.split('\n').filter(Boolean);
    expect(newest.length).toBeGreaterThan(0);
    expect(newest.length).toBeLessThanOrEqual(20);
    expect(JSON.parse(newest.at(-1)!)).toMatchObject({ runId, type: 'run_completed' });
    const all = await cli(['events', '--after', '0', '--json'], box.env);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout.split('\n')[0]!)).toMatchObject({ type: 'run_created' });
    const last2 = await cli(['events', '--last', '2', '--json'], box.env);
    expect(last2.stdout.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('--logs adds the log lines of the runs it follows, each line prefixed with its run', async () => {
    const follower = startCli(['events', '--follow', '--logs'], box.env);
    await waitFor(
      () => follower.out.stderr.includes('following events after'),
      20_000,
      'following',
    );
    const run = await cli(['run', box.recipe('l.yaml', { lines: 3 }), '--json'], box.env);
    const runId = (JSON.parse(run.stdout) as { id: string }).id;
    await waitFor(
      () => follower.out.stdout.includes(`${runId} #1 | stand-in: done`),
      15_000,
      'the last log line',
    );
    follower.kill('SIGTERM');
    expect(await follower.closed).toBe(0);
    for (let i = 1; i <= 3; i++)
      expect(follower.out.stdout).toContain(`${runId} #1 | stand-in line ${i} of 3\n`);
    const noFollow = await cli(['events', '--logs'], box.env);
    expect(noFollow.code).toBe(2);
    expect(noFollow.stderr).toContain('use it with --follow');
  });
});
